package net.dhtedge.agent.homeassistant;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Locale;
import net.dhtedge.agent.contract.Payloads;
import net.dhtedge.agent.core.Reading;

/**
 * The retained discovery config of one sensor entity (temperature or humidity of one device) and
 * the per-device state message it reads. See docs/home-assistant.md.
 */
public final class DiscoveryPayloads {

  private static final ObjectMapper JSON = new ObjectMapper();

  /** The two entities of every device. */
  public enum Metric {
    TEMPERATURE("temperature", "Temperature", "°C"),
    HUMIDITY("humidity", "Humidity", "%");

    final String id;
    final String name;
    final String unit;

    Metric(String id, String name, String unit) {
      this.id = id;
      this.name = name;
      this.unit = unit;
    }
  }

  private DiscoveryPayloads() {}

  /** Device ids may contain dots; discovery topic ids and object ids may not. */
  static String slug(String deviceId) {
    return deviceId.replaceAll("[^A-Za-z0-9_-]", "_");
  }

  /** {@code dhtedge_<device>_<metric>}. */
  public static String uniqueId(String deviceId, Metric m) {
    return "dhtedge_" + slug(deviceId) + "_" + m.id;
  }

  /** {@code <discovery_prefix>/sensor/<unique_id>/config}. */
  public static String configTopic(DiscoveryOptions o, String deviceId, Metric m) {
    return o.discoveryPrefix() + "/sensor/" + uniqueId(deviceId, m) + "/config";
  }

  /**
   * The config payload.
   *
   * @param model {@code DHT11}/{@code DHT22} for local sensors, null for devices seen via ingest
   */
  public static byte[] config(DiscoveryOptions o, String deviceId, Metric m, String model) {
    boolean local = o.localDevices().containsKey(deviceId);
    ObjectNode n = JSON.createObjectNode();
    n.put("name", m.name);
    n.put("unique_id", uniqueId(deviceId, m));
    String object =
        (deviceId.replaceAll("[^A-Za-z0-9_]", "_") + "_" + m.id).toLowerCase(Locale.ROOT);
    n.put("object_id", object);
    n.put("default_entity_id", "sensor." + object);
    n.put("device_class", m.id);
    n.put("unit_of_measurement", m.unit);
    n.put("state_class", "measurement");
    n.put("suggested_display_precision", 1);
    n.put("state_topic", o.stateTopic(deviceId));
    n.put("value_template", "{{ value_json." + m.id + " }}");
    n.put("expire_after", Math.max(1, o.expireAfter(deviceId).toSeconds()));
    ArrayNode availability = n.putArray("availability");
    availability
        .addObject()
        .put("topic", o.topics().status())
        .put("value_template", "{{ value_json.status }}");
    if (local) {
      availability
          .addObject()
          .put("topic", o.topics().deviceStatus(deviceId))
          .put("value_template", "{{ value_json.status }}");
    }
    n.put("availability_mode", "all");
    n.put("payload_available", "online");
    n.put("payload_not_available", "offline");
    ObjectNode device = n.putObject("device");
    device.putArray("identifiers").add("dhtedge_" + slug(deviceId));
    device.put("name", deviceId);
    device.put("model", model != null ? model : "DHT sensor via MQTT");
    device.put("manufacturer", "dht-edge");
    device.put("sw_version", o.version());
    ObjectNode origin = n.putObject("origin");
    origin.put("name", "edge-agent");
    origin.put("sw_version", o.version());
    try {
      return JSON.writeValueAsBytes(n);
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new IllegalStateException("cannot encode discovery config", e);
    }
  }

  /** {@code {"temperature":21.3,"humidity":45.0,"ts":"..."}} for the device's state topic. */
  public static byte[] state(Reading r) {
    ObjectNode n = JSON.createObjectNode();
    n.put("temperature", r.temperature());
    n.put("humidity", r.humidity());
    n.put("ts", Payloads.ts(r.ts()));
    try {
      return JSON.writeValueAsBytes(n);
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new IllegalStateException("cannot encode state", e);
    }
  }
}
