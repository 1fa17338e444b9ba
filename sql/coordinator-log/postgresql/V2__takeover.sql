-- Takeover (twophase.coordinator.takeover.enabled): a surviving instance takes an expired TM name over
-- with the next epoch, finishes that TM name's prepared branches on every participant it can scan and
-- releases it. settled_at says when such a takeover left no prepared branch of the TM name on those
-- participants; the TM name's log records stay for its owner. Survivors skip a settled TM name until
-- its owner has taken it back, which clears the column.
ALTER TABLE twophase_log_owner ADD COLUMN settled_at timestamptz;
