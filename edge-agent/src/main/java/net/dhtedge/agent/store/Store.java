package net.dhtedge.agent.store;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.LongSupplier;
import net.dhtedge.agent.outbox.Outbox;
import net.dhtedge.agent.rules.Incident;
import net.dhtedge.agent.rules.Rule;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The agent's local database: devices, readings (raw and 1-minute/1-hour aggregates), read
 * failures, incidents with their events, alerts, the outbox and the mail queue. All writes go
 * through one writer thread ({@link #submit}) with group commit; reads use their own (reused,
 * read-only) connections and see committed data only (MVCC).
 *
 * <p>Why it is ~430 lines: opening is most of it (the embedded HSQLDB or a PostgreSQL pool, the
 * migrations, the repair of a crashed file database, each failure as one clear line); the reads are
 * in {@link StoreReads} and the writes in {@link StoreWriter} and the table writers.
 */
public final class Store implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(Store.class);

  /** Upper bound of any history query. */
  public static final int MAX_POINTS = 10_000;

  private final StoreOptions options;
  private final Dialect dialect;
  private final ConnectionFactory connections;
  private final ReaderPool readers;
  private final StoreReads reads;
  private final Clock clock;
  private final StoreState state = new StoreState();
  private final StoreWriter writer;
  private final Thread writerThread;
  private final StoreOutbox outbox;
  private final MailQueue mailQueue;
  private final Housekeeping housekeeping;
  private final ScheduledExecutorService scheduler;
  private final AtomicBoolean closed = new AtomicBoolean();
  private DbDirLock dirLock; // set by open(), released last by close()

  private Store(
      StoreOptions options,
      Dialect dialect,
      ConnectionFactory connections,
      Clock clock,
      MigrationSource migrations,
      String where)
      throws SQLException {
    this.options = options;
    this.dialect = dialect;
    this.connections = connections;
    this.clock = clock;
    this.readers = new ReaderPool(connections, closed::get);
    this.reads = new StoreReads(readers, state, options.dbDir(), dialect.sizeQuery());
    this.writer = new StoreWriter(options, state, connections, dialect, clock, readers::exclusive);
    Connection c = connections.open();
    try {
      writer.start(c); // settings and the durability watch first: migrations are writes too
      dialect.checkServer(c, where);
      Migrations.migrate(c, dialect, migrations, clock.millis());
      c.commit();
      ReadingPartitions partitions = dialect.readingPartitions();
      if (partitions != null) { // before the first reading: today's partition must exist
        partitions.createAhead(c, clock.millis());
        c.commit();
      }
      writer.opened();
      FileModes.tighten(options.dataDir(), options.dbDir());
      state.load(c);
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

  /**
   * Opens the database {@code target} names: the embedded HSQLDB under the data directory, or a
   * PostgreSQL server through a connection pool. Bad settings (unreachable host, wrong password,
   * missing database, a server too old) fail with a {@link StoreException} whose message is one
   * line saying which.
   */
  public static Store open(StoreOptions options, StoreTarget target) {
    return open(options, target, Clock.systemUTC());
  }

  public static Store open(StoreOptions options, StoreTarget target, Clock clock) {
    Objects.requireNonNull(target, "target");
    if (!target.isPostgres()) {
      embeddedOnly(options, target);
      return open(options, clock);
    }
    return open(
        options, target, clock, Dialect.postgresql(target.url()), MigrationSource.classpath());
  }

  /**
   * An HSQLDB URL must name the embedded database itself ({@code <dataDir>/db/agent}): the store
   * watches and repairs that database's files (its log after a failed write, their modes), so it
   * does not open one elsewhere.
   */
  private static void embeddedOnly(StoreOptions options, StoreTarget target) {
    if (target.url() == null) {
      return;
    }
    String path = target.url().substring("jdbc:hsqldb:file:".length()).split(";", 2)[0];
    java.nio.file.Path embedded = options.dbDir().resolve("agent").toAbsolutePath().normalize();
    if (!java.nio.file.Path.of(path).toAbsolutePath().normalize().equals(embedded)) {
      throw new StoreException(
          "an HSQLDB store lives in the data directory ("
              + embedded
              + "); leave the store URL unset, or set the data directory, instead of "
              + target.where(),
          null);
    }
  }

  /** With an explicit dialect and migrations (tests: an edited migration, a newer minimum). */
  static Store open(
      StoreOptions options,
      StoreTarget target,
      Clock clock,
      Dialect dialect,
      MigrationSource migrations) {
    ConnectionFactory connections;
    if (target.isPostgres()) {
      connections = PooledConnections.open(target, dialect);
    } else {
      Properties p = dialect.connectionProperties();
      if (target.user() != null) {
        p.setProperty("user", target.user());
        p.setProperty("password", target.password().get());
      }
      connections = ConnectionFactory.of(target.url(), p);
    }
    return open(options, clock, dialect, connections, migrations, target.where());
  }

  /** Opens with an explicit dialect and connection seam (tests inject faults here). */
  public static Store open(
      StoreOptions options, Clock clock, Dialect dialect, ConnectionFactory connections) {
    return open(
        options,
        clock,
        dialect,
        connections,
        MigrationSource.classpath(),
        options.dbDir().toString());
  }

  private static Store open(
      StoreOptions options,
      Clock clock,
      Dialect dialect,
      ConnectionFactory connections,
      MigrationSource migrations,
      String where) {
    Objects.requireNonNull(options, "options");
    DbDirLock lock = null;
    Store s;
    try {
      try {
        FileModes.createDirectories(options.dbDir());
      } catch (IOException e) {
        throw new UncheckedIOException("cannot create database directory " + options.dbDir(), e);
      }
      lock = DbDirLock.acquire(options.dbDir());
      try {
        s = new Store(options, dialect, connections, clock, migrations, where);
      } catch (SQLException e) {
        throw dialect.shared()
            ? new StoreException(PostgresDialect.explain(e, where, null), e)
            : new StoreException("cannot open store in " + options.dbDir(), e);
      }
    } catch (RuntimeException e) {
      if (lock != null) {
        lock.close();
      }
      connections.close();
      throw e;
    }
    s.dirLock = lock;
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

  /** See {@link Outbox#onEnqueued}. */
  void onOutboxAdded(Runnable r) {
    writer.onOutboxAdded(Objects.requireNonNull(r, "r"));
  }

  /** {batches committed, jobs committed in them, largest batch} since start. */
  public long[] batchStats() {
    return writer.batchStats();
  }

  /** Batches tried again after a deadlock with another store (hub) on a shared database. */
  long conflictsRetried() {
    return writer.conflicts();
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

  /** The store's queries (any thread). */
  public StoreReads reads() {
    return reads;
  }

  /** Incidents open or acknowledged, newest first. */
  public List<Incident> notResolvedIncidents() {
    return reads.notResolvedIncidents();
  }

  /** Incidents in the store by status ({@code open}, {@code acknowledged}, {@code resolved}). */
  public Map<String, Long> incidentCounts() {
    return reads.incidentCounts();
  }

  /** The latest incidents of any status, newest first. */
  public List<Incident> incidents(int limit) {
    return reads.incidents(limit);
  }

  public Optional<Incident> incident(long id) {
    return reads.incident(id);
  }

  /** An incident's events, oldest first. */
  public List<IncidentEvent> incidentEvents(long incidentId) {
    return reads.incidentEvents(incidentId);
  }

  /** When the latest incident of a rule was opened, per device. */
  public Map<String, Instant> lastOpened(Rule rule) {
    return reads.lastOpened(rule);
  }

  /** When each device last delivered a reading (agent clock). */
  public Map<String, Instant> lastSeenByDevice() {
    return reads.lastSeenByDevice();
  }

  /** Every device with its latest reading. */
  public List<DeviceSummary> devices() {
    return reads.devices();
  }

  /** The schema version in place (the highest migration applied). */
  public int schemaVersion() {
    return reads.schemaVersion();
  }

  /** Counts for the status page, at most a few seconds old: see {@link StoreReads#recentCounts}. */
  public StoreCounts recentCounts() {
    return reads.recentCounts();
  }

  /** Numbers for the status page, now. */
  public StoreCounts counts() {
    return reads.counts();
  }

  /** History of one device: see {@link StoreReads#readings}. */
  public List<HistoryPoint> readings(
      String deviceId, Instant from, Instant to, Step step, int limit) {
    return reads.readings(deviceId, from, to, step, limit);
  }

  /** Bytes of the database files on disk. */
  public long sizeOnDisk() {
    return reads.sizeOnDisk();
  }

  /** Runs retention and outbox purge now (blocking; also runs on its own every interval). */
  public HousekeepingResult runHousekeeping() {
    return housekeeping.run();
  }

  /** A read on a pooled read-only connection. */
  <T> T query(ReaderPool.SqlFunction<T> f) {
    return readers.query(f);
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
    readers.closeIdle();
    if (!writerThread.isAlive()) {
      writer.shutdown();
      dirLock.close();
    } else {
      // the writer may still write: the directory stays claimed until this process ends
      LOG.warn("store writer did not stop; database left for log recovery at next start");
    }
    connections.close();
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
