package net.dhtedge.agent.rules;

/** The rules an incident can come from, with the contract's names. */
public enum Rule {
  TEMPERATURE_MAX("temperature_max", "temperature", "warning"),
  TEMPERATURE_MIN("temperature_min", "temperature", "warning"),
  HUMIDITY_MAX("humidity_max", "humidity", "warning"),
  HUMIDITY_MIN("humidity_min", "humidity", "warning"),
  STALE("stale", "readings", "warning"),
  SENSOR_FAILURE("sensor_failure", "reads", "critical"),
  /** The agent could not write to its own store (disk full, I/O error). */
  STORE_FAILURE("store_failure", "writes", "critical");

  private final String id;
  private final String metric;
  private final String severity;

  Rule(String id, String metric, String severity) {
    this.id = id;
    this.metric = metric;
    this.severity = severity;
  }

  /** The contract name, e.g. {@code temperature_max}. */
  public String id() {
    return id;
  }

  /** The contract metric: temperature, humidity, readings, reads or writes. */
  public String metric() {
    return metric;
  }

  public String severity() {
    return severity;
  }

  public static Rule fromId(String id) {
    for (Rule r : values()) {
      if (r.id.equals(id)) {
        return r;
      }
    }
    throw new IllegalArgumentException("unknown rule: " + id);
  }
}
