package net.dhtedge.agent.store;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.LongSupplier;
import java.util.stream.Stream;
import net.dhtedge.agent.outbox.Outbox;
import net.dhtedge.agent.outbox.OutboxPriority;
import net.dhtedge.agent.rules.Incident;
import net.dhtedge.agent.rules.Rule;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The agent's local database: devices, readings (raw and 1-minute/1-hour aggregates), read
 * failures, incidents with their events, alerts, the outbox and the mail queue. All writes go
 * through one writer thread ({@link #submit}) with group commit; reads use their own (reused,
 * read-only) connections and see committed data only (MVCC).
 */
public final class Store implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(Store.class);

  /** Upper bound of any history query. */
  public static final int MAX_POINTS = 10_000;

  private final StoreOptions options;
  private final Dialect dialect;
  private final ConnectionFactory connections;
  private static final int MAX_IDLE_READERS = 2;
  private final java.util.concurrent.ConcurrentLinkedDeque<Connection> idleReaders =
      new java.util.concurrent.ConcurrentLinkedDeque<>();
  private final Clock clock;
  private final StoreState state = new StoreState();
  private final StoreWriter writer;
  private final Thread writerThread;
  private final StoreOutbox outbox;
  private final MailQueue mailQueue;
  private final Housekeeping housekeeping;
  private final ScheduledExecutorService scheduler;
  private final AtomicBoolean closed = new AtomicBoolean();
  private final java.util.concurrent.locks.ReadWriteLock files =
      new java.util.concurrent.locks.ReentrantReadWriteLock();

  private Store(StoreOptions options, Dialect dialect, ConnectionFactory connections, Clock clock)
      throws SQLException {
    this.options = options;
    this.dialect = dialect;
    this.connections = connections;
    this.clock = clock;
    this.writer = new StoreWriter(options, state, connections, dialect, clock, this::exclusive);
    Connection c = connections.open();
    try {
      writer.start(c); // settings and the durability watch first: migrations are writes too
      Migrations.migrate(c, dialect, clock.millis());
      c.commit();
      writer.opened();
      FileModes.tighten(options.dataDir(), options.dbDir());
      loadState(c);
    } catch (SQLException | RuntimeException e) {
      StoreWriter.closeQuietly(c);
      throw e;
    }
    this.writerThread = new Thread(writer, "store-writer");
    this.outbox = new StoreOutbox(this, state);
    this.mailQueue = new MailQueue(this);
    this.housekeeping = new Housekeeping(this, options, dialect, clock);
    this.scheduler =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "store-housekeeping");
              t.setDaemon(true);
              return t;
            });
  }

  /** Opens (creating and migrating if needed) the HSQLDB database under the data directory. */
  public static Store open(StoreOptions options) {
    return open(options, Clock.systemUTC());
  }

  public static Store open(StoreOptions options, Clock clock) {
    Dialect d = Dialect.hsqldb();
    return open(
        options,
        clock,
        d,
        ConnectionFactory.of(d.jdbcUrl(options.dbDir()), d.connectionProperties()));
  }

  /** Opens with an explicit dialect and connection seam (tests inject faults here). */
  public static Store open(
      StoreOptions options, Clock clock, Dialect dialect, ConnectionFactory connections) {
    Objects.requireNonNull(options, "options");
    try {
      FileModes.createDirectories(options.dbDir());
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create database directory " + options.dbDir(), e);
    }
    Store s;
    try {
      s = new Store(options, dialect, connections, clock);
    } catch (SQLException e) {
      throw new StoreException("cannot open store in " + options.dbDir(), e);
    }
    s.start();
    return s;
  }

  private void start() {
    writerThread.start();
    long every = options.housekeepingInterval().toMillis();
    scheduler.scheduleWithFixedDelay(
        () -> {
          try {
            housekeeping.run();
          } catch (RuntimeException e) {
            LOG.warn("housekeeping failed; will retry next interval", e);
          }
        },
        every,
        every,
        TimeUnit.MILLISECONDS);
  }

  private void loadState(Connection c) throws SQLException {
    try (Statement s = c.createStatement();
        ResultSet rs =
            s.executeQuery(
                "SELECT id, device_id, max_seq, max_ts_key, last_ts, agg_1m_live, agg_1h_live"
                    + " FROM devices")) {
      int maxRef = 0;
      while (rs.next()) {
        int ref = rs.getInt(1);
        maxRef = Math.max(maxRef, ref);
        state.devices.put(
            rs.getString(2),
            new DeviceState(
                ref,
                rs.getString(2),
                Queries.getLong(rs, 3),
                Queries.getLong(rs, 4),
                Queries.getLong(rs, 5),
                live(Queries.getLong(rs, 6), Queries.getLong(rs, 7))));
      }
      state.deviceIds.set(maxRef);
    }
    state.outboxIds.set(orZero(Queries.scalar(c, "SELECT MAX(id) FROM outbox")));
    state.failureIds.set(orZero(Queries.scalar(c, "SELECT MAX(id) FROM read_failures")));
    state.eventIds.set(orZero(Queries.scalar(c, "SELECT MAX(id) FROM incident_events")));
    state.alertIds.set(orZero(Queries.scalar(c, "SELECT MAX(id) FROM alerts")));
    state.incidentIds.set(orZero(Queries.scalar(c, "SELECT MAX(id) FROM incidents")));
    state.readingsKept.set(
        orZero(Queries.scalar(c, "SELECT n FROM row_counts WHERE name = 'readings'")));
    state.failuresKept.set(
        orZero(Queries.scalar(c, "SELECT n FROM row_counts WHERE name = 'read_failures'")));
    state.outboxPending.set(
        orZero(Queries.scalar(c, "SELECT COUNT(*) FROM outbox WHERE state = 0")));
    state.outboxDroppable.set(
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

  public StoreOptions options() {
    return options;
  }

  /**
   * Queues a write. Returns at once; the job hears {@code committed} or {@code failed} later. When
   * the store is closed or its queue stays full for 2 s the job fails right away.
   */
  public void submit(WriteJob job) {
    Objects.requireNonNull(job, "job");
    if (closed.get()) {
      StoreWriter.safeFailed(job, new StoreException("store is closed", null));
      return;
    }
    try {
      if (!writer.offer(job, 2_000)) {
        StoreWriter.safeFailed(
            job, new StoreException(closed.get() ? "store is closed" : "store queue full", null));
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      StoreWriter.safeFailed(job, new StoreException("interrupted while queueing a write", e));
    }
  }

  /** Callbacks around each batch (one set; the pipeline's). */
  public void hooks(BatchHooks hooks) {
    writer.hooks(hooks);
  }

  public StoreHealth health() {
    return writer.health();
  }

  /** Writes waiting for the writer right now. */
  public int queued() {
    return writer.queued();
  }

  /** {batches committed, jobs committed in them, largest batch} since start. */
  /** See {@link Outbox#onEnqueued}. */
  void onOutboxAdded(Runnable r) {
    writer.onOutboxAdded(java.util.Objects.requireNonNull(r, "r"));
  }

  public long[] batchStats() {
    return writer.batchStats();
  }

  /** Hands out incident ids: increasing, never reused (gaps after a failed commit). */
  public LongSupplier incidentIds() {
    return state.incidentIds::incrementAndGet;
  }

  /** The durable outbox living in this store. */
  public Outbox outbox() {
    return outbox;
  }

  /** The mail queue living in this store (rows queued by the pipeline with their incidents). */
  public MailQueue mailQueue() {
    return mailQueue;
  }

  /** Readings stored since start (not counting duplicates). */
  public long readingsStoredSinceStart() {
    return state.readingsStored.get();
  }

  // ---- queries (any thread) ----

  /** Incidents open or acknowledged, newest first. */
  public List<Incident> notResolvedIncidents() {
    return query(c -> Queries.incidents(c, "WHERE status <> 'resolved'", MAX_POINTS));
  }

  /** Incidents in the store by status ({@code open}, {@code acknowledged}, {@code resolved}). */
  public Map<String, Long> incidentCounts() {
    return query(
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
    int n = Math.clamp(limit, 1, MAX_POINTS);
    return query(c -> Queries.incidents(c, "", n));
  }

  public Optional<Incident> incident(long id) {
    return query(c -> Queries.incident(c, id));
  }

  /** An incident's events, oldest first. */
  public List<IncidentEvent> incidentEvents(long incidentId) {
    return query(
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
    return query(
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
    return query(
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
    return query(Migrations::currentVersion);
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
    return query(
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
   * first, at most {@code limit} points (capped at {@link #MAX_POINTS}). For 1m/1h the bucket that
   * contains {@code from} is included.
   */
  public List<HistoryPoint> readings(
      String deviceId, Instant from, Instant to, Step step, int limit) {
    Objects.requireNonNull(deviceId, "deviceId");
    Objects.requireNonNull(step, "step");
    int n = Math.clamp(limit, 1, MAX_POINTS);
    return query(
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
    Path dir = options.dbDir();
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

  /** Runs retention and outbox purge now (blocking; also runs on its own every interval). */
  public HousekeepingResult runHousekeeping() {
    return housekeeping.run();
  }

  /**
   * A read on a read-only connection, reused afterwards: closing a HSQLDB session writes a
   * DISCONNECT to the log and syncs it (at one outbox poll per second that was a sync per second).
   */
  <T> T query(SqlFunction<T> f) {
    if (closed.get()) {
      throw new StoreException("store is closed", null);
    }
    java.util.concurrent.locks.Lock shared = files.readLock();
    try {
      if (!shared.tryLock(10, TimeUnit.SECONDS)) {
        throw new StoreException("store busy: the writer is reopening the database", null);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new StoreException("interrupted while waiting for the store", e);
    }
    try {
      return queryUnderLock(f);
    } finally {
      shared.unlock();
    }
  }

  /**
   * Runs {@code r} while no reader is inside the database (nor can open it): the writer closes the
   * database like a crash and cuts its log back under this lock, so no reader opens it between the
   * two and replays a torn log. Idle read connections are closed with it.
   */
  private void exclusive(Runnable r) {
    java.util.concurrent.locks.Lock own = files.writeLock();
    own.lock();
    try {
      r.run();
      closeIdleReaders();
    } finally {
      own.unlock();
    }
  }

  private <T> T queryUnderLock(SqlFunction<T> f) {
    Connection c = idleReaders.poll();
    try {
      if (c == null || c.isClosed()) {
        c = connections.open();
        c.setReadOnly(true);
      }
      T result = f.apply(c);
      if (idleReaders.size() < MAX_IDLE_READERS && !closed.get()) {
        idleReaders.push(c);
        c = null;
        if (closed.get()) {
          closeIdleReaders();
        }
      }
      return result;
    } catch (SQLException e) {
      throw new StoreException("store query failed", e);
    } finally {
      StoreWriter.closeQuietly(c);
    }
  }

  private void closeIdleReaders() {
    for (Connection c = idleReaders.poll(); c != null; c = idleReaders.poll()) {
      StoreWriter.closeQuietly(c);
    }
  }

  @FunctionalInterface
  interface SqlFunction<T> {
    T apply(Connection c) throws SQLException;
  }

  /**
   * Stops taking writes, commits what is queued, then shuts the database down cleanly. Safe to call
   * twice; returns within a few seconds.
   */
  @Override
  public void close() {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    scheduler.shutdownNow();
    writer.stop();
    try {
      writerThread.join(5_000);
      if (writerThread.isAlive()) {
        writerThread.interrupt();
        writerThread.join(2_000);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    writer.failQueued(new StoreException("store is closed", null));
    closeIdleReaders();
    if (!writerThread.isAlive()) {
      writer.shutdown();
    } else {
      LOG.warn("store writer did not stop; database left for log recovery at next start");
    }
  }

  boolean isClosed() {
    return closed.get();
  }

  /** Runs on the housekeeping thread: rejected once closed. */
  void checkOpen() {
    if (closed.get()) {
      throw new RejectedExecutionException("store is closed");
    }
  }
}
