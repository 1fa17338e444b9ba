-- Issue 15: the order flow as a Saga, a TCC and through the outbox, beside XA (MySQL 8 / MariaDB 10.5+).
-- pattern_tx now logs orders too (flow 'order', always in bank A, where the stock is): the
-- transfer's columns are left empty for an order and the order's for a transfer.
ALTER TABLE pattern_tx
    MODIFY from_bank CHAR(1) NULL,
    MODIFY from_account VARCHAR(32) NULL,
    MODIFY to_bank CHAR(1) NULL,
    MODIFY to_account VARCHAR(32) NULL,
    MODIFY amount_cents BIGINT NULL,
    ADD COLUMN sku VARCHAR(32),
    ADD COLUMN quantity INT,
    ADD COLUMN user_id VARCHAR(64),
    ADD COLUMN order_strategy VARCHAR(16);
ALTER TABLE pattern_tx ADD CONSTRAINT pattern_tx_flow_fields CHECK (
    (flow = 'transfer' AND from_bank IS NOT NULL AND from_account IS NOT NULL AND to_bank IS NOT NULL
        AND to_account IS NOT NULL AND amount_cents IS NOT NULL)
    OR (flow = 'order' AND sku IS NOT NULL AND quantity > 0 AND user_id IS NOT NULL AND order_strategy IS NOT NULL));

-- TCC's try holds stock: it stays in stock but no other order can take it until confirm or cancel.
ALTER TABLE product ADD COLUMN held_stock INT NOT NULL DEFAULT 0;
ALTER TABLE product ADD CONSTRAINT product_held_covered CHECK (held_stock >= 0 AND held_stock <= stock);
