package net.dhtedge.agent.rules;

import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import net.dhtedge.agent.core.Reading;

/**
 * Options of the rules engine.
 *
 * @param temperature default band, °C. Default 10..30 with 0.5 hysteresis.
 * @param humidity default band, %RH. Default 20..80 with 2 hysteresis.
 * @param debounceCount consecutive violating readings needed to open a threshold incident (>= 1).
 *     Default 3.
 * @param debounceDuration and the violation must have lasted at least this long (0 = no duration
 *     condition). Default 0.
 * @param expectedInterval how often a device is expected to report. Default 30 s.
 * @param staleAfterIntervals a device is stale after this many expected intervals without a
 *     reading. Default 5.
 * @param failurePercent the sensor-failure incident opens when more than this percentage of local
 *     read attempts failed over {@code failureWindow}. Default 20.
 * @param failureResolvePercent and resolves when it falls to this or below. Default 10.
 * @param failureWindow sliding window of the failure rate. Default 5 min.
 * @param failureMinAttempts attempts in the window needed before the rate counts. Default 10.
 * @param devices per-device overrides by device id. Default none.
 */
public record RulesOptions(
    Threshold temperature,
    Threshold humidity,
    int debounceCount,
    Duration debounceDuration,
    Duration expectedInterval,
    int staleAfterIntervals,
    double failurePercent,
    double failureResolvePercent,
    Duration failureWindow,
    int failureMinAttempts,
    Map<String, DeviceRules> devices) {

  public RulesOptions {
    Objects.requireNonNull(temperature, "temperature");
    Objects.requireNonNull(humidity, "humidity");
    Objects.requireNonNull(debounceDuration, "debounceDuration");
    Objects.requireNonNull(expectedInterval, "expectedInterval");
    Objects.requireNonNull(failureWindow, "failureWindow");
    devices = Map.copyOf(Objects.requireNonNull(devices, "devices"));
    require(debounceCount >= 1, "debounceCount >= 1");
    require(!debounceDuration.isNegative(), "debounceDuration >= 0");
    require(!expectedInterval.isNegative() && !expectedInterval.isZero(), "expectedInterval > 0");
    require(staleAfterIntervals >= 1, "staleAfterIntervals >= 1");
    require(failurePercent > 0 && failurePercent < 100, "failurePercent in (0, 100)");
    require(
        failureResolvePercent >= 0 && failureResolvePercent <= failurePercent,
        "failureResolvePercent in [0, failurePercent]");
    require(failureWindow.toSeconds() >= 10, "failureWindow >= 10 s");
    require(failureMinAttempts >= 1, "failureMinAttempts >= 1");
  }

  public static RulesOptions defaults() {
    return new RulesOptions(
        new Threshold(10.0, 30.0, 0.5),
        new Threshold(20.0, 80.0, 2.0),
        3,
        Duration.ZERO,
        Duration.ofSeconds(30),
        5,
        20.0,
        10.0,
        Duration.ofMinutes(5),
        10,
        Map.of());
  }

  public RulesOptions withThresholds(Threshold temperature, Threshold humidity) {
    return new RulesOptions(
        temperature,
        humidity,
        debounceCount,
        debounceDuration,
        expectedInterval,
        staleAfterIntervals,
        failurePercent,
        failureResolvePercent,
        failureWindow,
        failureMinAttempts,
        devices);
  }

  public RulesOptions withDebounce(int count, Duration duration) {
    return new RulesOptions(
        temperature,
        humidity,
        count,
        duration,
        expectedInterval,
        staleAfterIntervals,
        failurePercent,
        failureResolvePercent,
        failureWindow,
        failureMinAttempts,
        devices);
  }

  public RulesOptions withDevices(Map<String, DeviceRules> overrides) {
    return new RulesOptions(
        temperature,
        humidity,
        debounceCount,
        debounceDuration,
        expectedInterval,
        staleAfterIntervals,
        failurePercent,
        failureResolvePercent,
        failureWindow,
        failureMinAttempts,
        overrides);
  }

  /** The band for a device and metric, override first. */
  public Threshold threshold(String deviceId, boolean isTemperature) {
    DeviceRules d = devices.get(deviceId);
    Threshold t = d == null ? null : isTemperature ? d.temperature() : d.humidity();
    return t != null ? t : isTemperature ? temperature : humidity;
  }

  /**
   * Whether a reading is outside the calm part of its device's bands (beyond a limit or within
   * hysteresis of it): only such a reading can open an incident. Thread-safe (no state).
   */
  public boolean nearOrOutsideBand(Reading r) {
    return nearOrOutside(threshold(r.deviceId(), true), r.temperature())
        || nearOrOutside(threshold(r.deviceId(), false), r.humidity());
  }

  private static boolean nearOrOutside(Threshold t, double v) {
    return t.max() != null && v > t.max() - t.hysteresis()
        || t.min() != null && v < t.min() + t.hysteresis();
  }

  /** How long a device may stay silent before it is stale. */
  public Duration staleAfter(String deviceId) {
    DeviceRules d = devices.get(deviceId);
    Duration every =
        d != null && d.expectedInterval() != null ? d.expectedInterval() : expectedInterval;
    return every.multipliedBy(staleAfterIntervals);
  }

  private static void require(boolean ok, String what) {
    if (!ok) {
      throw new IllegalArgumentException("invalid rules option: " + what);
    }
  }
}
