package net.dhtedge.agent.config;

import java.time.Duration;
import java.util.Objects;
import net.dhtedge.agent.store.StoreOptions;

/**
 * The {@code store:} section.
 *
 * @param writeDelay group-commit window: readings arriving within it share one disk sync; zero
 *     syncs every batch at once
 * @param retentionRaw how long raw readings are kept
 * @param retentionMinute how long one-minute aggregates are kept
 * @param retentionHour how long one-hour aggregates are kept
 * @param outboxCapacity the most unsent messages the outbox keeps while the broker is away
 * @param maxDevices the most devices readings are taken from (local sensors always are)
 * @param localSyncInterval readings of the agent's own sensors are synced to disk at most this long
 *     after their commit (a power cut may cost that many seconds of them); zero syncs each one's
 *     commit. Readings that came over MQTT are always synced before their acknowledgement
 */
public record StoreConfig(
    Duration writeDelay,
    Duration retentionRaw,
    Duration retentionMinute,
    Duration retentionHour,
    int outboxCapacity,
    int maxDevices,
    Duration localSyncInterval) {

  public static final StoreConfig DEFAULTS =
      new StoreConfig(
          Duration.ofMillis(StoreOptions.DEFAULT_COMMIT_WINDOW_MILLIS),
          Duration.ofDays(30),
          Duration.ofDays(90),
          Duration.ofDays(1825),
          100_000,
          2000,
          Duration.ofMillis(StoreOptions.DEFAULT_LOCAL_SYNC_INTERVAL_MILLIS));

  public StoreConfig {
    Objects.requireNonNull(writeDelay, "writeDelay");
    Objects.requireNonNull(retentionRaw, "retentionRaw");
    Objects.requireNonNull(retentionMinute, "retentionMinute");
    Objects.requireNonNull(retentionHour, "retentionHour");
    Objects.requireNonNull(localSyncInterval, "localSyncInterval");
  }
}
