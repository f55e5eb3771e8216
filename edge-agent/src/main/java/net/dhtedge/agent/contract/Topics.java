package net.dhtedge.agent.contract;

import java.util.Objects;
import java.util.Optional;
import net.dhtedge.agent.core.Reading;

/**
 * The contract's topics, all under one configurable prefix (default {@code dht11}). See
 * docs/mqtt.md.
 */
public final class Topics {

  /** The default topic prefix. */
  public static final String DEFAULT_PREFIX = "dht11";

  private final String prefix;

  /**
   * @param prefix one or more topic levels without wildcards, no leading or trailing slash
   */
  public Topics(String prefix) {
    Objects.requireNonNull(prefix, "prefix");
    if (prefix.isEmpty()
        || prefix.startsWith("/")
        || prefix.endsWith("/")
        || prefix.contains("//")
        || prefix.contains("+")
        || prefix.contains("#")
        || prefix.indexOf('\0') >= 0) {
      throw new IllegalArgumentException(
          "topic prefix must be non-empty, without wildcards (+ #), without leading, trailing or"
              + " double slashes: '"
              + prefix
              + "'");
    }
    this.prefix = prefix;
  }

  public String prefix() {
    return prefix;
  }

  /** Readings from every device: {@code <prefix>/sensor/data}. */
  public String sensorData() {
    return prefix + "/sensor/data";
  }

  /** Incident transitions: {@code <prefix>/incidents}. */
  public String incidents() {
    return prefix + "/incidents";
  }

  /** Alerts: {@code <prefix>/alerts}. */
  public String alerts() {
    return prefix + "/alerts";
  }

  /** The agent's own retained online/offline status: {@code <prefix>/status}. */
  public String status() {
    return prefix + "/status";
  }

  /** One device's retained status: {@code <prefix>/status/<deviceId>}. */
  public String deviceStatus(String deviceId) {
    if (deviceId == null || !Reading.DEVICE_ID.matcher(deviceId).matches()) {
      throw new IllegalArgumentException("bad device id: " + deviceId);
    }
    return prefix + "/status/" + deviceId;
  }

  /** The subscription filter for every device's status: {@code <prefix>/status/+}. */
  public String deviceStatusFilter() {
    return prefix + "/status/+";
  }

  /**
   * The device id of a {@code <prefix>/status/<id>} topic when the id is valid; empty for any other
   * topic or an invalid id.
   */
  public Optional<String> deviceIdOfStatusTopic(String topic) {
    String head = prefix + "/status/";
    if (topic == null || !topic.startsWith(head)) {
      return Optional.empty();
    }
    String id = topic.substring(head.length());
    return Reading.DEVICE_ID.matcher(id).matches() ? Optional.of(id) : Optional.empty();
  }

  /** Topics are equal when their prefixes are (they are a value: settings records hold them). */
  @Override
  public boolean equals(Object o) {
    return o instanceof Topics t && t.prefix.equals(prefix);
  }

  @Override
  public int hashCode() {
    return prefix.hashCode();
  }

  @Override
  public String toString() {
    return "Topics[" + prefix + "]";
  }
}
