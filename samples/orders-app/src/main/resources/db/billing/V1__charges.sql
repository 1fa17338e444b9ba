CREATE TABLE charges (
    order_id     VARCHAR(64) PRIMARY KEY,
    customer     VARCHAR(100) NOT NULL,
    amount_cents BIGINT NOT NULL,
    charged_at   TIMESTAMP(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6)
) ENGINE = InnoDB;
