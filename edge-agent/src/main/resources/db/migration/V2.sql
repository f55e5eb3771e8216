-- mail queue and last mail per (device, rule)
-- The mail queue moved here from <data_dir>/mail so a mail commits with its incident.
-- sent_at null = pending. One row per (incident, change): a transition seen twice queues one
-- mail. The job's fields are copied: a mail needs no join to be sent.
CREATE TABLE mail_queue (incident_id BIGINT NOT NULL, change VARCHAR(16) NOT NULL,
  device_id VARCHAR(64) NOT NULL, rule VARCHAR(32) NOT NULL,
  metric VARCHAR(16) NOT NULL, value DOUBLE PRECISION,
  threshold DOUBLE PRECISION, message VARCHAR(500) NOT NULL,
  opened_at BIGINT NOT NULL, ts BIGINT NOT NULL, created_at BIGINT NOT NULL,
  attempts INTEGER NOT NULL, last_error VARCHAR(500), sent_at BIGINT,
  PRIMARY KEY (incident_id, change));
CREATE INDEX mail_queue_sent ON mail_queue (sent_at);
-- The rate limit's memory: kept apart so retention can delete old mail rows.
CREATE TABLE mail_last_sent (device_id VARCHAR(64) NOT NULL,
  rule VARCHAR(32) NOT NULL, sent_at BIGINT NOT NULL,
  PRIMARY KEY (device_id, rule));
