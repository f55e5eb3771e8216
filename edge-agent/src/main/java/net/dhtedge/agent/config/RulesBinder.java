package net.dhtedge.agent.config;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import net.dhtedge.agent.core.Reading;

/** Reads the {@code rules:} section. */
final class RulesBinder {

  private final BindContext ctx;
  private final Problems problems;

  RulesBinder(BindContext ctx) {
    this.ctx = ctx;
    this.problems = ctx.problems();
  }

  RulesConfig bind(Section root) {
    Section s = root.child("rules");
    DeviceRules defaults = device(s.child("defaults"), DeviceRules.DEFAULTS);
    Map<String, DeviceRules> devices = new LinkedHashMap<>();
    YamlNode devicesNode = s.node("devices");
    if (devicesNode != null) {
      Section d = Section.anyKeys(devicesNode, s.pathOf("devices"), s.lineOf("devices"), ctx);
      boolean tooMany = d.entries().size() > ConfigLimits.MAX_DEVICE_RULES;
      if (tooMany) {
        problems.error(
            s.lineOf("devices"),
            s.pathOf("devices"),
            ConfigLimits.count(d.entries().size())
                + " devices have rules of their own, more than the limit of "
                + ConfigLimits.count(ConfigLimits.MAX_DEVICE_RULES)
                + "; write what they share once in rules.defaults");
      }
      for (YamlNode.Entry e : tooMany ? List.<YamlNode.Entry>of() : d.entries()) {
        String path = d.pathOf(e.key());
        if (!Reading.DEVICE_ID.matcher(e.key()).matches()) {
          problems.error(
              e.keyLine(),
              path,
              "\"" + e.key() + "\" is not a device id (allowed: A-Z a-z 0-9 _ . -, 1 to 64 chars)");
          continue;
        }
        Section device = Section.of(e.value(), path, e.keyLine(), ctx);
        devices.put(e.key(), device(device, defaults));
      }
    }
    int stale = s.integer("stale_after_intervals", 5, 1, 1000, " intervals");
    Section f = s.child("sensor_failure");
    RulesConfig.SensorFailure failure =
        new RulesConfig.SensorFailure(
            f.integer("threshold_percent", 50, 1, 100, " %"),
            f.duration(
                "window", Duration.ofMinutes(5), Duration.ofSeconds(10), Duration.ofDays(1)));
    return new RulesConfig(defaults, devices, stale, failure);
  }

  private static DeviceRules device(Section s, DeviceRules base) {
    return new DeviceRules(
        threshold(s.child("temperature"), base.temperature(), -40, 80, " °C"),
        threshold(s.child("humidity"), base.humidity(), 0, 100, " %RH"));
  }

  /** One metric's thresholds; keys not written keep {@code base}'s values, an empty one clears. */
  private static ThresholdRule threshold(
      Section s, ThresholdRule base, double lo, double hi, String unit) {
    Double min = limit(s, "min", base.min(), lo, hi, unit);
    Double max = limit(s, "max", base.max(), lo, hi, unit);
    double hysteresis = s.decimal("hysteresis", base.hysteresis(), 0, hi - lo, unit);
    // A section that sets none of these inherits limits already checked where they were written.
    boolean own = s.has("min") || s.has("max") || s.has("hysteresis") || s.isExplicitNull("min");
    if (own && min != null && max != null) {
      if (max <= min) {
        s.error("max", trim(max) + " must be above min (" + trim(min) + ")");
      } else if (hysteresis >= max - min) {
        s.error(
            "hysteresis",
            trim(hysteresis) + " must be less than max - min (" + trim(max - min) + ")");
      }
    }
    int count = s.integer("debounce_count", base.debounceCount(), 1, 1000, " readings");
    Duration time =
        s.duration("debounce_time", base.debounceTime(), Duration.ZERO, Duration.ofDays(1));
    return new ThresholdRule(min, max, hysteresis, count, time);
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
}
