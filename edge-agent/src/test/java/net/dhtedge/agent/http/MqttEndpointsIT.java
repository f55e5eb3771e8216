package net.dhtedge.agent.http;

import static net.dhtedge.agent.http.Http.json;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import net.dhtedge.agent.cli.Agent;
import net.dhtedge.agent.config.AgentConfig;
import net.dhtedge.agent.config.ConfigLoader;
import net.dhtedge.agent.core.AgentClock;
import net.dhtedge.agent.core.Records;
import net.dhtedge.agent.testing.MosquittoBroker;
import net.dhtedge.agent.testing.TestClient;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The reference system's /mqtt endpoints against two private Mosquitto brokers. */
class MqttEndpointsIT {
  @TempDir static Path dirA;
  @TempDir static Path dirB;
  static MosquittoBroker brokerA;
  static MosquittoBroker brokerB;

  @BeforeAll
  static void startBrokers() {
    brokerA = MosquittoBroker.builder(dirA).start();
    brokerB = MosquittoBroker.builder(dirB).start();
  }

  @AfterAll
  static void stopBrokers() {
    brokerA.close();
    brokerB.close();
  }

  private static Agent start(Path data) throws Exception {
    return start(data, "");
  }

  private static Agent start(Path data, String extraYaml) throws Exception {
    String yaml =
        """
        agent:
          data_dir: %s
          name: gw-mqtt
        mqtt:
          servers: [%s]
          client_id: http-test-agent
          reconnect_min: 200ms
          reconnect_max: 1s
        http:
          bind: 127.0.0.1
        rules:
          defaults:
            temperature: {min: -30, max: 30, debounce_count: 1}
        %s
        """
            .formatted(data, brokerA.url(), extraYaml);
    AgentConfig c = new ConfigLoader().parse(yaml, "test.yml").config();
    c = Records.with(c, "http", Records.with(c.http(), "port", HttpOptions.EPHEMERAL));
    return Agent.start(c, Agent.Mode.LISTEN, AgentClock.system());
  }

  @Test
  void theAgentCanBeMovedToAnotherBrokerDisconnectedAndPublishThroughIt(@TempDir Path data)
      throws Exception {
    try (Agent agent = start(data);
        TestClient onB = TestClient.connect(brokerB.url(), "watch-b")) {
      onB.subscribe("dht11/#", 1);
      Http http = new Http(agent.httpPort(), Http.tokenOf(data));
      await().atMost(Duration.ofSeconds(10)).until(() -> agent.connection().isConnected());

      JsonNode status = json(http.get("/mqtt/status"));
      assertThat(status.get("connected").asBoolean()).isTrue();
      assertThat(status.get("port").asInt()).isEqualTo(brokerA.port());

      HttpResponse<String> moved =
          http.post("/mqtt/connect", "{\"broker\":\"127.0.0.1\",\"port\":" + brokerB.port() + "}");
      assertThat(moved.statusCode()).isEqualTo(200);
      assertThat(json(moved).get("connected").asBoolean()).isTrue();
      assertThat(json(moved).get("port").asInt()).isEqualTo(brokerB.port());
      // The agent announces itself on the new broker.
      await()
          .atMost(Duration.ofSeconds(10))
          .until(() -> onB.payloads("dht11/status").stream().anyMatch(p -> p.contains("online")));

      HttpResponse<String> reading =
          http.post("/mqtt/publish/sensor", "{\"temperature\":25,\"humidity\":60}");
      assertThat(reading.statusCode()).isEqualTo(201);
      assertThat(json(reading).get("published").asBoolean()).isTrue();
      await()
          .atMost(Duration.ofSeconds(10))
          .until(
              () ->
                  onB.payloads("dht11/sensor/data").stream()
                      .anyMatch(p -> p.contains("\"device_id\":\"default\"")));

      // An incident, then re-published on demand.
      http.post(
          "/mqtt/publish/sensor", "{\"device_id\":\"hot\",\"temperature\":35,\"humidity\":50}");
      await()
          .atMost(Duration.ofSeconds(10))
          .until(() -> onB.payloads("dht11/incidents").size() >= 1);
      long id =
          Http.JSON.readTree(onB.payloads("dht11/incidents").get(0)).get("incident_id").asLong();
      HttpResponse<String> again = http.post("/mqtt/publish/incident/" + id, "");
      assertThat(again.statusCode()).isEqualTo(202);
      await()
          .atMost(Duration.ofSeconds(10))
          .until(() -> onB.payloads("dht11/incidents").size() >= 2);
      JsonNode republished = Http.JSON.readTree(onB.payloads("dht11/incidents").get(1));
      assertThat(republished.get("incident_id").asLong()).isEqualTo(id);
      assertThat(republished.get("status").asText()).isEqualTo("open");
      assertThat(http.post("/mqtt/publish/incident/424242", "").statusCode()).isEqualTo(404);

      HttpResponse<String> off = http.post("/mqtt/disconnect", "");
      assertThat(off.statusCode()).isEqualTo(200);
      assertThat(json(off).get("connected").asBoolean()).isFalse();
      assertThat(json(off).get("state").asText()).isEqualTo("disconnected");
      Thread.sleep(1500); // longer than reconnect_max: it must not come back by itself
      assertThat(agent.connection().isConnected()).isFalse();
      // Readings are still stored and wait in the outbox.
      http.post(
          "/mqtt/publish/sensor", "{\"device_id\":\"queued\",\"temperature\":20,\"humidity\":50}");
      assertThat(json(http.get("/mqtt/status")).get("outbox").asLong()).isGreaterThanOrEqualTo(1);

      HttpResponse<String> back =
          http.post("/mqtt/connect", "{\"broker\":\"127.0.0.1\",\"port\":" + brokerB.port() + "}");
      assertThat(json(back).get("connected").asBoolean()).isTrue();
      await()
          .atMost(Duration.ofSeconds(10))
          .until(
              () ->
                  onB.payloads("dht11/sensor/data").stream()
                      .anyMatch(p -> p.contains("\"device_id\":\"queued\"")));
    }
  }

  @Test
  void aReadingOfANewDeviceBeyondMaxDevicesIsRefusedWith507AndNothingIsStored(@TempDir Path data)
      throws Exception {
    try (Agent agent = start(data, "store:\n  max_devices: 2\n")) {
      Http http = new Http(agent.httpPort(), Http.tokenOf(data));
      String body = "{\"device_id\":\"%s\",\"temperature\":20,\"humidity\":50}";
      assertThat(http.post("/mqtt/publish/sensor", body.formatted("dev-a")).statusCode())
          .isEqualTo(201);
      assertThat(http.post("/mqtt/publish/sensor", body.formatted("dev-b")).statusCode())
          .isEqualTo(201);

      HttpResponse<String> refused = http.post("/mqtt/publish/sensor", body.formatted("dev-c"));
      assertThat(refused.statusCode()).isEqualTo(507);
      assertThat(json(refused).get("reason").asText()).isEqualTo("too-many-devices");
      assertThat(json(refused).get("detail").asText()).contains("dev-c", "store.max_devices");

      assertThat(
              http.post(
                      "/mqtt/publish/sensor",
                      "{\"device_id\":\"dev-a\",\"seq\":7,\"temperature\":21,\"humidity\":50}")
                  .statusCode())
          .isEqualTo(201);
      assertThat(agent.pipeline().store().devices())
          .extracting(d -> d.deviceId())
          .containsExactlyInAnyOrder("dev-a", "dev-b");
    }
  }

  @Test
  void connectValidatesBrokerAndPort(@TempDir Path data) throws Exception {
    try (Agent agent = start(data)) {
      Http http = new Http(agent.httpPort(), Http.tokenOf(data));
      HttpResponse<String> noBroker = http.post("/mqtt/connect", "{\"port\":1883}");
      assertThat(noBroker.statusCode()).isEqualTo(400);
      assertThat(json(noBroker).get("field").asText()).isEqualTo("broker");
      HttpResponse<String> badHost = http.post("/mqtt/connect", "{\"broker\":\"a b/c\"}");
      assertThat(json(badHost).get("field").asText()).isEqualTo("broker");
      HttpResponse<String> badPort =
          http.post("/mqtt/connect", "{\"broker\":\"localhost\",\"port\":70000}");
      assertThat(badPort.statusCode()).isEqualTo(400);
      assertThat(json(badPort).get("field").asText()).isEqualTo("port");
      HttpResponse<String> portAsText =
          http.post("/mqtt/connect", "{\"broker\":\"localhost\",\"port\":\"1883\"}");
      assertThat(json(portAsText).get("field").asText()).isEqualTo("port");
      assertThat(http.postWithoutToken("/mqtt/disconnect", "").statusCode()).isEqualTo(401);
      assertThat(agent.connection().serverUris()).containsExactly(brokerA.url());
    }
  }
}
