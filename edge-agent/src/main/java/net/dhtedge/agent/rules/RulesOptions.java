package net.dhtedge.agent.rules;

import static java.time.Duration.ZERO;
import static java.time.Duration.ofDays;
import static java.time.Duration.ofMinutes;
import static java.time.Duration.ofSeconds;

import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import net.dhtedge.agent.config.ConfigLimits;
import net.dhtedge.agent.config.Section;
import net.dhtedge.agent.core.Reading;
import net.dhtedge.agent.core.Records;

/**
 * Options of the rules engine: the {@code rules:} section of the config file, read by {@link #bind}
 * (each key's default, unit and range written there once; {@link #defaults()} is that bind of an
 * empty section: no thresholds). How often each local sensor reports comes from its own section
 * ({@link #expecting}). A variation for a test: {@code Records.with(o, "debounceCount", 1)}.
 *
 * @param temperature default band, °C ({@code rules.defaults.temperature}). Default none.
 * @param humidity default band, %RH ({@code rules.defaults.humidity}). Default none.
 * @param debounceCount consecutive violating readings needed to open a threshold incident (>= 1),
 *     {@code rules.defaults.temperature.debounce_count}. Default 3.
 * @param debounceDuration and the violation must have lasted at least this long (0 = no duration
 *     condition), {@code rules.defaults.temperature.debounce_time}. Default 0.
 * @param expectedInterval how often a device is expected to report when its interval is not known.
 *     Default 30 s.
 * @param staleAfterIntervals a device is stale after this many expected intervals without a reading
 *     ({@code rules.stale_after_intervals}). Default 5.
 * @param failurePercent the sensor-failure incident opens when more than this percentage of local
 *     read attempts failed over {@code failureWindow} ({@code
 *     rules.sensor_failure.threshold_percent}, at most 99). Default 50.
 * @param failureResolvePercent and resolves when it falls to this or below: half of it.
 * @param failureWindow sliding window of the failure rate ({@code rules.sensor_failure.window}).
 *     Default 5 min.
 * @param failureMinAttempts attempts in the window needed before the rate counts. Default 10.
 * @param devices per-device overrides by device id ({@code rules.devices}). Default none.
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

  /**
   * The {@code rules:} section. Each metric's {@code debounce_count} and {@code debounce_time} are
   * checked where they are written, but the engine debounces every threshold alike, with those of
   * {@code rules.defaults.temperature} (as the agent always has).
   */
  public static RulesOptions bind(Section s) {
    Section d = s.child("defaults");
    Metric t = metric(d.child("temperature"), Metric.DEFAULTS, -40, 80, " °C");
    Metric h = metric(d.child("humidity"), Metric.DEFAULTS, 0, 100, " %RH");
    Map<String, DeviceRules> devices = new LinkedHashMap<>();
    Map<String, Section> own =
        s.byDeviceId(
            "devices",
            ConfigLimits.MAX_DEVICE_RULES,
            n ->
                ConfigLimits.count(n)
                    + " devices have rules of their own, more than the limit of "
                    + ConfigLimits.count(ConfigLimits.MAX_DEVICE_RULES)
                    + "; write what they share once in rules.defaults");
    own.forEach(
        (id, device) ->
            devices.put(
                id,
                new DeviceRules(
                    metric(device.child("temperature"), t, -40, 80, " °C").band(),
                    metric(device.child("humidity"), h, 0, 100, " %RH").band(),
                    null)));
    int stale = s.integer("stale_after_intervals", 5, 1, 1000, " intervals");
    Section f = s.child("sensor_failure");
    // The engine needs a share strictly below 100 %: 100 opens when every read failed, as 99 does.
    double failure = Math.min(99, f.integer("threshold_percent", 50, 1, 100, " %"));
    Duration window = f.duration("window", ofMinutes(5), ofSeconds(10), ofDays(1));
    return new RulesOptions(
        t.band(),
        h.band(),
        t.debounceCount(),
        t.debounceTime(),
        ofSeconds(30), // expectedInterval when a device's own is not known
        stale,
        failure,
        failure / 2, // failureResolvePercent
        window,
        10, // failureMinAttempts
        devices);
  }

  /** {@link #bind} of an empty section: no thresholds. */
  public static RulesOptions defaults() {
    return Section.defaults(RulesOptions::bind);
  }

  /**
   * These options for devices whose reporting interval is known (the agent's own sensors): each one
   * is stale after {@code staleAfterIntervals} of its own intervals.
   */
  public RulesOptions expecting(Map<String, Duration> intervals) {
    Map<String, DeviceRules> merged = new HashMap<>(devices);
    intervals.forEach(
        (id, every) -> {
          DeviceRules d = merged.get(id);
          merged.put(
              id,
              new DeviceRules(
                  d == null ? null : d.temperature(), d == null ? null : d.humidity(), every));
        });
    return Records.with(this, "devices", merged);
  }

  /** One metric's thresholds as written: the band, and its debounce. */
  private record Metric(Threshold band, int debounceCount, Duration debounceTime) {
    /**
     * What {@code rules.defaults.<metric>} starts from (each device's metric starts from that): no
     * limits, hysteresis 0.5, debounce 3 readings and no time.
     */
    static final Metric DEFAULTS = new Metric(new Threshold(null, null, 0.5), 3, ZERO);
  }

  /** One metric's thresholds; keys not written keep {@code base}'s values, an empty one clears. */
  private static Metric metric(Section s, Metric base, double lo, double hi, String unit) {
    Double min = limit(s, "min", base.band().min(), lo, hi, unit);
    Double max = limit(s, "max", base.band().max(), lo, hi, unit);
    double hysteresis = s.decimal("hysteresis", base.band().hysteresis(), 0, hi - lo, unit);
    // A section that sets none of these inherits limits already checked where they were written.
    boolean own = s.has("min") || s.has("max") || s.has("hysteresis") || s.isExplicitNull("min");
    if (own && min != null && max != null) {
      if (max <= min) {
        s.error("max", trim(max) + " must be above min (" + trim(min) + ")");
        max = base.band().max();
        min = base.band().min();
      } else if (min + 2 * hysteresis > max) {
        // The engine's rule (Threshold): a value back inside by the hysteresis from one limit is
        // still inside the other. The agent used to accept up to max - min here and then fail to
        // start.
        s.error(
            "hysteresis",
            trim(hysteresis) + " must be at most (max - min) / 2 (" + trim((max - min) / 2) + ")");
        hysteresis = base.band().hysteresis();
      }
    }
    Threshold band = new Threshold(min, max, hysteresis);
    if (!valid(band)) {
      band = base.band(); // reported above; the config is refused
    }
    int count = s.integer("debounce_count", base.debounceCount(), 1, 1000, " readings");
    Duration time = s.duration("debounce_time", base.debounceTime(), ZERO, ofDays(1));
    return new Metric(band, count, time);
  }

  private static boolean valid(Threshold t) {
    return t.min() == null || t.max() == null || t.min() + 2 * t.hysteresis() <= t.max();
  }

  private static Double limit(
      Section s, String key, Double base, double lo, double hi, String unit) {
    if (s.isExplicitNull(key)) {
      return null;
    }
    return s.decimal(key, base, lo, hi, unit);
  }

  private static String trim(double d) {
    return d == Math.rint(d) ? Long.toString((long) d) : Double.toString(d);
  }

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
