-- Ten accounts of 1,000.00 each, for every engine (standard SQL); ids carry the bank letter so they are unique across banks.
INSERT INTO account (id, owner, balance_cents) VALUES
    ('${bank}-0001', 'Ada',      100000),
    ('${bank}-0002', 'Barbara',  100000),
    ('${bank}-0003', 'Charles',  100000),
    ('${bank}-0004', 'Dorothy',  100000),
    ('${bank}-0005', 'Edsger',   100000),
    ('${bank}-0006', 'Frances',  100000),
    ('${bank}-0007', 'Grace',    100000),
    ('${bank}-0008', 'Hedy',     100000),
    ('${bank}-0009', 'Ivan',     100000),
    ('${bank}-0010', 'Jean',     100000);
