-- The coordinator log on PostgreSQL (twophase.coordinator.log-store=postgresql), applied by the
-- coordinator itself with Flyway (history table twophase_log_schema_history).

-- Who owns each TM name's log: one live process at a time. A process writes only while its epoch is
-- the row's epoch; taking the log over (an expired lease) increments the epoch, which fences out the
-- old owner's writes.
CREATE TABLE twophase_log_owner (
    tm_name     text        PRIMARY KEY,
    epoch       bigint      NOT NULL,
    owner       text        NOT NULL,
    lease_until timestamptz NOT NULL
);

-- The last record of every transaction still pending, per TM name (a final state deletes the row).
CREATE TABLE twophase_log_record (
    tm_name         text   NOT NULL,
    coordinator_id  text   NOT NULL,
    state           text   NOT NULL,
    expires         bigint NOT NULL,
    recovery_domain text   NOT NULL,
    superior_id     text,
    PRIMARY KEY (tm_name, coordinator_id)
);
