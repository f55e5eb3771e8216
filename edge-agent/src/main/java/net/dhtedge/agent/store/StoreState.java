package net.dhtedge.agent.store;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import net.dhtedge.agent.outbox.OutboxPriority;

/**
 * The writer's committed in-memory state: device cache, id sequences and outbox counters. The maps
 * are confined to the writer thread; the counters are read by other threads.
 */
final class StoreState {

  final Map<String, DeviceState> devices = new HashMap<>();
  // When the writer next looks for live aggregate buckets of quiet devices to close.
  long nextBucketSweep;
  final AtomicInteger deviceIds = new AtomicInteger();
  final AtomicLong outboxIds = new AtomicLong();
  final AtomicLong failureIds = new AtomicLong();
  final AtomicLong eventIds = new AtomicLong();
  final AtomicLong alertIds = new AtomicLong();
  final AtomicLong incidentIds = new AtomicLong();
  final AtomicLong outboxPending = new AtomicLong();
  final AtomicLong outboxDroppable = new AtomicLong();
  final AtomicLong outboxDropped = new AtomicLong();
  final AtomicLong readingsStored = new AtomicLong();
  // Rows in readings and read_failures now, as committed (kept in row_counts too).
  final AtomicLong readingsKept = new AtomicLong();
  final AtomicLong failuresKept = new AtomicLong();

  /** Loads the committed state at start-up. */
  void load(Connection c) throws SQLException {
    try (Statement s = c.createStatement();
        ResultSet rs =
            s.executeQuery(
                "SELECT id, device_id, max_seq, max_ts_key, last_ts, agg_1m_live, agg_1h_live"
                    + " FROM devices")) {
      int maxRef = 0;
      while (rs.next()) {
        int ref = rs.getInt(1);
        maxRef = Math.max(maxRef, ref);
        devices.put(
            rs.getString(2),
            new DeviceState(
                ref,
                rs.getString(2),
                Queries.getLong(rs, 3),
                Queries.getLong(rs, 4),
                Queries.getLong(rs, 5),
                live(Queries.getLong(rs, 6), Queries.getLong(rs, 7))));
      }
      deviceIds.set(maxRef);
    }
    outboxIds.set(orZero(Queries.scalar(c, "SELECT MAX(id) FROM outbox")));
    failureIds.set(orZero(Queries.scalar(c, "SELECT MAX(id) FROM read_failures")));
    eventIds.set(orZero(Queries.scalar(c, "SELECT MAX(id) FROM incident_events")));
    alertIds.set(orZero(Queries.scalar(c, "SELECT MAX(id) FROM alerts")));
    incidentIds.set(orZero(Queries.scalar(c, "SELECT MAX(id) FROM incidents")));
    readingsKept.set(orZero(Queries.scalar(c, "SELECT n FROM row_counts WHERE name = 'readings'")));
    failuresKept.set(
        orZero(Queries.scalar(c, "SELECT n FROM row_counts WHERE name = 'read_failures'")));
    outboxPending.set(orZero(Queries.scalar(c, "SELECT COUNT(*) FROM outbox WHERE state = 0")));
    outboxDroppable.set(
        orZero(
            Queries.scalar(
                c,
                "SELECT COUNT(*) FROM outbox WHERE state = 0 AND priority = "
                    + OutboxPriority.READING)));
  }

  /** Live buckets as stored: their sums are computed from the readings when first needed. */
  private static LiveBucket[] live(Long minute, Long hour) {
    return new LiveBucket[] {
      minute == null ? null : new LiveBucket(minute, null),
      hour == null ? null : new LiveBucket(hour, null)
    };
  }

  private static long orZero(Long v) {
    return v == null ? 0 : v;
  }
}
