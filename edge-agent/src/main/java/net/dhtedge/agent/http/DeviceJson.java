package net.dhtedge.agent.http;

import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import java.time.Duration;

/**
 * A device as {@code GET /api/devices} and {@code /api/status} send it: its last reading (null
 * before the first), age and expected interval in seconds, and whether its value can be trusted
 * ({@code valid}: a last reading that is neither stale nor followed by a failed read).
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
record DeviceJson(
    String deviceId,
    boolean local,
    LastReading lastReading,
    Double ageS,
    double expectedIntervalS,
    boolean stale,
    Boolean online,
    Double readSuccessRate,
    boolean valid,
    boolean lastReadFailed,
    String lastFailure,
    long readings) {

  /** The device's last stored reading. */
  record LastReading(String ts, Double temperature, Double humidity, String source) {}

  static DeviceJson of(DeviceView d) {
    LastReading last =
        d.lastTs() == null
            ? null
            : new LastReading(Json.ts(d.lastTs()), d.temperature(), d.humidity(), d.source());
    Duration age = d.age();
    return new DeviceJson(
        d.id(),
        d.local(),
        last,
        age == null ? null : age.toMillis() / 1000.0,
        d.expectedInterval().toMillis() / 1000.0,
        d.stale(),
        d.online(),
        d.successRate(),
        !d.lastReadFailed() && d.lastTs() != null && !d.stale(),
        d.lastReadFailed(),
        d.lastFailure(),
        d.readings());
  }
}
