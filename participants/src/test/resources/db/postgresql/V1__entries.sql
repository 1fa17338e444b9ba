CREATE TABLE entry (id INT PRIMARY KEY, note VARCHAR(100) NOT NULL);
CREATE TABLE marker (text VARCHAR(100) NOT NULL);
INSERT INTO marker VALUES ('postgresql folder, participant ${participant}');
