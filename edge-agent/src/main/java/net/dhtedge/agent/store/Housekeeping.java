package net.dhtedge.agent.store;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Retention and purges, in small transactions queued to the writer (so readings keep flowing in
 * between): raw readings and read failures older than the raw retention, aggregates past theirs,
 * confirmed or dropped outbox rows older than {@code outboxKeepConfirmed}, sent mails older than
 * {@link MailQueue#KEEP_SENT} (the rate limit's last mail per (device, rule) is kept apart, in
 * {@code mail_last_sent}).
 */
final class Housekeeping {

  private final Store store;
  private final StoreOptions options;
  private final Dialect dialect;
  private final Clock clock;

  Housekeeping(Store store, StoreOptions options, Dialect dialect, Clock clock) {
    this.store = store;
    this.options = options;
    this.dialect = dialect;
    this.clock = clock;
  }

  HousekeepingResult run() {
    // files HSQLDB made since (its .backup after a checkpoint) get the store's modes too
    FileModes.tighten(options.dataDir(), options.dbDir());
    long now = clock.millis();
    long raw = now - Duration.ofDays(options.rawRetentionDays()).toMillis();
    long minute = now - Duration.ofDays(options.minuteRetentionDays()).toMillis();
    long hour = now - Duration.ofDays(options.hourRetentionDays()).toMillis();
    long outbox = now - options.outboxKeepConfirmed().toMillis();
    long readings = 0;
    long failures = 0;
    long minutes = 0;
    long hours = 0;
    ReadingPartitions partitions = dialect.readingPartitions();
    String rawTable = "readings";
    if (partitions != null) {
      readings += partitionUpkeep(partitions, now, raw);
      rawTable = partitions.defaultPartition(); // what no day partition holds
    }
    for (int device : deviceRefs()) {
      readings += repeat("readings", rawTable, "device = ? AND ts < ?", device, raw);
      failures += repeat("read_failures", "device = ? AND ts < ?", device, raw);
      minutes += repeat("agg_1m", "device = ? AND bucket < ?", device, minute);
      hours += repeat("agg_1h", "device = ? AND bucket < ?", device, hour);
    }
    long purged =
        repeat("outbox", "state = ? AND confirmed_at < ?", 1, outbox)
            + repeat("outbox", "state = ? AND dropped_at < ?", 2, outbox);
    long mails =
        repeat(
            "mail_queue",
            "sent_at IS NOT NULL AND sent_at < ?",
            now - MailQueue.KEEP_SENT.toMillis());
    return new HousekeepingResult(readings, failures, minutes, hours, purged, mails);
  }

  private List<Integer> deviceRefs() {
    return store.query(
        c -> {
          List<Integer> refs = new ArrayList<>();
          try (PreparedStatement ps = c.prepareStatement("SELECT id FROM devices ORDER BY id");
              ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
              refs.add(rs.getInt(1));
            }
          }
          return refs;
        });
  }

  /**
   * Creates the day partitions ahead and drops those older than the raw retention, in one writer
   * transaction; returns the readings dropped with them (0 when another hub is at it).
   */
  private long partitionUpkeep(ReadingPartitions partitions, long now, long rawCutoff) {
    return run(
        "readings partition upkeep",
        tx -> {
          partitions.createAhead(tx.connection(), now);
          long n = Math.max(0, partitions.dropOlderThan(tx.connection(), rawCutoff));
          tx.dropped("readings", n);
          return n;
        });
  }

  /** What one housekeeping transaction does; returns the rows it removed. */
  private interface Work {
    long apply(Tx tx) throws SQLException;
  }

  /**
   * Runs {@code work} as one writer transaction that frees space (so it runs on a full disk too)
   * and waits for its commit; returns what it removed.
   */
  private long run(String what, Work work) {
    store.checkOpen();
    CompletableFuture<Long> done = new CompletableFuture<>();
    store.submit(
        new WriteJob() {
          long n;

          @Override
          public void apply(Tx tx) throws SQLException {
            n = work.apply(tx);
          }

          @Override
          public void committed() {
            done.complete(n);
          }

          @Override
          public void failed(Throwable cause) {
            done.completeExceptionally(cause);
          }

          @Override
          public boolean freesSpace() {
            return true;
          }
        });
    return await(done, what);
  }

  private static <T> T await(CompletableFuture<T> done, String what) {
    try {
      return done.get(60, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new StoreException("housekeeping interrupted", e);
    } catch (ExecutionException | TimeoutException e) {
      throw new StoreException("housekeeping failed: " + what, e);
    }
  }

  private long repeat(String table, String where, long... params) {
    return repeat(table, table, where, params);
  }

  /**
   * Deletes chunk by chunk from {@code sqlTable}, one writer transaction each, until a chunk comes
   * back short; the rows count as {@code table}'s (a partition's rows are its table's).
   */
  private long repeat(String table, String sqlTable, String where, long... params) {
    String sql = dialect.deleteLimited(sqlTable, where, options.housekeepingChunk());
    long total = 0;
    while (true) {
      long n = run(sql, tx -> tx.delete(table, sql, params));
      total += n;
      if (n < options.housekeepingChunk()) {
        return total;
      }
    }
  }
}
