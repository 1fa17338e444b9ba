-- Bank schema on PostgreSQL. Both banks share this schema; ${bank} is the bank letter (A or B).
-- The transfer registry (table transfer) is used in bank A only: it is the home of the idempotency key.
CREATE TABLE account (
    id            VARCHAR(32)  PRIMARY KEY,
    owner         VARCHAR(100) NOT NULL,
    balance_cents BIGINT       NOT NULL CONSTRAINT account_balance_non_negative CHECK (balance_cents >= 0),
    updated_at    TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT CURRENT_TIMESTAMP
);

CREATE TABLE ledger_entry (
    id           BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    transfer_id  VARCHAR(36) NOT NULL,
    account_id   VARCHAR(32) NOT NULL REFERENCES account (id),
    direction    VARCHAR(6)  NOT NULL CONSTRAINT ledger_entry_direction CHECK (direction IN ('DEBIT', 'CREDIT')),
    amount_cents BIGINT      NOT NULL CONSTRAINT ledger_entry_amount_positive CHECK (amount_cents > 0),
    created_at   TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT ledger_entry_once_per_direction UNIQUE (transfer_id, direction)
);

CREATE TABLE transfer (
    id                  VARCHAR(36)  PRIMARY KEY,
    idempotency_key     VARCHAR(100) NOT NULL CONSTRAINT transfer_idempotency_key_unique UNIQUE,
    request_fingerprint VARCHAR(64)  NOT NULL,
    from_bank           CHAR(1)      NOT NULL,
    from_account        VARCHAR(32)  NOT NULL,
    to_bank             CHAR(1)      NOT NULL,
    to_account          VARCHAR(32)  NOT NULL,
    amount_cents        BIGINT       NOT NULL CHECK (amount_cents > 0),
    created_at          TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT CURRENT_TIMESTAMP
);
