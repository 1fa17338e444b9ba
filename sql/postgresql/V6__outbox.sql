-- The transactional outbox (PostgreSQL, and H2 for the embedded default): an event row written in the
-- same local transaction as the business change it announces, published to the broker afterwards by a
-- relay (dev.twophase.demo.patterns.OutboxRelay). published_at stays null until the broker has the
-- message; several relays share the rows with SELECT ... FOR UPDATE SKIP LOCKED.
CREATE TABLE outbox_event (
    id           BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    event_id     VARCHAR(36)   NOT NULL CONSTRAINT outbox_event_id_unique UNIQUE,
    destination  VARCHAR(64)   NOT NULL,
    event_type   VARCHAR(32)   NOT NULL,
    business_key VARCHAR(64)   NOT NULL,
    payload      VARCHAR(4000) NOT NULL,
    created_at   TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT CURRENT_TIMESTAMP,
    published_at TIMESTAMP WITH TIME ZONE
);
CREATE INDEX outbox_event_unpublished ON outbox_event (published_at, id);
