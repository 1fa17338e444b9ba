-- Issue 15: Saga, TCC and the transactional outbox beside XA (MySQL 8 / MariaDB 10.5+).
-- pattern_tx is the log of one Saga, TCC or outbox transaction of a flow: its request, its state and
-- its timestamps (epoch milliseconds of the application's clock, so that windows are measured on
-- one clock). Saga and TCC keep it in bank A; the outbox keeps it in the debited bank, in the same
-- local transaction as the debit.
CREATE TABLE pattern_tx (
    gid                 VARCHAR(36)  PRIMARY KEY,
    mode                VARCHAR(8)   NOT NULL,
    flow                VARCHAR(16)  NOT NULL,
    idempotency_key     VARCHAR(100) NOT NULL,
    request_fingerprint VARCHAR(64)  NOT NULL,
    state               VARCHAR(16)  NOT NULL,
    from_bank           CHAR(1)      NOT NULL,
    from_account        VARCHAR(32)  NOT NULL,
    to_bank             CHAR(1)      NOT NULL,
    to_account          VARCHAR(32)  NOT NULL,
    amount_cents        BIGINT       NOT NULL,
    event_id            VARCHAR(36)  NOT NULL,
    failure             VARCHAR(32),
    attempts            INT          NOT NULL DEFAULT 0,
    created_ms          BIGINT       NOT NULL,
    updated_ms          BIGINT       NOT NULL,
    deadline_ms         BIGINT       NOT NULL,
    exposed_ms          BIGINT,
    finished_ms         BIGINT,
    CONSTRAINT pattern_tx_key_unique UNIQUE (flow, idempotency_key),
    CONSTRAINT pattern_tx_amount_positive CHECK (amount_cents > 0)
) ENGINE = InnoDB;
CREATE INDEX pattern_tx_unfinished ON pattern_tx (finished_ms, updated_ms);

-- TCC's try freezes money: it stays in the balance but cannot be spent until confirm or cancel.
ALTER TABLE account ADD COLUMN frozen_cents BIGINT NOT NULL DEFAULT 0;
ALTER TABLE account ADD CONSTRAINT account_frozen_covered CHECK (frozen_cents >= 0 AND frozen_cents <= balance_cents);

-- A Saga's compensation gives the debited amount back with a REFUND row.
ALTER TABLE ledger_entry DROP CONSTRAINT ledger_entry_direction;
ALTER TABLE ledger_entry ADD CONSTRAINT ledger_entry_direction CHECK (direction IN ('DEBIT', 'CREDIT', 'REFUND'));
