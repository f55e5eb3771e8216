-- devices, readings, aggregates, failures, incidents, alerts, outbox
CREATE TABLE devices (id INTEGER NOT NULL PRIMARY KEY,
  device_id VARCHAR(64) NOT NULL UNIQUE, first_seen BIGINT NOT NULL,
  last_seen BIGINT, last_ts BIGINT, last_seq BIGINT,
  last_temperature DOUBLE PRECISION, last_humidity DOUBLE PRECISION,
  last_source VARCHAR(32), readings BIGINT NOT NULL, max_seq BIGINT,
  max_ts_key BIGINT);
-- PostgreSQL: readings range-partitioned by ts, one partition per UTC day (readings_YYYYMMDD,
-- created ahead by the store's housekeeping; retention drops whole days) and a default partition
-- for readings no day covers. dedup_kind 0: dedup_value is the device's seq; 1: seq absent,
-- dedup_value is ts. A key of a partitioned table must hold the partition column, so the key is
-- (dedup_kind, device, dedup_value, ts): exact for kind 1 (dedup_value = ts), and for kind 0 it
-- stops the same reading (same seq, same ts) stored twice by two hubs (ON CONFLICT DO NOTHING).
CREATE TABLE readings (device INTEGER NOT NULL, dedup_kind SMALLINT NOT NULL,
  dedup_value BIGINT NOT NULL, ts BIGINT NOT NULL, seq BIGINT,
  temperature DOUBLE PRECISION NOT NULL, humidity DOUBLE PRECISION NOT NULL,
  source VARCHAR(32) NOT NULL, received BIGINT NOT NULL,
  PRIMARY KEY (dedup_kind, device, dedup_value, ts)) PARTITION BY RANGE (ts);
CREATE TABLE readings_default PARTITION OF readings DEFAULT;
CREATE INDEX readings_device_ts ON readings (device, ts);
-- Device ids for several stores writing one database at once (PostgresDialect.insertDeviceIfAbsent).
CREATE SEQUENCE device_ids;
CREATE TABLE read_failures (id BIGINT NOT NULL PRIMARY KEY,
  device INTEGER NOT NULL, ts BIGINT NOT NULL, reason VARCHAR(64) NOT NULL);
CREATE INDEX read_failures_device_ts ON read_failures (device, ts);
CREATE TABLE agg_1m (device INTEGER NOT NULL, bucket BIGINT NOT NULL, n BIGINT NOT NULL,
  t_min DOUBLE PRECISION NOT NULL, t_max DOUBLE PRECISION NOT NULL,
  t_sum DOUBLE PRECISION NOT NULL, h_min DOUBLE PRECISION NOT NULL,
  h_max DOUBLE PRECISION NOT NULL, h_sum DOUBLE PRECISION NOT NULL,
  PRIMARY KEY (device, bucket));
CREATE TABLE agg_1h (device INTEGER NOT NULL, bucket BIGINT NOT NULL, n BIGINT NOT NULL,
  t_min DOUBLE PRECISION NOT NULL, t_max DOUBLE PRECISION NOT NULL,
  t_sum DOUBLE PRECISION NOT NULL, h_min DOUBLE PRECISION NOT NULL,
  h_max DOUBLE PRECISION NOT NULL, h_sum DOUBLE PRECISION NOT NULL,
  PRIMARY KEY (device, bucket));
CREATE TABLE incidents (id BIGINT NOT NULL PRIMARY KEY,
  device_id VARCHAR(64) NOT NULL, rule VARCHAR(32) NOT NULL,
  metric VARCHAR(16) NOT NULL, status VARCHAR(16) NOT NULL,
  severity VARCHAR(16) NOT NULL, value DOUBLE PRECISION,
  threshold DOUBLE PRECISION, message VARCHAR(500) NOT NULL,
  opened_at BIGINT NOT NULL, acknowledged_at BIGINT,
  acknowledged_by VARCHAR(64), resolved_at BIGINT, resolved_by VARCHAR(64));
CREATE INDEX incidents_status ON incidents (status, id);
CREATE TABLE incident_events (id BIGINT NOT NULL PRIMARY KEY,
  incident_id BIGINT NOT NULL REFERENCES incidents (id),
  ts BIGINT NOT NULL, event VARCHAR(16) NOT NULL, actor VARCHAR(64),
  value DOUBLE PRECISION, message VARCHAR(500) NOT NULL);
CREATE INDEX incident_events_incident ON incident_events (incident_id, id);
CREATE TABLE alerts (id BIGINT NOT NULL PRIMARY KEY,
  incident_id BIGINT NOT NULL REFERENCES incidents (id),
  alert_type VARCHAR(16) NOT NULL, severity VARCHAR(16) NOT NULL,
  value DOUBLE PRECISION, message VARCHAR(500) NOT NULL, ts BIGINT NOT NULL);
-- state 0 pending, 1 confirmed, 2 dropped (Kura's data store model).
CREATE TABLE outbox (id BIGINT NOT NULL PRIMARY KEY, topic VARCHAR(255) NOT NULL,
  payload ${binary_type} NOT NULL, qos SMALLINT NOT NULL, retained BOOLEAN NOT NULL,
  priority SMALLINT NOT NULL, state SMALLINT NOT NULL,
  created_at BIGINT NOT NULL, published_at BIGINT, confirmed_at BIGINT,
  dropped_at BIGINT);
CREATE INDEX outbox_state ON outbox (state, priority, id);
