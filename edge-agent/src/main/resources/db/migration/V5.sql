-- live aggregate buckets: summed in memory, written to agg_1m/agg_1h when they close
-- Which bucket each device fills now; the table has no row for it (LiveBucket).
ALTER TABLE devices ADD COLUMN agg_1m_live BIGINT;
ALTER TABLE devices ADD COLUMN agg_1h_live BIGINT;
