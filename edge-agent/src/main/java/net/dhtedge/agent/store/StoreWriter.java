package net.dhtedge.agent.store;

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
 */
final class StoreWriter implements Runnable {

  private static final Logger LOG = LoggerFactory.getLogger(StoreWriter.class);
  private static final long LOG_EVERY_MILLIS = 60_000;
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
  private long lastLogged;
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
      Connection first) {
    this.options = options;
    this.state = state;
    this.connections = connections;
    this.dialect = dialect;
    this.clock = clock;
    this.queue = new ArrayBlockingQueue<>(options.queueCapacity());
    this.connection = first;
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

  StoreHealth health() {
    return new StoreHealth(healthy, failedCommits, failedWrites, lastError, lastFailureAt);
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
    Exception error = tryBatch(batch);
    if (error == null) {
      return;
    }
    if (batch.size() == 1) {
      fail(batch.get(0), error);
      return;
    }
    for (WriteJob j : batch) {
      Exception e = tryBatch(List.of(j));
      if (e != null) {
        fail(j, e);
      }
    }
  }

  /**
   * With less than {@code minFreeBytes} free, jobs that add data fail before they reach the
   * database: HSQLDB on a really full disk can lose committed work (seen in a tmpfs test), so it
   * must never get there. Deletes (housekeeping) still run.
   */
  private List<WriteJob> refuseWhenDiskNearlyFull(List<WriteJob> batch) {
    long free;
    try {
      free = java.nio.file.Files.getFileStore(options.dbDir()).getUsableSpace();
    } catch (java.io.IOException e) {
      return batch; // cannot tell: let the database report real errors
    }
    if (free >= options.minFreeBytes()) {
      return batch;
    }
    StoreException full =
        new StoreException(
            "disk nearly full: "
                + free
                + " bytes free in "
                + options.dbDir()
                + ", writes refused below "
                + options.minFreeBytes(),
            null);
    List<WriteJob> keep = new ArrayList<>();
    for (WriteJob j : batch) {
      if (j.freesSpace()) {
        keep.add(j);
      } else {
        fail(j, full);
      }
    }
    if (keep.size() < batch.size()) {
      recordFailure(full);
      try {
        hooks.afterRefused();
      } catch (RuntimeException e) {
        LOG.warn("batch hook failed", e);
      }
    }
    return keep;
  }

  private void fail(WriteJob j, Exception e) {
    failedWrites++;
    safeFailed(j, e);
  }

  /** One transaction; returns null when committed, else the error (rolled back). */
  private Exception tryBatch(List<WriteJob> jobs) {
    Connection c;
    try {
      c = connection();
    } catch (SQLException e) {
      recordFailure(e);
      return e;
    }
    BatchHooks h = hooks;
    Tx tx = new Tx(c, state, options, clock.millis());
    try {
      h.beforeBatch();
      tx.closeExpiredBuckets();
      for (WriteJob j : jobs) {
        j.apply(tx);
      }
      h.beforeCommit(tx);
      tx.flush();
      c.commit();
    } catch (Exception e) {
      tx.close();
      rollback(c);
      try {
        h.afterRollback(e);
      } catch (RuntimeException hookError) {
        e.addSuppressed(hookError);
      }
      recordFailure(e);
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
    if (jobs.stream().anyMatch(j -> !j.freesSpace())) {
      healthy = true; // a housekeeping delete alone says nothing about room for new data
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
    return null;
  }

  private void recordFailure(Exception e) {
    healthy = false;
    failedCommits++;
    lastError = String.valueOf(e.getMessage());
    lastFailureAt = clock.instant();
    long now = System.currentTimeMillis();
    if (now - lastLogged >= LOG_EVERY_MILLIS) {
      lastLogged = now;
      LOG.error("store write failed (will keep retrying; readings not stored are refused)", e);
    }
  }

  private Connection connection() throws SQLException {
    if (connection != null && !connection.isClosed()) {
      return connection;
    }
    closeQuietly(connection);
    connection = null;
    Connection c = connections.open();
    c.setAutoCommit(false);
    connection = c;
    return c;
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
