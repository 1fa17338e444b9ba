-- Never run by the H2 tests: {vendor} of H2 is postgresql.
CREATE TABLE entry (id INT PRIMARY KEY, note VARCHAR(100) NOT NULL);
CREATE TABLE marker (text VARCHAR(100) NOT NULL);
INSERT INTO marker VALUES ('mysql folder, participant ${participant}');
