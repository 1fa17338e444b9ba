-- Likes, inventory and the event inbox (MySQL 8 / MariaDB 10.5+). Every engine's folder holds every table, so
-- either bank database can play either role; the demo uses bank A (PostgreSQL) for articles,
-- products and the inbox, and bank B (MySQL) for likes, quotas and orders.

-- What each account started with, so the consistency checker can prove conservation of money.
ALTER TABLE account ADD COLUMN opening_balance_cents BIGINT NOT NULL DEFAULT 100000;
-- The id of the event published by the transfer's transaction (exactly-once check).
ALTER TABLE transfer ADD COLUMN event_id VARCHAR(36);

CREATE TABLE article (
    id         VARCHAR(32)  NOT NULL PRIMARY KEY,
    title      VARCHAR(200) NOT NULL,
    like_count BIGINT       NOT NULL DEFAULT 0 CHECK (like_count >= 0)
) ENGINE = InnoDB;

CREATE TABLE user_like (
    user_id    VARCHAR(64) NOT NULL,
    article_id VARCHAR(32) NOT NULL,
    created_at TIMESTAMP(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6),
    PRIMARY KEY (user_id, article_id)
) ENGINE = InnoDB;

-- One row per committed like or unlike: the business record the event must match.
CREATE TABLE like_action (
    event_id   VARCHAR(36) NOT NULL PRIMARY KEY,
    user_id    VARCHAR(64) NOT NULL,
    article_id VARCHAR(32) NOT NULL,
    action     VARCHAR(6)  NOT NULL CHECK (action IN ('LIKE', 'UNLIKE')),
    created_at TIMESTAMP(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6)
) ENGINE = InnoDB;

CREATE TABLE like_quota (
    user_id VARCHAR(64) NOT NULL,
    quota_day DATE      NOT NULL,
    used    INT         NOT NULL CHECK (used >= 0),
    PRIMARY KEY (user_id, quota_day)
) ENGINE = InnoDB;

CREATE TABLE product (
    sku           VARCHAR(32)  NOT NULL PRIMARY KEY,
    name          VARCHAR(200) NOT NULL,
    stock         INT          NOT NULL CHECK (stock >= 0),
    initial_stock INT          NOT NULL,
    version       BIGINT       NOT NULL DEFAULT 0
) ENGINE = InnoDB;

CREATE TABLE purchase_order (
    id         VARCHAR(36) NOT NULL PRIMARY KEY,
    sku        VARCHAR(32) NOT NULL,
    quantity   INT         NOT NULL CHECK (quantity > 0),
    user_id    VARCHAR(64) NOT NULL,
    strategy   VARCHAR(12) NOT NULL,
    event_id   VARCHAR(36) NOT NULL UNIQUE,
    created_at TIMESTAMP(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6)
) ENGINE = InnoDB;

-- Every consumed event, once: the primary key makes a redelivered event a no-op.
CREATE TABLE inbox_event (
    event_id     VARCHAR(36)  NOT NULL PRIMARY KEY,
    event_type   VARCHAR(32)  NOT NULL,
    schema_name  VARCHAR(64)  NOT NULL,
    business_key VARCHAR(64)  NOT NULL,
    payload      VARCHAR(4000) NOT NULL,
    received_at  TIMESTAMP(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6)
) ENGINE = InnoDB;
