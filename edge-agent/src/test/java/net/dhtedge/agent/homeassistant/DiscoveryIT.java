package net.dhtedge.agent.homeassistant;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import net.dhtedge.agent.contract.Topics;
import net.dhtedge.agent.core.Reading;
import net.dhtedge.agent.mqtt.MqttConnection;
import net.dhtedge.agent.mqtt.MqttOptions;
import net.dhtedge.agent.mqtt.PahoClientPort;
import net.dhtedge.agent.mqtt.Publisher;
import net.dhtedge.agent.pipeline.ReadingIntake;
import net.dhtedge.agent.testing.InMemoryOutbox;
import net.dhtedge.agent.testing.MosquittoBroker;
import net.dhtedge.agent.testing.TestClient;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Discovery against a private Mosquitto, and its payloads against Home Assistant's schema. */
class DiscoveryIT {

  /**
   * The options of Home Assistant's MQTT sensor (home-assistant.io/integrations/sensor.mqtt, the
   * "Configuration Variables" list, and the discovery page's {@code origin}); anything else is
   * silently dropped by Home Assistant and would be a bug here.
   */
  static final Set<String> SENSOR_KEYS =
      Set.of(
          "availability",
          "availability_mode",
          "availability_template",
          "availability_topic",
          "default_entity_id",
          "device",
          "device_class",
          "enabled_by_default",
          "encoding",
          "entity_category",
          "entity_picture",
          "expire_after",
          "force_update",
          "icon",
          "json_attributes_template",
          "json_attributes_topic",
          "last_reset_value_template",
          "name",
          "object_id",
          "options",
          "origin",
          "payload_available",
          "payload_not_available",
          "platform",
          "qos",
          "state_class",
          "state_topic",
          "suggested_display_precision",
          "unique_id",
          "unit_of_measurement",
          "value_template");

  /** Required by the schema (state_topic) and by discovery for an editable entity (unique_id). */
  static final Set<String> REQUIRED = Set.of("state_topic", "unique_id");

  static final Set<String> DEVICE_KEYS =
      Set.of(
          "configuration_url",
          "connections",
          "hw_version",
          "identifiers",
          "manufacturer",
          "model",
          "model_id",
          "name",
          "serial_number",
          "suggested_area",
          "sw_version",
          "via_device");

  static final Set<String> AVAILABILITY_KEYS =
      Set.of("topic", "payload_available", "payload_not_available", "value_template");

  static final Set<String> ORIGIN_KEYS = Set.of("name", "sw_version", "support_url");

  static final ObjectMapper JSON = new ObjectMapper();
  static final AtomicInteger N = new AtomicInteger();
  static MosquittoBroker broker;

  @TempDir Path dir;
  private final List<AutoCloseable> closeables = new ArrayList<>();

  @BeforeAll
  static void up(@TempDir Path brokerDir) {
    broker = MosquittoBroker.builder(brokerDir).start();
  }

  @AfterAll
  static void down() {
    broker.close();
  }

  @AfterEach
  void closeAll() throws Exception {
    for (AutoCloseable c : closeables.reversed()) {
      c.close();
    }
  }

  private static DiscoveryOptions options(
      String prefix, String haPrefix, Map<String, String> local) {
    return new DiscoveryOptions(
        true,
        haPrefix,
        new Topics(prefix),
        "1.2.3",
        local,
        Map.of(),
        Duration.ofMinutes(5),
        Duration.ofDays(7),
        Duration.ofSeconds(1));
  }

  private static Set<String> keys(JsonNode n) {
    Set<String> out = new HashSet<>();
    n.fieldNames().forEachRemaining(out::add);
    return out;
  }

  @Test
  void everyConfigUsesOnlyDocumentedSensorOptionsWithTheRightClassesAndUnits() throws Exception {
    DiscoveryOptions o =
        new DiscoveryOptions(
            true,
            "homeassistant",
            new Topics("dht11"),
            "1.2.3",
            Map.of("pi.kitchen", "DHT22"),
            Map.of("pi.kitchen", Duration.ofSeconds(90)),
            Duration.ofMinutes(5),
            Duration.ofDays(7),
            Duration.ofSeconds(1));
    for (String device : List.of("pi.kitchen", "esp32-greenhouse")) {
      for (DiscoveryPayloads.Metric m : DiscoveryPayloads.Metric.values()) {
        JsonNode n =
            JSON.readTree(DiscoveryPayloads.config(o, device, m, o.localDevices().get(device)));
        assertThat(SENSOR_KEYS).containsAll(keys(n));
        assertThat(keys(n)).containsAll(REQUIRED);
        assertThat(DEVICE_KEYS).containsAll(keys(n.get("device")));
        assertThat(ORIGIN_KEYS).containsAll(keys(n.get("origin")));
        n.get("availability").forEach(a -> assertThat(AVAILABILITY_KEYS).containsAll(keys(a)));
        assertThat(n.get("availability_mode").asText()).isIn("all", "any", "latest");
        assertThat(n.get("state_class").asText()).isEqualTo("measurement");
        assertThat(n.get("state_topic").asText()).isEqualTo("dht11/sensor/" + device + "/state");
        assertThat(n.get("expire_after").isIntegralNumber()).isTrue();
        assertThat(n.get("device").get("identifiers").isArray()).isTrue();
        assertThat(DiscoveryPayloads.configTopic(o, device, m))
            .matches("homeassistant/sensor/[a-zA-Z0-9_-]+/config");
        assertThat(n.get("object_id").asText()).matches("[a-z0-9_]+");
        if (m == DiscoveryPayloads.Metric.TEMPERATURE) {
          assertThat(n.get("device_class").asText()).isEqualTo("temperature");
          assertThat(n.get("unit_of_measurement").asText()).isEqualTo("°C");
          assertThat(n.get("value_template").asText()).isEqualTo("{{ value_json.temperature }}");
        } else {
          assertThat(n.get("device_class").asText()).isEqualTo("humidity");
          assertThat(n.get("unit_of_measurement").asText()).isEqualTo("%");
          assertThat(n.get("value_template").asText()).isEqualTo("{{ value_json.humidity }}");
        }
      }
    }
    JsonNode local =
        JSON.readTree(
            DiscoveryPayloads.config(
                o, "pi.kitchen", DiscoveryPayloads.Metric.TEMPERATURE, "DHT22"));
    assertThat(local.get("unique_id").asText()).isEqualTo("dhtedge_pi_kitchen_temperature");
    assertThat(local.get("expire_after").asLong()).isEqualTo(90);
    assertThat(local.get("device").get("model").asText()).isEqualTo("DHT22");
    assertThat(local.get("availability"))
        .extracting(a -> a.get("topic").asText())
        .containsExactly("dht11/status", "dht11/status/pi.kitchen");
  }

  @Test
  void aStoredReadingIsMirroredOnItsDevicesOwnStateTopicAndADuplicateIsNot() throws Exception {
    Running r = run("dht11", "homeassistant", Map.of(), Map.of());
    TestClient ha = TestClient.connect(broker.url(), "ha-state-" + N.incrementAndGet());
    closeables.add(ha);
    ha.subscribe("dht11/sensor/+/state", 0);
    assertThat(r.connection().awaitConnected(Duration.ofSeconds(10))).isTrue();

    r.discovery()
        .onReading(
            new Reading("esp32-1", Instant.parse("2026-11-27T22:00:00Z"), 5L, 21.5, 40.0, "esp32"),
            ReadingIntake.Outcome.STORED);
    r.discovery()
        .onReading(
            new Reading("esp32-2", Instant.parse("2026-11-27T22:00:00Z"), 5L, 22.5, 40.0, "esp32"),
            ReadingIntake.Outcome.DUPLICATE);

    await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> !ha.payloads("dht11/sensor/esp32-1/state").isEmpty());
    assertThat(ha.payloads("dht11/sensor/esp32-1/state"))
        .containsExactly(
            "{\"temperature\":21.5,\"humidity\":40.0,\"ts\":\"2026-11-27T22:00:00.000Z\"}");
    assertThat(ha.payloads("dht11/sensor/esp32-2/state")).isEmpty();
    assertThat(r.discovery().stateStats().published()).isEqualTo(1);
  }

  private MqttConnection connection(String prefix) {
    MqttOptions mo =
        MqttOptions.builder()
            .serverUri(broker.url())
            .clientId("ha-" + prefix)
            .topicPrefix(prefix)
            .subscribe(false)
            .reconnect(Duration.ofMillis(100), Duration.ofMillis(400))
            .build();
    MqttConnection c =
        new MqttConnection(mo, new PahoClientPort(mo), Clock.systemUTC(), "1.2.3", new Random());
    closeables.add(c);
    return c;
  }

  private record Running(Discovery discovery, MqttConnection connection, InMemoryOutbox outbox) {}

  private Running run(
      String prefix, String haPrefix, Map<String, String> local, Map<String, Instant> seen) {
    MqttConnection c = connection(prefix);
    InMemoryOutbox outbox = new InMemoryOutbox();
    Publisher p = new Publisher(c, outbox, Duration.ofMillis(50), Duration.ofSeconds(5));
    closeables.add(p);
    Discovery d =
        new Discovery(
            options(prefix, haPrefix, local),
            outbox,
            c,
            dir.resolve("announced.txt"),
            Clock.systemUTC());
    closeables.add(d);
    d.start(seen);
    p.start();
    c.start();
    return new Running(d, c, outbox);
  }

  @Test
  void startUpAnnouncesLocalAndRecentRemoteDevicesRetainedAndHomeAssistantsBirthRepeatsIt()
      throws Exception {
    String prefix = "ha" + N.incrementAndGet();
    String ha = "hass" + N.get();
    Running r =
        run(
            prefix,
            ha,
            Map.of("pi-kitchen", "DHT22"),
            Map.of(
                "esp32-a", Instant.now(), "esp32-old", Instant.now().minus(Duration.ofDays(30))));
    assertThat(r.discovery().devices()).containsExactlyInAnyOrder("pi-kitchen", "esp32-a");
    assertThat(r.connection().awaitConnected(Duration.ofSeconds(20))).isTrue();
    await().atMost(Duration.ofSeconds(20)).until(() -> r.outbox().depth() == 0);

    try (TestClient homeAssistant = TestClient.connect(broker.url(), "hass-" + prefix)) {
      homeAssistant.subscribe(ha + "/sensor/+/config", 1);
      homeAssistant.subscribe(prefix + "/status/+", 1);
      await()
          .atMost(Duration.ofSeconds(10))
          .untilAsserted(
              () ->
                  assertThat(homeAssistant.received())
                      .filteredOn(TestClient.Received::retained)
                      .extracting(TestClient.Received::topic)
                      .contains(
                          ha + "/sensor/dhtedge_pi-kitchen_temperature/config",
                          ha + "/sensor/dhtedge_pi-kitchen_humidity/config",
                          ha + "/sensor/dhtedge_esp32-a_temperature/config",
                          ha + "/sensor/dhtedge_esp32-a_humidity/config",
                          prefix + "/status/pi-kitchen")
                      .doesNotContain(ha + "/sensor/dhtedge_esp32-old_temperature/config"));
      assertThat(homeAssistant.payloads(prefix + "/status/pi-kitchen"))
          .last()
          .asString()
          .contains("\"status\":\"online\"");

      long before = r.discovery().announcements();
      int seen = homeAssistant.payloads(ha + "/sensor/dhtedge_esp32-a_temperature/config").size();
      homeAssistant.publish(ha + "/status", "online", 1, false);
      await()
          .atMost(Duration.ofSeconds(20))
          .until(() -> r.discovery().announcements() >= before + 2);
      await()
          .atMost(Duration.ofSeconds(20))
          .until(
              () ->
                  homeAssistant.payloads(ha + "/sensor/dhtedge_esp32-a_temperature/config").size()
                      > seen);

      // A new device heard via ingest is announced too.
      r.discovery()
          .onReading(
              new Reading("esp32-new", Instant.now(), 1L, 20.0, 50.0, "esp32"),
              ReadingIntake.Outcome.STORED);
      await()
          .atMost(Duration.ofSeconds(20))
          .until(
              () ->
                  !homeAssistant
                      .payloads(ha + "/sensor/dhtedge_esp32-new_humidity/config")
                      .isEmpty());

      // A clean shutdown says the local sensor is offline.
      r.discovery().close();
      await()
          .atMost(Duration.ofSeconds(10))
          .until(
              () ->
                  homeAssistant
                      .payloads(prefix + "/status/pi-kitchen")
                      .getLast()
                      .contains("offline"));
    }
  }

  @Test
  void aDeviceDeletedFromTheConfigIsRemovedWithAnEmptyRetainedConfigAtTheNextStart()
      throws Exception {
    String prefix = "ha" + N.incrementAndGet();
    String ha = "hass" + N.get();
    Running first = run(prefix, ha, Map.of("pi-kitchen", "DHT22", "pi-cellar", "DHT11"), Map.of());
    assertThat(first.connection().awaitConnected(Duration.ofSeconds(20))).isTrue();
    await().atMost(Duration.ofSeconds(20)).until(() -> first.outbox().depth() == 0);
    first.discovery().close();
    first.connection().close();

    // The same data dir, pi-cellar deleted from the config; it still has readings in the store.
    Running second =
        run(prefix, ha, Map.of("pi-kitchen", "DHT22"), Map.of("pi-cellar", Instant.now()));
    assertThat(second.discovery().devices()).containsExactly("pi-kitchen");
    assertThat(second.connection().awaitConnected(Duration.ofSeconds(20))).isTrue();
    await().atMost(Duration.ofSeconds(20)).until(() -> second.outbox().depth() == 0);

    try (TestClient homeAssistant = TestClient.connect(broker.url(), "hass2-" + prefix)) {
      homeAssistant.subscribe(ha + "/sensor/+/config", 1);
      await()
          .atMost(Duration.ofSeconds(10))
          .untilAsserted(
              () ->
                  assertThat(homeAssistant.received())
                      .extracting(TestClient.Received::topic)
                      .contains(ha + "/sensor/dhtedge_pi-kitchen_temperature/config"));
      // Retained messages arrive together on subscribe; nothing is retained for pi-cellar.
      assertThat(homeAssistant.received())
          .extracting(TestClient.Received::topic)
          .noneMatch(t -> t.contains("pi-cellar"));
    }
  }
}
