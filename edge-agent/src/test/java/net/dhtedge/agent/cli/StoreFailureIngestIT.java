package net.dhtedge.agent.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import net.dhtedge.agent.config.AgentConfig;
import net.dhtedge.agent.config.ConfigLoader;
import net.dhtedge.agent.core.AgentClock;
import net.dhtedge.agent.core.Records;
import net.dhtedge.agent.testing.MosquittoBroker;
import net.dhtedge.agent.testing.TestClient;
import net.dhtedge.agent.testing.Tmpfs;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 15.3: the agent's store fails for a while (its data dir on a real tmpfs that another
 * process fills) while devices keep publishing QoS 1 readings to a real Mosquitto with its default
 * in-flight window of 20. The window fills with readings the agent could not store, so no new
 * message (and no new failure) arrives; on main ingest then stopped for good. Here every reading
 * published during the failure is stored once the space is back, new ones flow, and /healthz says
 * 503 with the reason while ingest is stalled.
 */
class StoreFailureIngestIT {

  @TempDir Path dir;
  Tmpfs disk;
  MosquittoBroker broker;
  final HttpClient http = HttpClient.newHttpClient();

  @BeforeEach
  void up() {
    String why = Tmpfs.whyNotMountable(dir.resolve("probe"));
    assumeTrue(why == null, "needs a tmpfs mount (root or CAP_SYS_ADMIN): " + why);
    disk = Tmpfs.mount(dir.resolve("disk"), 16L << 20);
    broker = MosquittoBroker.builder(dir.resolve("broker")).start(); // max_inflight 20
  }

  @AfterEach
  void down() {
    if (broker != null) {
      broker.close();
    }
    if (disk != null) {
      disk.release();
      disk.close();
    }
  }

  @Test
  void readingsPublishedWhileTheStoreFailsAreAllStoredOnceItRecoversAndNewOnesFlow()
      throws Exception {
    AgentConfig config =
        new ConfigLoader()
            .parse(
                """
                agent:
                  data_dir: %s
                  name: gw-stall
                mqtt:
                  servers: [%s]
                  client_id: stall-agent
                  reconnect_min: 200ms
                  reconnect_max: 1s
                http:
                  bind: 127.0.0.1
                """
                    .formatted(disk.dir().resolve("data"), broker.url()),
                "test.yml")
            .config();
    config =
        Records.with(
            config, "http", Records.with(config.http(), "port", MosquittoBroker.freePort()));
    Instant t0 = Instant.now().minus(Duration.ofHours(1)).truncatedTo(ChronoUnit.SECONDS);
    try (Agent agent = Agent.start(config, Agent.Mode.LISTEN, AgentClock.system());
        TestClient device = TestClient.connect(broker.url(), "esp32-stall")) {
      int port = agent.httpPort();
      assertThat(agent.connection().awaitConnected(Duration.ofSeconds(20))).isTrue();
      device.publishAll("dht11/sensor/data", readings(t0, 0, 10));
      await().atMost(Duration.ofSeconds(30)).until(() -> stored(agent) == 10);
      assertThat(get(port, "/healthz").statusCode()).isEqualTo(200);

      disk.fill(); // another process takes every free byte
      device.publishAll("dht11/sensor/data", readings(t0, 10, 110));
      await()
          .atMost(Duration.ofSeconds(30))
          .until(() -> agent.pipeline().counters().storeFailures() >= 20);
      HttpResponse<String> health = get(port, "/healthz");
      assertThat(health.statusCode()).isEqualTo(503);
      JsonNode body = new ObjectMapper().readTree(health.body());
      assertThat(body.get("reasons").toString())
          .contains("ingest stalled")
          .contains("could not be stored");
      Thread.sleep(3_000); // the failure lasts; redeliveries fail too

      disk.release(); // the space is back: nothing new is published meanwhile
      await()
          .atMost(Duration.ofSeconds(90))
          .untilAsserted(
              () ->
                  assertThat(stored(agent))
                      .as("stored of 110; healthz %s", get(port, "/healthz").body())
                      .isEqualTo(110));
      await().atMost(Duration.ofSeconds(30)).until(() -> get(port, "/healthz").statusCode() == 200);

      device.publishAll("dht11/sensor/data", readings(t0, 110, 160));
      await().atMost(Duration.ofSeconds(30)).until(() -> stored(agent) == 160);
      assertThat(json(get(port, "/api/status")).get("readings").get("ingest_stalled").isNull())
          .isTrue();
    }
  }

  private static long stored(Agent agent) {
    return agent.pipeline().counters().stored();
  }

  private static List<byte[]> readings(Instant t0, int from, int to) {
    List<byte[]> out = new ArrayList<>();
    for (int i = from; i < to; i++) {
      out.add(
          ("{\"device_id\":\"esp32-stall\",\"ts\":\"%s\",\"seq\":%d,\"temperature\":21.5,"
                  + "\"humidity\":40}")
              .formatted(t0.plusSeconds(i), i)
              .getBytes(StandardCharsets.UTF_8));
    }
    return out;
  }

  private HttpResponse<String> get(int port, String path) throws Exception {
    return http.send(
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private static JsonNode json(HttpResponse<String> r) throws Exception {
    return new ObjectMapper().readTree(r.body());
  }
}
