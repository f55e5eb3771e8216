package net.dhtedge.agent.store;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The single writer thread: drains the job queue, applies up to {@code maxBatch} jobs (gathered for
 * up to {@code commitWindowMillis}) in one transaction, commits (one log sync) and only then tells
 * the jobs. A failed batch is rolled back and its jobs retried one by one, so only the jobs that
 * really cannot be stored fail; the writer itself never stops on an error, and reopens its
 * connection when it was closed under it.
 *
 * <p>Why it is one long class (~740 lines): it is one thread's state machine, and the invariants
 * that make a commit count (the durable log length, the failure episode, the crash-and-reopen after
 * a failed log write, the checkpoint that may fail like a write) share its fields. Split across
 * classes they would be easier to break than to read.
 */
final class StoreWriter implements Runnable {

  private static final Logger LOG = LoggerFactory.getLogger(StoreWriter.class);
  private static final long IDLE_GAP_NANOS = TimeUnit.MILLISECONDS.toNanos(1);

  /**
   * A {@linkplain WriteJob#deferrable() deferrable} job waits at most this long for a commit of
   * other work before it gets its own (SD-card wear: an outbox confirmation per message was a sync
   * per message).
   */
  static final long MAX_DEFER_MILLIS = 2_000;

  private final StoreOptions options;
  private final StoreState state;
  private final ConnectionFactory connections;
  private final Dialect dialect;
  private final Clock clock;
  private final BlockingQueue<WriteJob> queue;
  private volatile BatchHooks hooks = BatchHooks.NONE;
  private volatile boolean stopping;
  private Connection connection;
  private final List<WriteJob> deferred = new ArrayList<>();
  private long deferredSince;

  private volatile boolean healthy = true;
  private volatile long failedCommits;
  private volatile long failedWrites;
  private volatile String lastError;
  private volatile Instant lastFailureAt;
  private volatile DiskSpace disk;
  private long failuresInEpisode;

  // Durability of the commit log (see HsqldbLogWatch and the store README).
  private final Files files;
  private DurabilityWatch watch = DurabilityWatch.NONE;
  private long watchSeen;
  private long durableLogLength;
  private long lastOpenFailedAt = Long.MIN_VALUE;
  private SQLException lastOpenFailure;
  private volatile Runnable outboxAdded = () -> {};
  private long batches;
  private long batchedJobs;
  private int largestBatch;

  StoreWriter(
      StoreOptions options,
      StoreState state,
      ConnectionFactory connections,
      Dialect dialect,
      Clock clock,
      Files files) {
    this.options = options;
    this.state = state;
    this.connections = connections;
    this.dialect = dialect;
    this.clock = clock;
    this.files = files;
    this.queue = new ArrayBlockingQueue<>(options.queueCapacity());
  }

  /**
   * The store's files as the writer and the readers share them: the readers' lock (a reader must
   * not open the database while the writer cuts its log back) and the idle read connections.
   */
  interface Files {
    /** Runs {@code r} with no reader inside the database. */
    void exclusive(Runnable r);
  }

  /** Takes over the connection that opens (and then migrates) the database. */
  void start(Connection first) throws SQLException {
    adopt(first);
  }

  /** After the migrations on the first connection: they must be durable, and count as such. */
  void opened() {
    if (options.syncsByHand()) {
      // the migrations' commits are in HSQLDB's log buffer: on disk before the log's length
      // counts as durable (a cut back to a shorter length would drop the schema)
      try {
        dialect.syncLog(connection);
      } catch (SQLException e) {
        throw new StoreException("cannot open the store: syncing its log failed", e);
      }
    }
    if (watch.failures() != watchSeen) {
      throw new StoreException(
          "cannot open the store: the database reported a failed write while migrating ("
              + watch.firstFailure()
              + ")",
          null);
    }
    durableLogLength = logLength();
  }

  void hooks(BatchHooks h) {
    this.hooks = h == null ? BatchHooks.NONE : h;
  }

  boolean offer(WriteJob job, long timeoutMillis) throws InterruptedException {
    return !stopping && queue.offer(job, timeoutMillis, TimeUnit.MILLISECONDS);
  }

  int queued() {
    return queue.size();
  }

  void stop() {
    stopping = true;
  }

  /**
   * Measured now: a disk below the reserve is unhealthy even before a write was refused (an idle
   * agent on a full disk would otherwise look fine until the first reading is lost to it).
   */
  StoreHealth health() {
    DiskSpace d = measureDisk();
    boolean ok = healthy;
    String error = lastError;
    if (ok && d.belowReserve()) {
      ok = false;
      error = fullMessage(d);
    }
    return new StoreHealth(ok, failedCommits, failedWrites, error, lastFailureAt, d);
  }

  /**
   * The database's file system, or unknown for a database server (its disk is not ours to watch: a
   * full one fails the commit, which the store handles like any failed commit).
   */
  private DiskSpace measureDisk() {
    return dialect.localFiles()
        ? DiskSpace.of(options.dbDir(), options.diskReserve())
        : new DiskSpace(-1, -1, 0);
  }

  private String fullMessage(DiskSpace d) {
    return "disk full: "
        + DiskReserve.human(d.usableBytes())
        + " free in "
        + options.dbDir()
        + ", below the reserve of "
        + options.diskReserve().describe(d.totalBytes())
        + ": new readings are refused (not acknowledged) until space is freed";
  }

  /** Runs {@code r} (on the writer thread) after each commit that added outbox messages. */
  void onOutboxAdded(Runnable r) {
    Runnable before = outboxAdded;
    outboxAdded =
        () -> {
          before.run();
          r.run();
        };
  }

  /** Batches committed, jobs in them and the largest batch, since start. */
  synchronized long[] batchStats() {
    return new long[] {batches, batchedJobs, largestBatch};
  }

  @Override
  public void run() {
    List<WriteJob> batch = new ArrayList<>(options.maxBatch());
    try {
      while (!stopping || !queue.isEmpty()) {
        WriteJob first = queue.poll(50, TimeUnit.MILLISECONDS);
        if (first == null) {
          if (!deferred.isEmpty() && (stopping || deferredTooLong())) {
            batch.addAll(deferred);
            deferred.clear();
            runBatch(batch);
            batch.clear();
          }
          continue;
        }
        if (first.deferrable() && !stopping) {
          if (deferred.isEmpty()) {
            deferredSince = System.nanoTime();
          }
          deferred.add(first);
          if (deferred.size() < options.maxBatch() && !deferredTooLong()) {
            continue;
          }
          first = null;
        }
        // deferred jobs were queued earlier: they go first, in order
        batch.addAll(deferred);
        deferred.clear();
        if (first != null) {
          batch.add(first);
        }
        gather(batch);
        runBatch(batch);
        batch.clear();
      }
      if (!deferred.isEmpty()) {
        batch.addAll(deferred);
        deferred.clear();
        runBatch(batch);
        batch.clear();
      }
      runBatch(List.of(CLOSE_LIVE_BUCKETS));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      batch.addAll(deferred);
      deferred.clear();
      for (WriteJob j : batch) {
        safeFailed(j, new IllegalStateException("store writer interrupted", e));
      }
    }
  }

  /**
   * The last batch of a clean stop: the live aggregate buckets go into the tables, so the next
   * start takes them over from there (an index lookup per device) instead of summing their raw
   * readings again, which only a crash makes necessary.
   */
  private static final WriteJob CLOSE_LIVE_BUCKETS =
      new WriteJob() {
        @Override
        public void apply(Tx tx) throws SQLException {
          tx.closeAllLiveBuckets();
        }

        @Override
        public void committed() {}

        @Override
        public void failed(Throwable cause) {
          LOG.warn("live aggregate buckets not written at stop; summed again at the next start");
        }
      };

  private boolean deferredTooLong() {
    return System.nanoTime() - deferredSince >= TimeUnit.MILLISECONDS.toNanos(MAX_DEFER_MILLIS);
  }

  /**
   * Adds to the batch what arrives within the commit window, but stops as soon as nothing came for
   * {@link #IDLE_GAP_NANOS}: when every writer upstream is waiting for this very commit (an MQTT
   * client with a few messages in flight) waiting longer only adds latency. It also stops at an
   * {@link WriteJob#urgent() urgent} job: at 1,000 readings/s from many devices the gaps stay under
   * a millisecond, and a reading that opens an incident would wait out the whole window.
   */
  private void gather(List<WriteJob> batch) throws InterruptedException {
    int max = options.maxBatch();
    queue.drainTo(batch, max - batch.size());
    long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(options.commitWindowMillis());
    int checked = 0;
    while (batch.size() < max && !stopping) {
      for (; checked < batch.size(); checked++) {
        if (batch.get(checked).urgent()) {
          return; // what is queued now goes with it; nothing more is waited for
        }
      }
      long left = deadline - System.nanoTime();
      if (left <= 0) {
        break;
      }
      WriteJob j = queue.poll(Math.min(left, IDLE_GAP_NANOS), TimeUnit.NANOSECONDS);
      if (j == null) {
        break;
      }
      batch.add(j);
      queue.drainTo(batch, max - batch.size());
    }
  }

  private void runBatch(List<WriteJob> all) {
    List<WriteJob> batch = refuseWhenDiskNearlyFull(all);
    if (batch.isEmpty()) {
      return;
    }
    Exception error = tryBatchRetrying(batch);
    if (error == null) {
      return;
    }
    if (batch.size() == 1 || error instanceof NotDurableException) {
      // a failed log write says nothing about the jobs: none of them is tried again now
      for (WriteJob j : batch) {
        fail(j, error);
      }
      return;
    }
    for (int i = 0; i < batch.size(); i++) {
      WriteJob j = batch.get(i);
      Exception e = tryBatchRetrying(List.of(j));
      if (e instanceof NotDurableException) {
        for (WriteJob rest : batch.subList(i, batch.size())) {
          fail(rest, e);
        }
        return;
      }
      if (e != null) {
        fail(j, e);
      }
    }
  }

  /** A commit that returned but whose log write the database reported as failed. */
  static final class NotDurableException extends StoreException {
    NotDurableException(String message) {
      super(message, null);
    }
  }

  /**
   * Below the {@link DiskReserve}, jobs that add data fail before they reach the database, so
   * HSQLDB rarely meets a full disk itself (when another process takes the space in the middle of a
   * batch it does: {@link DurabilityWatch} catches that). Deletes (housekeeping) still run.
   */
  private List<WriteJob> refuseWhenDiskNearlyFull(List<WriteJob> batch) {
    DiskSpace d = measureDisk();
    disk = d;
    if (!d.belowReserve()) {
      return batch; // (or unknown: the database reports real errors)
    }
    StoreException full = new StoreException(fullMessage(d), null);
    List<WriteJob> keep = new ArrayList<>();
    List<WriteJob> refused = new ArrayList<>();
    for (WriteJob j : batch) {
      (j.freesSpace() ? keep : refused).add(j);
    }
    if (!refused.isEmpty()) {
      recordFailure(full); // before the jobs hear it: whoever asks then sees the store unhealthy
      try {
        hooks.afterRefused();
      } catch (RuntimeException e) {
        LOG.warn("batch hook failed", e);
      }
      for (WriteJob j : refused) {
        fail(j, full);
      }
    }
    return keep;
  }

  private void fail(WriteJob j, Exception e) {
    failedWrites++;
    safeFailed(j, e);
  }

  /** Attempts at a batch that failed only because it met another store's transaction. */
  static final int CONFLICT_ATTEMPTS = 5;

  private final java.util.concurrent.atomic.AtomicLong conflicts =
      new java.util.concurrent.atomic.AtomicLong();

  /** Batches tried again after a clash with another store's transaction, since start. */
  long conflicts() {
    return conflicts.get();
  }

  /**
   * {@link #tryBatch}, again after a short random pause when it failed only because it met another
   * store's transaction on a shared database (a deadlock between two hubs' batches: PostgreSQL
   * aborts one of them). Such a failure is counted only when every attempt met one.
   */
  private Exception tryBatchRetrying(List<WriteJob> jobs) {
    Exception error = tryBatch(jobs);
    for (int attempt = 1;
        error != null && dialect.conflict(error) && attempt < CONFLICT_ATTEMPTS;
        attempt++) {
      try {
        Thread.sleep(java.util.concurrent.ThreadLocalRandom.current().nextLong(5, 50) * attempt);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        break;
      }
      conflicts.incrementAndGet();
      LOG.info(
          "batch met another store's transaction ({}); attempt {}",
          error.getMessage(),
          attempt + 1);
      error = tryBatch(jobs);
    }
    if (error != null && dialect.conflict(error)) {
      recordFailure(error);
    }
    return error;
  }

  /** One transaction; returns null when committed durably, else the error (rolled back). */
  private Exception tryBatch(List<WriteJob> jobs) {
    Connection c;
    try {
      c = connection();
      if (watch.failures() != watchSeen) {
        // failed since the last durable commit (a session's close, a sync): the log's tail and
        // HSQLDB's buffer are suspect, so nothing more goes into this instance
        throw crash("since the last commit");
      }
    } catch (SQLException | StoreException e) {
      recordFailure(e);
      return e;
    }
    BatchHooks h = hooks;
    Tx tx = new Tx(c, state, options, dialect, clock.millis());
    try {
      h.beforeBatch();
      tx.closeExpiredBuckets();
      for (WriteJob j : jobs) {
        j.apply(tx);
      }
      h.beforeCommit(tx);
      tx.flush();
      c.commit();
      if (options.syncsByHand() && jobs.stream().anyMatch(WriteJob::mustSync)) {
        // someone is told "stored" after this: the log must be on disk first, not in 10 s
        dialect.syncLog(c);
      }
      if (watch.failures() != watchSeen) {
        throw crash("during the commit");
      }
      // After an unsynced commit the file may lack the tail still in HSQLDB's log buffer, but it
      // ends after a whole line (the buffer spills whole lines), as the log of a process killed
      // in the middle of a commit's write does: a length the log can be cut back to.
      durableLogLength = logLength();
    } catch (Exception e) {
      tx.close();
      if (!(e instanceof NotDurableException)) {
        rollback(c);
      }
      try {
        h.afterRollback(e);
      } catch (RuntimeException hookError) {
        e.addSuppressed(hookError);
      }
      if (!dialect.conflict(e)) { // a conflict is tried again first (tryBatchRetrying)
        recordFailure(e);
      }
      return e;
    }
    tx.close();
    tx.committed();
    if (tx.enqueued()) {
      // Wake the publisher now, before the jobs' callbacks: an alert leaves at once.
      try {
        outboxAdded.run();
      } catch (RuntimeException e) {
        LOG.warn("outbox listener failed after commit", e);
      }
    }
    if (!healthy && jobs.stream().anyMatch(j -> !j.freesSpace())) {
      // a housekeeping delete alone says nothing about room for new data
      healthy = true;
      LOG.info(
          "store writes work again ({} writes failed or were refused in this episode)",
          failuresInEpisode);
      failuresInEpisode = 0;
    }
    synchronized (this) {
      batches++;
      batchedJobs += jobs.size();
      largestBatch = Math.max(largestBatch, jobs.size());
    }
    try {
      h.afterCommit();
    } catch (RuntimeException e) {
      LOG.warn("batch hook failed after commit", e);
    }
    for (WriteJob j : jobs) {
      try {
        j.committed();
      } catch (RuntimeException e) {
        LOG.warn("write job callback failed after commit", e);
      }
    }
    checkpointWhenLogIsLong(c); // after the acknowledgements: they need not wait for it
    return null;
  }

  /** Once per episode in the log: the first failure after writes worked. */
  private void recordFailure(Exception e) {
    failedCommits++;
    failuresInEpisode++;
    lastError = String.valueOf(e.getMessage());
    lastFailureAt = clock.instant();
    if (healthy) {
      healthy = false;
      LOG.error(
          "store writes failing: {} (unhealthy until a write succeeds; readings not stored are"
              + " refused, not acknowledged, and MQTT devices send them again)",
          lastError,
          e instanceof NotDurableException ? null : e);
    }
  }

  /**
   * The database reported a failed write ({@link DurabilityWatch}): the commit that just returned
   * (or the next one) is not durable, and the database instance in memory holds a transaction its
   * log lacks. Closes it like a crash, cuts its log back to the length after the last durable
   * commit, so that no torn or stale tail ever gets replayed, and returns the error that fails the
   * batch. The next batch opens the database again (from its files: exactly the durable commits).
   */
  private NotDurableException crash(String when) {
    String why = watch.firstFailure();
    NotDurableException e =
        new NotDurableException(
            "database log write failed "
                + when
                + " ("
                + (why == null ? "reported by the database" : why)
                + "): the batch was not stored; the database is reopened from its last durable"
                + " commit");
    Connection c = connection;
    connection = null;
    watch.close();
    watch = DurabilityWatch.NONE;
    watchSeen = 0;
    crashInstance(c, durableLogLength, e);
    LOG.warn("{} (log kept to {} bytes)", e.getMessage(), durableLogLength);
    return e;
  }

  /** SHUTDOWN IMMEDIATELY through {@code c}, then the log cut back to {@code length}. */
  private void crashInstance(Connection c, long length, Exception context) {
    files.exclusive(
        () -> {
          String sql = dialect.crashStatement();
          if (sql != null && c != null) {
            try (Statement s = c.createStatement()) {
              s.execute(sql);
            } catch (SQLException ex) {
              context.addSuppressed(ex);
            }
          }
          closeQuietly(c);
          cutLogBack(length, context);
        });
  }

  private void cutLogBack(long durableLogLength, Exception context) {
    Path log = dialect.commitLog(options.dbDir());
    if (log == null) {
      return;
    }
    try (FileChannel ch = FileChannel.open(log, StandardOpenOption.WRITE)) {
      long size = ch.size();
      if (size > durableLogLength) {
        ch.truncate(durableLogLength);
        ch.force(true);
        LOG.info(
            "commit log {} cut back from {} to {} bytes (the last durable commit)",
            log,
            size,
            durableLogLength);
      }
    } catch (java.nio.file.NoSuchFileException ignored) {
      // nothing was written after the last checkpoint
    } catch (IOException ex) {
      context.addSuppressed(ex);
      LOG.error("cannot cut back the commit log {}", log, ex);
    }
  }

  private long logLength() {
    Path log = dialect.commitLog(options.dbDir());
    if (log == null) {
      return 0;
    }
    try {
      return java.nio.file.Files.size(log);
    } catch (IOException e) {
      return 0;
    }
  }

  /**
   * The writer checkpoints (HSQLDB's own, size-triggered one is off): once the log passes a tenth
   * of the file system (at least 1 MiB, at most 50 MiB, HSQLDB's default). A checkpoint that fails
   * (a full disk) reports through the watch like a log write, and is handled like one.
   */
  private void checkpointWhenLogIsLong(Connection c) {
    String sql = dialect.checkpointStatement();
    DiskSpace d = disk;
    if (sql == null || durableLogLength <= checkpointAfter(d == null ? -1 : d.totalBytes())) {
      return;
    }
    try (Statement s = c.createStatement()) {
      s.execute(sql);
    } catch (SQLException e) {
      LOG.warn("checkpoint failed; tried again after the next commit", e);
    }
    if (watch.failures() != watchSeen) {
      recordFailure(crash("during a checkpoint")); // the batch before it is durable already
      return;
    }
    durableLogLength = logLength();
    FileModes.tighten(options.dataDir(), options.dbDir()); // a checkpoint writes new files
  }

  static long checkpointAfter(long fileSystemBytes) {
    long tenth = fileSystemBytes <= 0 ? Long.MAX_VALUE : fileSystemBytes / 10;
    return Math.clamp(tenth, 1L << 20, 50L << 20);
  }

  private Connection connection() throws SQLException {
    if (connection != null && !connection.isClosed()) {
      return connection;
    }
    closeQuietly(connection);
    connection = null;
    // a database that cannot open (a full disk: no room for its lock file) is tried once a second
    long now = System.nanoTime();
    if (lastOpenFailure != null && now - lastOpenFailedAt < TimeUnit.SECONDS.toNanos(1)) {
      throw lastOpenFailure;
    }
    try {
      adopt(connections.open());
      lastOpenFailure = null;
    } catch (SQLException | RuntimeException e) {
      lastOpenFailedAt = now;
      lastOpenFailure =
          e instanceof SQLException se
              ? se
              : new SQLException("cannot open the database: " + e.getMessage(), e);
      throw lastOpenFailure;
    }
    return connection;
  }

  /**
   * A new connection becomes the writer's: the durability watch, the settings, the log's length.
   * When the settings cannot be written durably (a disk still full), the instance is closed like a
   * crash and the log cut back to its length at open, so a torn setting line never ends up in the
   * middle of the log.
   */
  private void adopt(Connection c) throws SQLException {
    long openLength = logLength();
    DurabilityWatch w;
    try {
      w = dialect.watch(c);
    } catch (SQLException | RuntimeException e) {
      closeQuietly(c);
      throw e;
    }
    long seen = w.failures();
    w.newEpisode();
    try {
      c.setAutoCommit(false);
      try (Statement s = c.createStatement()) {
        for (String sql : dialect.setupStatements(options.logWriteDelayMillis())) {
          s.execute(sql);
        }
      }
      c.commit();
      if (options.syncsByHand()) {
        dialect.syncLog(c); // the settings (and the replayed state) on disk before anything else
      }
      if (w.failures() != seen) {
        throw new NotDurableException(
            "database log write failed while opening (" + w.firstFailure() + ")");
      }
    } catch (SQLException | RuntimeException e) {
      w.close();
      crashInstance(c, openLength, e);
      throw e;
    }
    watch.close();
    watch = w;
    watchSeen = seen;
    durableLogLength = logLength();
    connection = c;
    FileModes.tighten(options.dataDir(), options.dbDir());
  }

  private static void rollback(Connection c) {
    try {
      if (!c.isClosed()) {
        c.rollback();
      }
    } catch (SQLException e) {
      closeQuietly(c);
    }
  }

  /** After the queue is drained: SHUTDOWN the database cleanly. */
  void shutdown() {
    try {
      Connection c = connection();
      if (watch.failures() != watchSeen) {
        crash("before the shutdown"); // a clean SHUTDOWN would write what the log lacks
        return;
      }
      String sql = dialect.shutdownStatement();
      if (sql != null) {
        try (Statement s = c.createStatement()) {
          s.execute(sql);
        }
      }
    } catch (SQLException e) {
      LOG.warn("store shutdown failed; the database will recover from its log at next start", e);
    } finally {
      closeQuietly(connection);
      connection = null;
      watch.close();
      FileModes.tighten(options.dataDir(), options.dbDir()); // SHUTDOWN writes a new .script
    }
  }

  static void closeQuietly(Connection c) {
    if (c == null) {
      return;
    }
    try {
      c.close();
    } catch (SQLException ignored) {
      // already broken
    }
  }

  static void safeFailed(WriteJob j, Throwable e) {
    try {
      j.failed(e);
    } catch (RuntimeException ex) {
      LOG.warn("write job failure callback failed", ex);
    }
  }

  /** Fails whatever is still queued (after the thread ended). */
  void failQueued(Throwable cause) {
    List<WriteJob> left = new ArrayList<>();
    queue.drainTo(left);
    for (WriteJob j : left) {
      safeFailed(j, cause);
    }
  }
}
