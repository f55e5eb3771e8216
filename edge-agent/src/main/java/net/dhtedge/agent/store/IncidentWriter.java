package net.dhtedge.agent.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.Optional;
import net.dhtedge.agent.rules.Incident;
import net.dhtedge.agent.rules.Transition;

/**
 * The incident tables of one batch transaction: {@code incidents}, {@code incident_events} and
 * {@code alerts}, written at once (an incident is rare; its rows need no JDBC batch).
 */
final class IncidentWriter {

  private final Connection c;
  private final StoreState state;

  IncidentWriter(Connection c, StoreState state) {
    this.c = c;
    this.state = state;
  }

  /** Inserts or updates an incident row. */
  void saveIncident(Incident i) throws SQLException {
    try (PreparedStatement up =
        c.prepareStatement(
            "UPDATE incidents SET status = ?, acknowledged_at = ?, acknowledged_by = ?,"
                + " resolved_at = ?, resolved_by = ? WHERE id = ?")) {
      up.setString(1, i.status().id());
      Sql.setMillis(up, 2, i.acknowledgedAt());
      up.setString(3, i.acknowledgedBy());
      Sql.setMillis(up, 4, i.resolvedAt());
      up.setString(5, i.resolvedBy());
      up.setLong(6, i.id());
      if (up.executeUpdate() == 1) {
        return;
      }
    }
    try (PreparedStatement in =
        c.prepareStatement(
            "INSERT INTO incidents (id, device_id, rule, metric, status, severity, value,"
                + " threshold, message, opened_at, acknowledged_at, acknowledged_by, resolved_at,"
                + " resolved_by) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?)")) {
      in.setLong(1, i.id());
      in.setString(2, i.deviceId());
      in.setString(3, i.rule().id());
      in.setString(4, i.rule().metric());
      in.setString(5, i.status().id());
      in.setString(6, i.rule().severity());
      Sql.setDouble(in, 7, i.value());
      Sql.setDouble(in, 8, i.threshold());
      in.setString(9, Sql.clip(i.message()));
      in.setLong(10, i.openedAt().toEpochMilli());
      Sql.setMillis(in, 11, i.acknowledgedAt());
      in.setString(12, i.acknowledgedBy());
      Sql.setMillis(in, 13, i.resolvedAt());
      in.setString(14, i.resolvedBy());
      in.executeUpdate();
    }
  }

  /** Stores a transition as an incident event and an alert; returns the alert id. */
  long saveTransition(Transition t) throws SQLException {
    saveIncident(t.incident());
    try (PreparedStatement ev =
        c.prepareStatement(
            "INSERT INTO incident_events (id, incident_id, ts, event, actor, value, message)"
                + " VALUES (?,?,?,?,?,?,?)")) {
      ev.setLong(1, state.eventIds.incrementAndGet());
      ev.setLong(2, t.incident().id());
      ev.setLong(3, t.ts().toEpochMilli());
      ev.setString(4, t.change().id());
      ev.setString(5, t.actor());
      Sql.setDouble(ev, 6, t.value());
      ev.setString(7, Sql.clip(t.message()));
      ev.executeUpdate();
    }
    long alertId = state.alertIds.incrementAndGet();
    try (PreparedStatement al =
        c.prepareStatement(
            "INSERT INTO alerts (id, incident_id, alert_type, severity, value, message, ts)"
                + " VALUES (?,?,?,?,?,?,?)")) {
      al.setLong(1, alertId);
      al.setLong(2, t.incident().id());
      al.setString(3, t.change().id());
      al.setString(4, t.incident().rule().severity());
      Sql.setDouble(al, 5, t.value());
      al.setString(6, Sql.clip(t.message()));
      al.setLong(7, t.ts().toEpochMilli());
      al.executeUpdate();
    }
    return alertId;
  }

  /** An incident as stored (any status), read inside this transaction. */
  Optional<Incident> findIncident(long id) throws SQLException {
    return Queries.incident(c, id);
  }
}
