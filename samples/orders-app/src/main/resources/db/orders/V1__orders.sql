CREATE TABLE orders (
    id           VARCHAR(64) PRIMARY KEY,
    customer     VARCHAR(100) NOT NULL,
    amount_cents BIGINT NOT NULL CHECK (amount_cents > 0),
    placed_at    TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now()
);
