package net.dhtedge.agent.store;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * Options of the local store (HSQLDB file database under {@code <dataDir>/db/agent}).
 *
 * @param dataDir the agent's data directory; the database lives in {@code dataDir/db}
 * @param commitWindowMillis group-commit window: after the first queued write the writer waits up
 *     to this long for more before it commits them together (one fsync per batch), ending early
 *     after 1 ms without a new write; 0 = commit what is queued right away. Default {@link
 *     #DEFAULT_COMMIT_WINDOW_MILLIS} ({@code store.write_delay}).
 * @param maxBatch at most this many writes per commit. Default 1000.
 * @param queueCapacity writes waiting for the writer; beyond it submit fails fast. Default 10,000.
 * @param fileWriteDelayMillis HSQLDB {@code SET FILES WRITE DELAY}: 0 (default) syncs the log on
 *     every commit, so an acknowledged reading survives a power cut; n > 0 syncs every n ms (a
 *     power cut or a process kill may lose the last n ms of acknowledged writes: HSQLDB keeps them
 *     in its own 16 kB log buffer, inside the JVM, until its timer flushes it).
 * @param rawRetentionDays raw readings (and read failures) older than this are deleted. Default 30.
 * @param minuteRetentionDays 1-minute aggregates kept this long. Default 90.
 * @param hourRetentionDays 1-hour aggregates kept this long. Default 1826 (5 years).
 * @param outboxCapacity pending reading messages kept at most; beyond it the oldest reading
 *     messages are dropped (and counted). Alerts, incidents and status are exempt. Default 100,000.
 * @param outboxKeepConfirmed confirmed or dropped outbox rows are purged after this. Default 1 h.
 * @param housekeepingInterval how often retention and purges run. Default 10 min.
 * @param housekeepingChunk rows deleted per housekeeping transaction. Default 5,000.
 * @param diskReserve writes that add data are refused (their futures fail, nothing reaches the
 *     database) while the file system of the database has less free space than this share of its
 *     size, so HSQLDB rarely runs into a full disk itself. Housekeeping deletes still run. Default
 *     {@link DiskReserve#DEFAULT}: 5 %, at least 1 MiB, at most 64 MiB.
 * @param localSyncIntervalMillis jobs that do not {@linkplain WriteJob#mustSync() need a sync}
 *     (readings of the agent's own sensors, outbox confirmations) are committed without one and
 *     reach the disk at most this long later: HSQLDB's {@code SET FILES WRITE DELAY}, while every
 *     batch holding any other job (an MQTT reading, whose acknowledgement waits for it) is synced
 *     right after its commit. A power cut (or a kill: HSQLDB buffers the log) may cost up to this
 *     many ms of local readings, never an acknowledged one. 0 syncs every commit. Default {@link
 *     #DEFAULT_LOCAL_SYNC_INTERVAL_MILLIS} ({@code store.local_sync_interval}); at most {@link
 *     #MAX_LOCAL_SYNC_INTERVAL_MILLIS}. Ignored when {@code fileWriteDelayMillis > 0}.
 * @param seqReuseAfter a reading whose (device, seq) is stored already is a duplicate only when its
 *     ts is within this of the stored one; further apart, the device restarted its counter and the
 *     reading is kept (keyed by its ts). Default 1 h.
 */
public record StoreOptions(
    Path dataDir,
    int commitWindowMillis,
    int maxBatch,
    int queueCapacity,
    int fileWriteDelayMillis,
    int rawRetentionDays,
    int minuteRetentionDays,
    int hourRetentionDays,
    int outboxCapacity,
    Duration outboxKeepConfirmed,
    Duration housekeepingInterval,
    int housekeepingChunk,
    DiskReserve diskReserve,
    Duration seqReuseAfter,
    int localSyncIntervalMillis) {

  public StoreOptions {
    Objects.requireNonNull(dataDir, "dataDir");
    Objects.requireNonNull(outboxKeepConfirmed, "outboxKeepConfirmed");
    Objects.requireNonNull(housekeepingInterval, "housekeepingInterval");
    require(commitWindowMillis >= 0 && commitWindowMillis <= 1000, "commitWindowMillis 0..1000");
    require(maxBatch >= 1 && maxBatch <= 100_000, "maxBatch 1..100000");
    require(queueCapacity >= maxBatch, "queueCapacity >= maxBatch");
    require(fileWriteDelayMillis >= 0 && fileWriteDelayMillis <= 10_000, "fileWriteDelayMillis");
    require(rawRetentionDays >= 1, "rawRetentionDays >= 1");
    require(minuteRetentionDays >= 1, "minuteRetentionDays >= 1");
    require(hourRetentionDays >= 1, "hourRetentionDays >= 1");
    require(outboxCapacity >= 1, "outboxCapacity >= 1");
    require(!outboxKeepConfirmed.isNegative(), "outboxKeepConfirmed >= 0");
    require(
        housekeepingInterval.compareTo(Duration.ofSeconds(1)) >= 0, "housekeepingInterval >= 1s");
    require(housekeepingChunk >= 1, "housekeepingChunk >= 1");
    Objects.requireNonNull(diskReserve, "diskReserve");
    Objects.requireNonNull(seqReuseAfter, "seqReuseAfter");
    require(!seqReuseAfter.isNegative(), "seqReuseAfter >= 0");
    require(
        localSyncIntervalMillis >= 0 && localSyncIntervalMillis <= MAX_LOCAL_SYNC_INTERVAL_MILLIS,
        "localSyncIntervalMillis 0.." + MAX_LOCAL_SYNC_INTERVAL_MILLIS);
  }

  /**
   * {@code store.local_sync_interval}'s default, 10 s: at one local reading a second, one sync per
   * ten readings instead of one per reading (the sync, not the bytes, was most of the SD-card
   * writes: docs/performance.md, "SD-card wear").
   */
  public static final int DEFAULT_LOCAL_SYNC_INTERVAL_MILLIS = 10_000;

  /** The longest HSQLDB's write delay can be. */
  public static final int MAX_LOCAL_SYNC_INTERVAL_MILLIS = 10_000;

  /**
   * HSQLDB's write delay: the legacy {@code fileWriteDelayMillis} when set, else the local sync
   * interval; 0 syncs every commit.
   */
  public int logWriteDelayMillis() {
    return fileWriteDelayMillis > 0 ? fileWriteDelayMillis : localSyncIntervalMillis;
  }

  /** Whether a batch of jobs that {@linkplain WriteJob#mustSync() must sync} is synced by hand. */
  boolean syncsByHand() {
    return fileWriteDelayMillis == 0 && localSyncIntervalMillis > 0;
  }

  /**
   * The group-commit window, {@code store.write_delay}'s default: 100 ms. It was 10 ms here and 100
   * ms in the config and its docs; every user ran 100 ms (the agent reads the config), only code
   * that built these options directly (tests, the pipeline benchmark) got 10. The window ends 1 ms
   * after the last write, so a lone reading does not wait for it.
   */
  public static final int DEFAULT_COMMIT_WINDOW_MILLIS = 100;

  /** The defaults for a data directory. */
  public static StoreOptions defaults(Path dataDir) {
    return new StoreOptions(
        dataDir,
        DEFAULT_COMMIT_WINDOW_MILLIS,
        1000,
        10_000,
        0,
        30,
        90,
        1826,
        100_000,
        Duration.ofHours(1),
        Duration.ofMinutes(10),
        5_000,
        DiskReserve.DEFAULT,
        Duration.ofHours(1),
        DEFAULT_LOCAL_SYNC_INTERVAL_MILLIS);
  }

  /** Where the database files live. */
  public Path dbDir() {
    return dataDir.resolve("db");
  }

  public StoreOptions withCommitWindowMillis(int millis) {
    return copy(f -> f.commitWindowMillis = millis);
  }

  public StoreOptions withLocalSyncIntervalMillis(int millis) {
    return copy(f -> f.localSyncIntervalMillis = millis);
  }

  public StoreOptions withMaxBatch(int max) {
    return copy(
        f -> {
          f.maxBatch = max;
          f.queueCapacity = Math.max(f.queueCapacity, max);
        });
  }

  public StoreOptions withOutboxCapacity(int capacity) {
    return copy(f -> f.outboxCapacity = capacity);
  }

  public StoreOptions withRetention(int rawDays, int minuteDays, int hourDays) {
    return copy(
        f -> {
          f.rawRetentionDays = rawDays;
          f.minuteRetentionDays = minuteDays;
          f.hourRetentionDays = hourDays;
        });
  }

  public StoreOptions withHousekeepingChunk(int chunk) {
    return copy(f -> f.housekeepingChunk = chunk);
  }

  /** A fixed reserve of {@code bytes}, whatever the size of the file system. */
  public StoreOptions withMinFreeBytes(long bytes) {
    return withDiskReserve(DiskReserve.fixed(bytes));
  }

  public StoreOptions withDiskReserve(DiskReserve reserve) {
    return copy(f -> f.diskReserve = reserve);
  }

  /** These options with some fields changed (checked again): {@code copy(f -> f.maxBatch = 10)}. */
  private StoreOptions copy(Consumer<Fields> change) {
    Fields f = new Fields(this);
    change.accept(f);
    return f.build();
  }

  /** The record's fields, changeable, for {@link #copy}: the one place that lists them again. */
  private static final class Fields {
    Path dataDir;
    int commitWindowMillis;
    int maxBatch;
    int queueCapacity;
    int fileWriteDelayMillis;
    int rawRetentionDays;
    int minuteRetentionDays;
    int hourRetentionDays;
    int outboxCapacity;
    Duration outboxKeepConfirmed;
    Duration housekeepingInterval;
    int housekeepingChunk;
    DiskReserve diskReserve;
    Duration seqReuseAfter;
    int localSyncIntervalMillis;

    Fields(StoreOptions o) {
      dataDir = o.dataDir;
      commitWindowMillis = o.commitWindowMillis;
      maxBatch = o.maxBatch;
      queueCapacity = o.queueCapacity;
      fileWriteDelayMillis = o.fileWriteDelayMillis;
      rawRetentionDays = o.rawRetentionDays;
      minuteRetentionDays = o.minuteRetentionDays;
      hourRetentionDays = o.hourRetentionDays;
      outboxCapacity = o.outboxCapacity;
      outboxKeepConfirmed = o.outboxKeepConfirmed;
      housekeepingInterval = o.housekeepingInterval;
      housekeepingChunk = o.housekeepingChunk;
      diskReserve = o.diskReserve;
      seqReuseAfter = o.seqReuseAfter;
      localSyncIntervalMillis = o.localSyncIntervalMillis;
    }

    StoreOptions build() {
      return new StoreOptions(
          dataDir,
          commitWindowMillis,
          maxBatch,
          queueCapacity,
          fileWriteDelayMillis,
          rawRetentionDays,
          minuteRetentionDays,
          hourRetentionDays,
          outboxCapacity,
          outboxKeepConfirmed,
          housekeepingInterval,
          housekeepingChunk,
          diskReserve,
          seqReuseAfter,
          localSyncIntervalMillis);
    }
  }

  private static void require(boolean ok, String what) {
    if (!ok) {
      throw new IllegalArgumentException("invalid store option: " + what);
    }
  }
}
