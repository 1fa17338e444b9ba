-- Likes, inventory and the event inbox (PostgreSQL). Every engine's folder holds every table, so
-- either bank database can play either role; the demo uses bank A (PostgreSQL) for articles,
-- products and the inbox, and bank B (MySQL) for likes, quotas and orders.

-- What each account started with, so the consistency checker can prove conservation of money.
ALTER TABLE account ADD COLUMN opening_balance_cents BIGINT NOT NULL DEFAULT 100000;
-- The id of the event published by the transfer's transaction (exactly-once check).
ALTER TABLE transfer ADD COLUMN event_id VARCHAR(36);

CREATE TABLE article (
    id         VARCHAR(32)  PRIMARY KEY,
    title      VARCHAR(200) NOT NULL,
    like_count BIGINT       NOT NULL DEFAULT 0 CONSTRAINT article_like_count_non_negative CHECK (like_count >= 0)
);

CREATE TABLE user_like (
    user_id    VARCHAR(64) NOT NULL,
    article_id VARCHAR(32) NOT NULL,
    created_at TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT CURRENT_TIMESTAMP,
    PRIMARY KEY (user_id, article_id)
);

-- One row per committed like or unlike: the business record the event must match.
CREATE TABLE like_action (
    event_id   VARCHAR(36) PRIMARY KEY,
    user_id    VARCHAR(64) NOT NULL,
    article_id VARCHAR(32) NOT NULL,
    action     VARCHAR(6)  NOT NULL CONSTRAINT like_action_kind CHECK (action IN ('LIKE', 'UNLIKE')),
    created_at TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT CURRENT_TIMESTAMP
);

CREATE TABLE like_quota (
    user_id VARCHAR(64) NOT NULL,
    quota_day DATE      NOT NULL,
    used    INT         NOT NULL CONSTRAINT like_quota_used_non_negative CHECK (used >= 0),
    PRIMARY KEY (user_id, quota_day)
);

CREATE TABLE product (
    sku           VARCHAR(32)  PRIMARY KEY,
    name          VARCHAR(200) NOT NULL,
    stock         INT          NOT NULL CONSTRAINT product_stock_non_negative CHECK (stock >= 0),
    initial_stock INT          NOT NULL,
    version       BIGINT       NOT NULL DEFAULT 0
);

CREATE TABLE purchase_order (
    id         VARCHAR(36) PRIMARY KEY,
    sku        VARCHAR(32) NOT NULL,
    quantity   INT         NOT NULL CONSTRAINT purchase_order_quantity_positive CHECK (quantity > 0),
    user_id    VARCHAR(64) NOT NULL,
    strategy   VARCHAR(12) NOT NULL,
    event_id   VARCHAR(36) NOT NULL UNIQUE,
    created_at TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT CURRENT_TIMESTAMP
);

-- Every consumed event, once: the primary key makes a redelivered event a no-op.
CREATE TABLE inbox_event (
    event_id     VARCHAR(36)  PRIMARY KEY,
    event_type   VARCHAR(32)  NOT NULL,
    schema_name  VARCHAR(64)  NOT NULL,
    business_key VARCHAR(64)  NOT NULL,
    payload      VARCHAR(4000) NOT NULL,
    received_at  TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT CURRENT_TIMESTAMP
);
