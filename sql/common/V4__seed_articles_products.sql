-- Articles to like and products to order (standard SQL, every engine).
INSERT INTO article (id, title) VALUES
    ('art-1', 'Two-phase commit, explained'),
    ('art-2', 'What a heuristic outcome means'),
    ('art-3', 'Presumed abort'),
    ('art-4', 'XA on PostgreSQL'),
    ('art-5', 'XA on MySQL');

INSERT INTO product (sku, name, stock, initial_stock) VALUES
    ('SKU-MUG',    'twophase mug',      100, 100),
    ('SKU-SHIRT',  'twophase t-shirt',   50,  50),
    ('SKU-STICKER','twophase sticker', 1000, 1000),
    ('SKU-LIMITED','limited edition',    10,  10);
