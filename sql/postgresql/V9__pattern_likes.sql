-- Issue 15: the like flow as a Saga, a TCC and through the outbox, beside XA.
-- pattern_tx logs likes too (flow 'like'): Saga and TCC in bank A, where the like count is; the
-- outbox in bank B, in the same local transaction as the like record.
ALTER TABLE pattern_tx ADD COLUMN article_id VARCHAR(32);
ALTER TABLE pattern_tx DROP CONSTRAINT pattern_tx_flow_fields;
ALTER TABLE pattern_tx ADD CONSTRAINT pattern_tx_flow_fields CHECK (
    (flow = 'transfer' AND from_bank IS NOT NULL AND from_account IS NOT NULL AND to_bank IS NOT NULL
        AND to_account IS NOT NULL AND amount_cents IS NOT NULL)
    OR (flow = 'order' AND sku IS NOT NULL AND quantity > 0 AND user_id IS NOT NULL AND order_strategy IS NOT NULL)
    OR (flow = 'like' AND article_id IS NOT NULL AND user_id IS NOT NULL));
