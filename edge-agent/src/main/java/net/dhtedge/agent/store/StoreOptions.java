package net.dhtedge.agent.store;

import static java.time.Duration.ZERO;
import static java.time.Duration.ofDays;
import static java.time.Duration.ofHours;
import static java.time.Duration.ofMillis;
import static java.time.Duration.ofMinutes;
import static java.time.Duration.ofSeconds;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;
import net.dhtedge.agent.config.Secret;
import net.dhtedge.agent.config.Section;

/**
 * Options of the local store (HSQLDB file database under {@code <dataDir>/db/agent}), the {@code
 * store:} section of the config file. {@link #bind} reads it: each key's default, unit and range
 * are written there once; {@link #defaults} is that bind of an empty section. The knobs that are
 * not in the file (batch size, queue, housekeeping, ...) have their defaults in {@link #bind} too.
 * A variation for a test: {@code Records.with(StoreOptions.defaults(dir), "maxBatch", 10)}.
 *
 * @param dataDir the agent's data directory; the database lives in {@code dataDir/db}
 * @param commitWindowMillis {@code store.write_delay}, the group-commit window: after the first
 *     queued write the writer waits up to this long for more before it commits them together (one
 *     fsync per batch), ending early after 1 ms without a new write; 0 = commit what is queued
 *     right away. Default 100 ms.
 * @param maxBatch at most this many writes per commit. Default 1000.
 * @param queueCapacity writes waiting for the writer; beyond it submit fails fast. Default 10,000.
 * @param fileWriteDelayMillis HSQLDB {@code SET FILES WRITE DELAY}: 0 (default) syncs the log on
 *     every commit, so an acknowledged reading survives a power cut; n > 0 syncs every n ms (a
 *     power cut or a process kill may lose the last n ms of acknowledged writes: HSQLDB keeps them
 *     in its own 16 kB log buffer, inside the JVM, until its timer flushes it).
 * @param rawRetentionDays {@code store.retention_raw}: raw readings (and read failures) older than
 *     this are deleted. Default 30. The file's durations are rounded up to whole days.
 * @param minuteRetentionDays {@code store.retention_minute}: 1-minute aggregates kept this long.
 *     Default 90.
 * @param hourRetentionDays {@code store.retention_hour}: 1-hour aggregates kept this long. Default
 *     1825 (5 years).
 * @param outboxCapacity {@code store.outbox_capacity}: pending reading messages kept at most;
 *     beyond it the oldest reading messages are dropped (and counted). Alerts, incidents and status
 *     are exempt. Default 100,000.
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
 * @param maxDevices {@code store.max_devices}: the most devices readings are taken from (local
 *     sensors always are); the pipeline refuses a new device beyond it. Default 2000.
 * @param url {@code store.url}: a PostgreSQL JDBC URL ({@code jdbc:postgresql://host:port/db}), or
 *     null for the embedded HSQLDB under the data directory (the default)
 * @param user {@code store.user}: the PostgreSQL user, or null
 * @param password {@code store.password_file} (or {@code $EDGE_AGENT_STORE_PASSWORD}), or null; not
 *     in {@link #toString()}
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
    int maxDevices,
    String url,
    String user,
    Secret password,
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
    require(maxDevices >= 1, "maxDevices >= 1");
    require(
        localSyncIntervalMillis >= 0 && localSyncIntervalMillis <= MAX_LOCAL_SYNC_INTERVAL_MILLIS,
        "localSyncIntervalMillis 0.." + MAX_LOCAL_SYNC_INTERVAL_MILLIS);
  }

  /** The {@code store:} section; the data directory is {@code agent.data_dir}. */
  public static StoreOptions bind(Section s, Path dataDir) {
    Duration maxRetention = ofDays(36500);
    return new StoreOptions(
        dataDir,
        // 100 ms: what the config and its docs always said, and what every user ran. The window
        // ends 1 ms after the last write, so a lone reading does not wait for it.
        (int) s.duration("write_delay", ofMillis(100), ZERO, ofSeconds(1)).toMillis(),
        1000, // maxBatch
        10_000, // queueCapacity
        0, // fileWriteDelayMillis: sync the log on every commit
        days(s.duration("retention_raw", ofDays(30), ofHours(1), maxRetention)),
        days(s.duration("retention_minute", ofDays(90), ofHours(1), maxRetention)),
        days(s.duration("retention_hour", ofDays(1825), ofHours(1), maxRetention)),
        s.integer("outbox_capacity", 100_000, 100, 10_000_000, " messages"),
        ofHours(1), // outboxKeepConfirmed
        ofMinutes(10), // housekeepingInterval
        5_000, // housekeepingChunk
        DiskReserve.DEFAULT,
        ofHours(1), // seqReuseAfter
        s.integer("max_devices", 2000, 1, 1_000_000, " devices"),
        url(s),
        s.text("user", null),
        s.secret("password", "password_file", PASSWORD_ENV),
        (int)
            s.duration(
                    "local_sync_interval",
                    ofMillis(DEFAULT_LOCAL_SYNC_INTERVAL_MILLIS),
                    ZERO,
                    ofMillis(MAX_LOCAL_SYNC_INTERVAL_MILLIS))
                .toMillis());
  }

  /** Overrides {@code store.password} and {@code store.password_file}. */
  public static final String PASSWORD_ENV = "EDGE_AGENT_STORE_PASSWORD";

  /** {@code store.url}: null (the embedded HSQLDB) or a PostgreSQL JDBC URL. */
  private static String url(Section s) {
    String url = s.text("url", null);
    if (url != null && !url.toLowerCase(java.util.Locale.ROOT).startsWith("jdbc:postgresql://")) {
      s.error(
          "url",
          "must be a jdbc:postgresql://HOST:PORT/DB URL (leave it out for the embedded store)");
      return null;
    }
    return url;
  }

  /** The database these options name: {@code store.url}, or the embedded HSQLDB. */
  public StoreTarget target() {
    if (url == null) {
      return StoreTarget.embedded();
    }
    Secret p = password;
    return StoreTarget.of(url, user, () -> p == null ? "" : p.reveal());
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

  /** The defaults for a data directory: {@link #bind} of an empty section. */
  public static StoreOptions defaults(Path dataDir) {
    return Section.defaults(s -> bind(s, dataDir));
  }

  /**
   * The store keeps whole days: a retention is rounded up, never down (36h kept 24 h of raw
   * readings before: data deleted earlier than the user asked), and is at least one day.
   */
  private static int days(Duration d) {
    return (int) Math.max(1, Math.ceilDiv(d.toSeconds(), ofDays(1).toSeconds()));
  }

  /** Where the database files live. */
  public Path dbDir() {
    return dataDir.resolve("db");
  }

  private static void require(boolean ok, String what) {
    if (!ok) {
      throw new IllegalArgumentException("invalid store option: " + what);
    }
  }
}
