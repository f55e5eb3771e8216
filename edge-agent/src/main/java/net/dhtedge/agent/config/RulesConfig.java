package net.dhtedge.agent.config;

import java.time.Duration;
import java.util.Map;
import java.util.Objects;

/**
 * The {@code rules:} section.
 *
 * @param defaults thresholds for every device without its own entry
 * @param devices per-device thresholds, already merged with the defaults (a key a device does not
 *     set is the default's value; {@code max:} written empty removes the default's limit)
 * @param staleAfterIntervals a device is stale after this many of its intervals pass without a
 *     reading
 * @param sensorFailure when failed reads open a {@code sensor_failure} incident
 */
public record RulesConfig(
    DeviceRules defaults,
    Map<String, DeviceRules> devices,
    int staleAfterIntervals,
    SensorFailure sensorFailure) {

  /**
   * {@code rules.sensor_failure:} an incident opens when more than {@code thresholdPercent} of a
   * device's reads within {@code window} failed.
   *
   * @param thresholdPercent 1..100
   * @param window the sliding window the percentage is taken over
   */
  public record SensorFailure(int thresholdPercent, Duration window) {
    public static final SensorFailure DEFAULTS = new SensorFailure(50, Duration.ofMinutes(5));

    public SensorFailure {
      Objects.requireNonNull(window, "window");
    }
  }

  public static final RulesConfig DEFAULTS =
      new RulesConfig(DeviceRules.DEFAULTS, Map.of(), 5, SensorFailure.DEFAULTS);

  public RulesConfig {
    Objects.requireNonNull(defaults, "defaults");
    devices = Map.copyOf(devices);
    Objects.requireNonNull(sensorFailure, "sensorFailure");
  }

  /** The thresholds for {@code deviceId}: its own entry, or the defaults. */
  public DeviceRules forDevice(String deviceId) {
    return devices.getOrDefault(deviceId, defaults);
  }
}
