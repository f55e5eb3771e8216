package net.dhtedge.agent.store;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import net.dhtedge.agent.rules.Incident;
import net.dhtedge.agent.rules.Rule;

/**
 * The store's queries, on any thread, on the read connections of {@link ReaderPool}: they see
 * committed data only (MVCC). The counts the writer keeps in memory ({@link StoreState}) are read
 * from there, never counted with {@code COUNT(*)} over a big table.
 */
public final class StoreReads {

  private final ReaderPool pool;
  private final StoreState state;
  private final Path dbDir;
  private final String sizeQuery;

  StoreReads(ReaderPool pool, StoreState state, Path dbDir, String sizeQuery) {
    this.pool = pool;
    this.state = state;
    this.dbDir = dbDir;
    this.sizeQuery = sizeQuery;
  }

  /** Incidents open or acknowledged, newest first. */
  public List<Incident> notResolvedIncidents() {
    return pool.query(c -> Queries.incidents(c, "WHERE status <> 'resolved'", Store.MAX_POINTS));
  }

  /** Incidents in the store by status ({@code open}, {@code acknowledged}, {@code resolved}). */
  public Map<String, Long> incidentCounts() {
    return pool.query(
        c -> {
          Map<String, Long> out = new HashMap<>();
          try (Statement s = c.createStatement();
              ResultSet rs =
                  s.executeQuery("SELECT status, COUNT(*) FROM incidents GROUP BY status")) {
            while (rs.next()) {
              out.put(rs.getString(1), rs.getLong(2));
            }
          }
          return out;
        });
  }

  /** The latest incidents of any status, newest first. */
  public List<Incident> incidents(int limit) {
    int n = Math.clamp(limit, 1, Store.MAX_POINTS);
    return pool.query(c -> Queries.incidents(c, "", n));
  }

  public Optional<Incident> incident(long id) {
    return pool.query(c -> Queries.incident(c, id));
  }

  /** An incident's events, oldest first. */
  public List<IncidentEvent> incidentEvents(long incidentId) {
    return pool.query(
        c -> {
          try (PreparedStatement ps =
              c.prepareStatement(
                  "SELECT id, incident_id, ts, event, actor, value, message FROM incident_events"
                      + " WHERE incident_id = ? ORDER BY id")) {
            ps.setLong(1, incidentId);
            List<IncidentEvent> out = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
              while (rs.next()) {
                out.add(
                    new IncidentEvent(
                        rs.getLong(1),
                        rs.getLong(2),
                        Instant.ofEpochMilli(rs.getLong(3)),
                        rs.getString(4),
                        rs.getString(5),
                        Queries.getDouble(rs, 6),
                        rs.getString(7)));
              }
            }
            return out;
          }
        });
  }

  /** When the latest incident of a rule was opened, per device. */
  public Map<String, Instant> lastOpened(Rule rule) {
    return pool.query(
        c -> {
          Map<String, Instant> out = new HashMap<>();
          try (PreparedStatement ps =
              c.prepareStatement(
                  "SELECT device_id, MAX(opened_at) FROM incidents WHERE rule = ?"
                      + " GROUP BY device_id")) {
            ps.setString(1, rule.id());
            try (ResultSet rs = ps.executeQuery()) {
              while (rs.next()) {
                out.put(rs.getString(1), Instant.ofEpochMilli(rs.getLong(2)));
              }
            }
          }
          return out;
        });
  }

  /** When each device last delivered a reading (agent clock). */
  public Map<String, Instant> lastSeenByDevice() {
    Map<String, Instant> out = new HashMap<>();
    for (DeviceSummary d : devices()) {
      if (d.lastSeen() != null) {
        out.put(d.deviceId(), d.lastSeen());
      }
    }
    return out;
  }

  /** Every device with its latest reading. */
  public List<DeviceSummary> devices() {
    return pool.query(
        c -> {
          List<DeviceSummary> out = new ArrayList<>();
          try (Statement s = c.createStatement();
              ResultSet rs =
                  s.executeQuery(
                      "SELECT device_id, first_seen, last_seen, last_ts, last_seq,"
                          + " last_temperature, last_humidity, last_source, readings FROM devices"
                          + " ORDER BY device_id")) {
            while (rs.next()) {
              out.add(
                  new DeviceSummary(
                      rs.getString(1),
                      Instant.ofEpochMilli(rs.getLong(2)),
                      Queries.getInstant(rs, 3),
                      Queries.getInstant(rs, 4),
                      Queries.getLong(rs, 5),
                      Queries.getDouble(rs, 6),
                      Queries.getDouble(rs, 7),
                      rs.getString(8),
                      rs.getLong(9)));
            }
          }
          return out;
        });
  }

  /** The schema version in place (the highest migration applied). */
  public int schemaVersion() {
    return pool.query(Migrations::currentVersion);
  }

  /** How long {@link #recentCounts()} reuses a count. */
  static final long COUNTS_MAX_AGE_NANOS = TimeUnit.SECONDS.toNanos(5);

  private final Object countsLock = new Object();
  private StoreCounts lastCounts;
  private long lastCountsAt;

  /**
   * {@link #counts()} for the status page, which may be polled often: devices, incidents and the
   * size on disk are at most {@link #COUNTS_MAX_AGE_NANOS} old; readings, failures and the outbox
   * are current. Rows are never counted with {@code COUNT(*)}: HSQLDB keeps no row count under
   * MVCC, so that scans the whole cached table (a year of readings at 1 Hz is 31 million rows) and
   * evicts the writer's index pages from the row cache. The writer keeps the counts instead, in
   * {@code row_counts} and in memory, updated in each commit.
   */
  public StoreCounts recentCounts() {
    synchronized (countsLock) {
      long now = System.nanoTime();
      if (lastCounts == null || now - lastCountsAt >= COUNTS_MAX_AGE_NANOS) {
        lastCounts = counts();
        lastCountsAt = System.nanoTime();
      }
      StoreCounts c = lastCounts;
      return new StoreCounts(
          state.readingsKept.get(),
          c.readingsStored(),
          state.failuresKept.get(),
          c.devices(),
          c.incidentsNotResolved(),
          state.outboxWaiting(),
          state.outboxDropped.get(),
          c.sizeOnDiskBytes());
    }
  }

  /** Numbers for the status page, now (small tables only: see {@link #recentCounts}). */
  public StoreCounts counts() {
    return pool.query(
        c ->
            new StoreCounts(
                state.readingsKept.get(),
                orZero(Queries.scalar(c, "SELECT SUM(readings) FROM devices")),
                state.failuresKept.get(),
                (int) orZero(Queries.scalar(c, "SELECT COUNT(*) FROM devices")),
                (int)
                    orZero(
                        Queries.scalar(
                            c, "SELECT COUNT(*) FROM incidents WHERE status <> 'resolved'")),
                state.outboxWaiting(),
                state.outboxDropped.get(),
                sizeOnDisk()));
  }

  /**
   * History of one device between {@code from} (inclusive) and {@code to} (exclusive), oldest
   * first, at most {@code limit} points (capped at {@link Store#MAX_POINTS}). For 1m/1h the bucket
   * that contains {@code from} is included.
   */
  public List<HistoryPoint> readings(
      String deviceId, Instant from, Instant to, Step step, int limit) {
    Objects.requireNonNull(deviceId, "deviceId");
    Objects.requireNonNull(step, "step");
    int n = Math.clamp(limit, 1, Store.MAX_POINTS);
    return pool.query(
        c -> {
          Long ref;
          try (PreparedStatement ps =
              c.prepareStatement("SELECT id FROM devices WHERE device_id = ?")) {
            ps.setString(1, deviceId);
            try (ResultSet rs = ps.executeQuery()) {
              ref = rs.next() ? rs.getLong(1) : null;
            }
          }
          List<HistoryPoint> out = new ArrayList<>();
          if (ref == null) {
            return out;
          }
          String sql =
              step == Step.RAW
                  ? Queries.HISTORY_RAW
                  : step == Step.MINUTE ? Queries.HISTORY_1M : Queries.HISTORY_1H;
          long fromMs = from.toEpochMilli();
          if (step != Step.RAW) {
            fromMs = Math.floorDiv(fromMs, step.millis()) * step.millis();
          }
          try (PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setLong(1, ref);
            ps.setLong(2, fromMs);
            ps.setLong(3, to.toEpochMilli());
            ps.setInt(4, n);
            if (step != Step.RAW) {
              ps.setLong(5, ref);
              ps.setLong(6, fromMs);
              ps.setLong(7, to.toEpochMilli());
              ps.setInt(8, n);
            }
            try (ResultSet rs = ps.executeQuery()) {
              while (rs.next()) {
                out.add(
                    new HistoryPoint(
                        Instant.ofEpochMilli(rs.getLong(1)),
                        rs.getLong(2),
                        rs.getDouble(3),
                        rs.getDouble(4),
                        rs.getDouble(5),
                        rs.getDouble(6),
                        rs.getDouble(7),
                        rs.getDouble(8)));
              }
            }
          }
          return out;
        });
  }

  /** Bytes of the database files on disk. */
  public long sizeOnDisk() {
    if (sizeQuery != null) { // a database server: its own figure
      Long n = pool.query(c -> Queries.scalar(c, sizeQuery));
      return n == null ? 0 : n;
    }
    Path dir = dbDir;
    if (!Files.isDirectory(dir)) {
      return 0;
    }
    try (Stream<Path> files = Files.walk(dir)) {
      return files
          .filter(Files::isRegularFile)
          .mapToLong(
              p -> {
                try {
                  return Files.size(p);
                } catch (IOException e) {
                  return 0; // a file that vanished while walking (log rotation)
                }
              })
          .sum();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot measure " + dir, e);
    }
  }

  private static long orZero(Long v) {
    return v == null ? 0 : v;
  }
}
