-- Takeover (twophase.coordinator.takeover.enabled): a surviving instance takes an expired TM name over
-- with the next epoch, finishes that TM name's prepared branches on every participant and releases it.
-- settled_at says when such a takeover left nothing behind (no log record, no prepared branch of the TM
-- name on any participant); survivors skip a settled TM name until its owner has taken it back, which
-- clears the column.
ALTER TABLE twophase_log_owner ADD COLUMN settled_at timestamptz;
