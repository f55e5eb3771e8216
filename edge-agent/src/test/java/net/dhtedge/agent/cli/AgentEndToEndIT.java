package net.dhtedge.agent.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import net.dhtedge.agent.config.AgentConfig;
import net.dhtedge.agent.config.ConfigLoader;
import net.dhtedge.agent.core.AgentClock;
import net.dhtedge.agent.core.Reading;
import net.dhtedge.agent.http.StatusView;
import net.dhtedge.agent.testing.MosquittoBroker;
import net.dhtedge.agent.testing.TestClient;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The whole agent (real store on disk, real Paho) against a private Mosquitto. */
class AgentEndToEndIT {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static MosquittoBroker broker;
  @TempDir static Path brokerDir;

  @BeforeAll
  static void startBroker() {
    broker = MosquittoBroker.builder(brokerDir).persistence(true).start();
  }

  @AfterAll
  static void stopBroker() {
    broker.close();
  }

  static AgentConfig config(Path dataDir, String extraYaml) throws Exception {
    String yaml =
        """
        agent:
          data_dir: %s
          name: gw-test
        mqtt:
          servers: [%s]
          client_id: %s
          reconnect_min: 200ms
          reconnect_max: 1s
          drain_rate: 5000
        http:
          port: 0
        rules:
          defaults:
            temperature: {min: 10, max: 30, hysteresis: 0.5, debounce_count: 2}
        %s
        """
            .formatted(dataDir, broker.url(), "agent-" + dataDir.getFileName(), extraYaml);
    return new ConfigLoader().parse(yaml, "test.yml").config();
  }

  @Test
  void aReadingFromAnotherDeviceIsStoredAndCrossingAThresholdPublishesAnIncidentAndAnAlert(
      @TempDir Path data) throws Exception {
    try (TestClient watcher = TestClient.connect(broker.url(), "watch-1")) {
      watcher
          .subscribe("dht11/incidents", 1)
          .subscribe("dht11/alerts", 1)
          .subscribe("dht11/sensor/data", 1);
      try (Agent agent = Agent.start(config(data, ""), Agent.Mode.LISTEN, AgentClock.system())) {
        assertThat(agent.connection().awaitConnected(Duration.ofSeconds(10))).isTrue();
        try (TestClient esp = TestClient.connect(broker.url(), "esp-1")) {
          esp.publish(
              "dht11/sensor/data",
              "{\"device_id\":\"esp32-a\",\"seq\":1,\"temperature\":22.5,\"humidity\":40,\"source\":\"esp32\"}",
              1,
              false);
          esp.publish(
              "dht11/sensor/data",
              "{\"device_id\":\"esp32-a\",\"seq\":2,\"temperature\":31.5,\"humidity\":40,\"source\":\"esp32\"}",
              1,
              false);
          esp.publish(
              "dht11/sensor/data",
              "{\"device_id\":\"esp32-a\",\"seq\":3,\"temperature\":32.0,\"humidity\":40,\"source\":\"esp32\"}",
              1,
              false);
        }
        await()
            .atMost(Duration.ofSeconds(15))
            .until(() -> watcher.payloads("dht11/alerts").size() >= 1);
        JsonNode incident = JSON.readTree(watcher.payloads("dht11/incidents").get(0));
        assertThat(incident.get("status").asText()).isEqualTo("open");
        assertThat(incident.get("device_id").asText()).isEqualTo("esp32-a");
        assertThat(incident.get("rule").asText()).isEqualTo("temperature_max");
        JsonNode alert = JSON.readTree(watcher.payloads("dht11/alerts").get(0));
        assertThat(alert.get("alert_type").asText()).isEqualTo("created");
        assertThat(alert.get("incident_id").asLong())
            .isEqualTo(incident.get("incident_id").asLong());
        assertThat(agent.pipeline().counters().stored()).isEqualTo(3);
        // An ESP32's reading is already on the broker: the agent must not publish it again.
        assertThat(watcher.payloads("dht11/sensor/data")).hasSize(3);
        assertThat(agent.status().incidents().open()).isEqualTo(1);
      }
    }
  }

  @Test
  void localReadingsQueuedWhileTheBrokerIsDownArriveAfterItReturnsAllOfThemInOrder(
      @TempDir Path data) throws Exception {
    String sensor =
        """
        sensors:
          - id: pi-local
            backend: sim
            interval: 1h
        """;
    try (TestClient watcher = TestClient.connect(broker.url(), "watch-outage", false)) {
      watcher.subscribe("dht11/sensor/data", 1);
      try (Agent agent = Agent.start(config(data, sensor), Agent.Mode.RUN, AgentClock.system())) {
        assertThat(agent.connection().awaitConnected(Duration.ofSeconds(10))).isTrue();
        broker.stop();
        await().atMost(Duration.ofSeconds(10)).until(() -> !agent.connection().isConnected());
        Instant t0 = Instant.parse("2026-01-01T00:00:00Z");
        List<Reading> sent = new ArrayList<>();
        List<java.util.concurrent.CompletableFuture<?>> stored = new ArrayList<>();
        for (int i = 0; i < 300; i++) {
          Reading r = new Reading("pi-local", t0.plusSeconds(i), null, 20 + i % 10, 50, "gpiod");
          sent.add(r);
          stored.add(agent.pipeline().submit(r));
        }
        java.util.concurrent.CompletableFuture.allOf(
                stored.toArray(java.util.concurrent.CompletableFuture[]::new))
            .join();
        assertThat(agent.pipeline().counters().outboxDepth()).isGreaterThanOrEqualTo(300);
        broker.start();
        await()
            .atMost(Duration.ofSeconds(60))
            .until(() -> tsOf(watcher, "pi-local", t0).size() >= 300);
        List<Instant> got = tsOf(watcher, "pi-local", t0);
        assertThat(got).hasSize(300);
        assertThat(got).isSorted();
        assertThat(got).containsExactlyElementsOf(sent.stream().map(Reading::ts).toList());
        await()
            .atMost(Duration.ofSeconds(10))
            .until(() -> agent.pipeline().counters().outboxDepth() == 0);
      }
    }
  }

  @Test
  void theAgentsOwnReadingsCarryASeqThatGrowsAcrossRestartsAndTheGatewayThatStoredThem(
      @TempDir Path data) throws Exception {
    String sensor =
        """
        sensors:
          - id: pi-seq
            backend: sim
            interval: 1s
        """;
    List<JsonNode> first;
    List<JsonNode> second;
    try (TestClient watcher = TestClient.connect(broker.url(), "watch-seq", false)) {
      watcher.subscribe("dht11/sensor/data", 1);
      try (Agent agent = Agent.start(config(data, sensor), Agent.Mode.RUN, AgentClock.system())) {
        await()
            .atMost(Duration.ofSeconds(30))
            .until(() -> payloadsOf(watcher, "pi-seq").size() >= 2);
      }
      first = payloadsOf(watcher, "pi-seq");
      try (Agent agent = Agent.start(config(data, sensor), Agent.Mode.RUN, AgentClock.system())) {
        await()
            .atMost(Duration.ofSeconds(30))
            .until(() -> payloadsOf(watcher, "pi-seq").size() >= first.size() + 2);
      }
      second =
          payloadsOf(watcher, "pi-seq").subList(first.size(), payloadsOf(watcher, "pi-seq").size());
    }
    List<Long> seqs = new ArrayList<>();
    for (JsonNode n : first) {
      seqs.add(n.get("seq").asLong());
      assertThat(n.get("seq").asLong() >>> 32).as("boot of %s", n).isEqualTo(1);
    }
    for (JsonNode n : second) {
      seqs.add(n.get("seq").asLong());
      assertThat(n.get("seq").asLong() >>> 32).as("boot of %s", n).isEqualTo(2);
    }
    assertThat(seqs).as("seqs of two runs").isSorted().doesNotHaveDuplicates();
    assertThat(first.get(0).get("seq").asLong()).isEqualTo(1L << 32);
    for (JsonNode n : first) {
      assertThat(n.get("gateway").asText()).as("gateway of %s", n).isEqualTo("gw-test");
    }
  }

  private static List<JsonNode> payloadsOf(TestClient client, String device) throws Exception {
    List<JsonNode> out = new ArrayList<>();
    for (String p : client.payloads("dht11/sensor/data")) {
      JsonNode n = JSON.readTree(p);
      if (device.equals(n.path("device_id").asText())) {
        out.add(n);
      }
    }
    return out;
  }

  private static List<Instant> tsOf(TestClient client, String device, Instant notBefore)
      throws Exception {
    List<Instant> out = new ArrayList<>();
    for (String p : client.payloads("dht11/sensor/data")) {
      JsonNode n = JSON.readTree(p);
      if (device.equals(n.path("device_id").asText())) {
        Instant ts = Instant.parse(n.get("ts").asText());
        if (!ts.isBefore(notBefore) && ts.isBefore(notBefore.plusSeconds(86_400))) {
          out.add(ts);
        }
      }
    }
    return out;
  }

  @Test
  void aStormOfMalformedPayloadsIsCountedByReasonAndGoodReadingsStillGetThrough(@TempDir Path data)
      throws Exception {
    try (Agent agent = Agent.start(config(data, ""), Agent.Mode.LISTEN, AgentClock.system())) {
      assertThat(agent.connection().awaitConnected(Duration.ofSeconds(10))).isTrue();
      List<byte[]> storm = new ArrayList<>();
      int good = 0;
      for (int i = 0; i < 6000; i++) {
        String p =
            switch (i % 6) {
              case 0 -> "not json at all " + i;
              case 1 -> "{\"temperature\":\"25\",\"humidity\":60}";
              case 2 -> "{\"device_id\":\"bad id!\",\"temperature\":25,\"humidity\":60}";
              case 3 -> "{\"temperature\":250,\"humidity\":60}";
              case 4 -> "[1,2,3]";
              default -> {
                good++;
                yield "{\"device_id\":\"storm\",\"seq\":"
                    + i
                    + ",\"temperature\":21,\"humidity\":50}";
              }
            };
        storm.add(p.getBytes(java.nio.charset.StandardCharsets.UTF_8));
      }
      storm.add(new byte[5000]);
      try (TestClient sender = TestClient.connect(broker.url(), "storm-sender")) {
        sender.publishAll("dht11/sensor/data", storm);
      }
      int expectedGood = good;
      await()
          .atMost(Duration.ofSeconds(60))
          .until(() -> agent.pipeline().counters().stored() == expectedGood);
      Map<String, Long> rejected = agent.status().readings().rejected();
      await()
          .atMost(Duration.ofSeconds(30))
          .untilAsserted(
              () -> {
                Map<String, Long> r = agent.status().readings().rejected();
                assertThat(r)
                    .containsEntry("not-json", 1000L)
                    .containsEntry("wrong-type", 1000L)
                    .containsEntry("bad-device-id", 1000L)
                    .containsEntry("out-of-range", 1000L)
                    .containsEntry("not-object", 1000L)
                    .containsEntry("too-large", 1L);
              });
      assertThat(rejected).isNotNull();
      assertThat(agent.connection().isConnected()).isTrue();
    }
  }

  @Test
  void readingsOfNewDevicesBeyondMaxDevicesAreRefusedCountedAndAckedWhileKnownOnesGetThrough(
      @TempDir Path data) throws Exception {
    try (Agent agent =
        Agent.start(
            config(data, "store:\n  max_devices: 50\n"), Agent.Mode.LISTEN, AgentClock.system())) {
      assertThat(agent.connection().awaitConnected(Duration.ofSeconds(10))).isTrue();
      List<byte[]> flood = new ArrayList<>();
      for (int i = 0; i < 500; i++) {
        flood.add(reading("flood-" + i, 1));
      }
      for (int i = 0; i < 10; i++) {
        flood.add(reading("flood-" + i, 2)); // devices the agent knows: still taken
      }
      try (TestClient sender = TestClient.connect(broker.url(), "flood-sender")) {
        sender.publishAll("dht11/sensor/data", flood);
      }
      await()
          .atMost(Duration.ofSeconds(60))
          .untilAsserted(
              () -> {
                StatusView.Readings readings = agent.status().readings();
                assertThat(readings.stored()).isEqualTo(60L);
                assertThat(readings.ingest().pendingAcks()).isEqualTo(0L);
                assertThat(readings.rejected()).containsEntry("too-many-devices", 450L);
              });
      assertThat(agent.pipeline().store().devices()).hasSize(50);
      assertThat(agent.connection().isConnected()).isTrue();
    }
  }

  private static byte[] reading(String device, long seq) {
    return ("{\"device_id\":\""
            + device
            + "\",\"seq\":"
            + seq
            + ",\"temperature\":21,\"humidity\":50}")
        .getBytes(java.nio.charset.StandardCharsets.UTF_8);
  }
}
