-- row counts kept by the writer, so the status page never counts a whole table
CREATE TABLE row_counts (name VARCHAR(32) NOT NULL PRIMARY KEY, n BIGINT NOT NULL);
-- Counted once here; from now on every commit adds what it inserted and deleted.
INSERT INTO row_counts (name, n) SELECT 'readings', COUNT(*) FROM readings;
INSERT INTO row_counts (name, n) SELECT 'read_failures', COUNT(*) FROM read_failures;
