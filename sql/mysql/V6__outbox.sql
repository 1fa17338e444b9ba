-- The transactional outbox (MySQL 8 / MariaDB 10.6+): an event row written in the same local
-- transaction as the business change it announces, published to the broker afterwards by a relay
-- (dev.twophase.demo.patterns.OutboxRelay). published_at stays null until the broker has the message;
-- several relays share the rows with SELECT ... FOR UPDATE SKIP LOCKED.
CREATE TABLE outbox_event (
    id           BIGINT        NOT NULL AUTO_INCREMENT PRIMARY KEY,
    event_id     VARCHAR(36)   NOT NULL,
    destination  VARCHAR(64)   NOT NULL,
    event_type   VARCHAR(32)   NOT NULL,
    business_key VARCHAR(64)   NOT NULL,
    payload      VARCHAR(4000) NOT NULL,
    created_at   TIMESTAMP(6)  NOT NULL DEFAULT CURRENT_TIMESTAMP(6),
    published_at TIMESTAMP(6)  NULL,
    CONSTRAINT outbox_event_id_unique UNIQUE (event_id),
    INDEX outbox_event_unpublished (published_at, id)
) ENGINE = InnoDB;
