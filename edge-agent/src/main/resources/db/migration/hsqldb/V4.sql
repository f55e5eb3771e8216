-- devices and row_counts kept in memory: every commit updates them
-- HSQLDB writes each update of a cached table as a new row version into its data file, and every
-- allocation after a free sorts its free-space list: these two small tables stay in memory.
SET TABLE devices TYPE MEMORY;
SET TABLE row_counts TYPE MEMORY;
