package net.dhtedge.agent.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;
import net.dhtedge.agent.rules.Transition;

/**
 * The mail tables of one batch transaction: {@code mail_queue} (one row per incident and change)
 * and {@code mail_last_sent} (the rate limit's memory), so a mail commits with its incident.
 */
final class MailWriter {

  private final Connection c;
  private final long now;

  MailWriter(Connection c, long nowMillis) {
    this.c = c;
    this.now = nowMillis;
  }

  /**
   * Queues the mail of an opened or resolved incident in this transaction (an acknowledgement sends
   * none). Once per (incident, change): a transition seen again queues nothing.
   *
   * @return whether a mail was queued
   */
  boolean queueMail(Transition t) throws SQLException {
    MailJob job = MailJob.of(t);
    return job != null && insertMail(job, null);
  }

  /** Adds a mail unless its (incident, change) is there already; {@code sentAt} null = pending. */
  boolean insertMail(MailJob j, Instant sentAt) throws SQLException {
    try (PreparedStatement ps =
        c.prepareStatement("SELECT 1 FROM mail_queue WHERE incident_id = ? AND change = ?")) {
      ps.setLong(1, j.incidentId());
      ps.setString(2, j.change());
      try (ResultSet rs = ps.executeQuery()) {
        if (rs.next()) {
          return false; // the writer is the only one inserting: no race between check and insert
        }
      }
    }
    try (PreparedStatement in =
        c.prepareStatement(
            "INSERT INTO mail_queue (incident_id, change, device_id, rule, metric, value,"
                + " threshold, message, opened_at, ts, created_at, attempts, last_error, sent_at)"
                + " VALUES (?,?,?,?,?,?,?,?,?,?,?,0,NULL,?)")) {
      in.setLong(1, j.incidentId());
      in.setString(2, j.change());
      in.setString(3, j.deviceId());
      in.setString(4, j.rule());
      in.setString(5, j.metric());
      Sql.setDouble(in, 6, j.value());
      Sql.setDouble(in, 7, j.threshold());
      in.setString(8, Sql.clip(j.message()));
      in.setLong(9, j.openedAt().toEpochMilli());
      in.setLong(10, j.ts().toEpochMilli());
      in.setLong(11, now);
      Sql.setMillis(in, 12, sentAt);
      in.executeUpdate();
    }
    if (sentAt != null) {
      noteMailSent(j, sentAt.toEpochMilli());
    }
    return true;
  }

  /** The SMTP server accepted these pending mails at {@code at}. */
  void markMailSent(List<MailJob> jobs, Instant at) throws SQLException {
    try (PreparedStatement up =
        c.prepareStatement(
            "UPDATE mail_queue SET sent_at = ?, attempts = attempts + 1, last_error = NULL"
                + " WHERE incident_id = ? AND change = ? AND sent_at IS NULL")) {
      for (MailJob j : jobs) {
        up.setLong(1, at.toEpochMilli());
        up.setLong(2, j.incidentId());
        up.setString(3, j.change());
        up.executeUpdate();
        noteMailSent(j, at.toEpochMilli());
      }
    }
  }

  /** A send of these pending mails failed: one more attempt, and why. */
  void markMailFailed(List<MailJob> jobs, String error) throws SQLException {
    try (PreparedStatement up =
        c.prepareStatement(
            "UPDATE mail_queue SET attempts = attempts + 1, last_error = ?"
                + " WHERE incident_id = ? AND change = ? AND sent_at IS NULL")) {
      for (MailJob j : jobs) {
        up.setString(1, error == null ? null : Sql.clip(error));
        up.setLong(2, j.incidentId());
        up.setString(3, j.change());
        up.executeUpdate();
      }
    }
  }

  /** The rate limit's memory: the latest mail per (device, rule). */
  private void noteMailSent(MailJob j, long at) throws SQLException {
    try (PreparedStatement up =
        c.prepareStatement(
            "UPDATE mail_last_sent SET sent_at = GREATEST(sent_at, ?)"
                + " WHERE device_id = ? AND rule = ?")) {
      up.setLong(1, at);
      up.setString(2, j.deviceId());
      up.setString(3, j.rule());
      if (up.executeUpdate() == 1) {
        return;
      }
    }
    try (PreparedStatement in =
        c.prepareStatement(
            "INSERT INTO mail_last_sent (device_id, rule, sent_at) VALUES (?,?,?)")) {
      in.setString(1, j.deviceId());
      in.setString(2, j.rule());
      in.setLong(3, at);
      in.executeUpdate();
    }
  }
}
