package net.dhtedge.agent.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Instant;
import java.util.concurrent.TimeUnit;
import net.dhtedge.agent.config.AgentConfig;
import net.dhtedge.agent.config.ConfigLoader;
import net.dhtedge.agent.core.AgentClock;
import net.dhtedge.agent.core.Reading;
import net.dhtedge.agent.core.Records;
import net.dhtedge.agent.testing.MosquittoBroker;
import net.dhtedge.agent.testing.Tmpfs;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The agent with its data directory on a real 8 MB tmpfs: it stores readings there, and when the
 * disk is full /healthz, /api/status and the status page say so, with the reason; all of it
 * recovers when space comes back.
 */
class FullDiskStatusIT {

  @TempDir Path dir;
  Tmpfs disk;
  final HttpClient http = HttpClient.newHttpClient();

  @BeforeEach
  void mount() {
    String why = Tmpfs.whyNotMountable(dir.resolve("probe"));
    assumeTrue(why == null, "needs a tmpfs mount (root or CAP_SYS_ADMIN): " + why);
    disk = Tmpfs.mount(dir.resolve("disk"), 8L << 20);
  }

  @AfterEach
  void unmount() {
    if (disk != null) {
      disk.release();
      disk.close();
    }
  }

  @Test
  void aFullSmallDiskIsUnhealthyWithItsReasonOnEveryPageAndRecovers() throws Exception {
    AgentConfig config =
        new ConfigLoader()
            .parse(
                """
                agent:
                  data_dir: %s
                  name: gw-small
                mqtt:
                  enabled: false
                http:
                  bind: 127.0.0.1
                """
                    .formatted(disk.dir().resolve("data")),
                "test.yml")
            .config();
    config =
        Records.with(
            config, "http", Records.with(config.http(), "port", MosquittoBroker.freePort()));
    try (Agent agent = Agent.start(config, Agent.Mode.LISTEN, AgentClock.system())) {
      int port = agent.httpPort();
      agent.pipeline().submit(reading(1)).get(10, TimeUnit.SECONDS);
      assertThat(get(port, "/healthz").statusCode()).isEqualTo(200);
      JsonNode store = json(get(port, "/api/status")).get("store");
      assertThat(store.get("healthy").asBoolean()).isTrue();
      assertThat(store.get("disk_reserve_bytes").asLong()).isEqualTo(1L << 20);

      disk.fill();
      assertThat(agent.pipeline().submit(reading(2))).failsWithin(10, TimeUnit.SECONDS);

      assertThat(get(port, "/healthz").statusCode()).isEqualTo(503);
      store = json(get(port, "/api/status")).get("store");
      assertThat(store.get("healthy").asBoolean()).isFalse();
      assertThat(store.get("reason").asText())
          .contains("disk full")
          .contains("below the reserve of 1.0 MiB")
          .contains("refused");
      assertThat(store.get("disk_free_bytes").asLong()).isLessThan(1L << 20);
      String page = get(port, "/").body();
      assertThat(page).contains("writes failing").contains("disk full");

      disk.release();
      agent.pipeline().submit(reading(3)).get(10, TimeUnit.SECONDS);
      assertThat(get(port, "/healthz").statusCode()).isEqualTo(200);
      assertThat(json(get(port, "/api/status")).get("store").get("healthy").asBoolean()).isTrue();
      assertThat(get(port, "/").body()).doesNotContain("writes failing");
    }
  }

  private static Reading reading(long seq) {
    return new Reading("small", Instant.now(), seq, 21, 50, "gpiod");
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
