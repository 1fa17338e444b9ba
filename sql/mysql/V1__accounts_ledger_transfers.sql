-- Bank schema on MySQL 8 / MariaDB 10.5+. Both banks share this schema; ${bank} is the bank letter (A or B).
-- The transfer registry (table transfer) is used in bank A only: it is the home of the idempotency key.
CREATE TABLE account (
    id            VARCHAR(32)  NOT NULL PRIMARY KEY,
    owner         VARCHAR(100) NOT NULL,
    balance_cents BIGINT       NOT NULL,
    updated_at    TIMESTAMP(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6),
    CONSTRAINT account_balance_non_negative CHECK (balance_cents >= 0)
) ENGINE = InnoDB;

CREATE TABLE ledger_entry (
    id           BIGINT      NOT NULL AUTO_INCREMENT PRIMARY KEY,
    transfer_id  VARCHAR(36) NOT NULL,
    account_id   VARCHAR(32) NOT NULL,
    direction    VARCHAR(6)  NOT NULL,
    amount_cents BIGINT      NOT NULL,
    created_at   TIMESTAMP(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6),
    CONSTRAINT ledger_entry_once_per_direction UNIQUE (transfer_id, direction),
    CONSTRAINT ledger_entry_account FOREIGN KEY (account_id) REFERENCES account (id),
    CONSTRAINT ledger_entry_direction CHECK (direction IN ('DEBIT', 'CREDIT')),
    CONSTRAINT ledger_entry_amount_positive CHECK (amount_cents > 0)
) ENGINE = InnoDB;

CREATE TABLE transfer (
    id                  VARCHAR(36)  NOT NULL PRIMARY KEY,
    idempotency_key     VARCHAR(100) NOT NULL,
    request_fingerprint VARCHAR(64)  NOT NULL,
    from_bank           CHAR(1)      NOT NULL,
    from_account        VARCHAR(32)  NOT NULL,
    to_bank             CHAR(1)      NOT NULL,
    to_account          VARCHAR(32)  NOT NULL,
    amount_cents        BIGINT       NOT NULL,
    created_at          TIMESTAMP(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6),
    CONSTRAINT transfer_idempotency_key_unique UNIQUE (idempotency_key),
    CONSTRAINT transfer_amount_positive CHECK (amount_cents > 0)
) ENGINE = InnoDB;
