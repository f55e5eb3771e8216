package net.dhtedge.agent.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import net.dhtedge.agent.config.ConfigLoader;
import net.dhtedge.agent.core.AgentClock;
import net.dhtedge.agent.core.Records;
import net.dhtedge.agent.testing.MosquittoBroker;
import net.dhtedge.agent.testing.TestClient;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The agent process is SIGKILLed while it ingests QoS 1 readings and started again: every reading
 * the broker accepted ends up in the store exactly once, because the agent acknowledges a message
 * only after its reading is committed and the broker redelivers what was not acknowledged.
 */
class AgentKillIT {
  private static final int READINGS = 3000;

  @Test
  void killingTheAgentMidIngestLosesNothingTheBrokerAccepted(
      @TempDir Path brokerDir, @TempDir Path data) throws Exception {
    try (MosquittoBroker broker = MosquittoBroker.builder(brokerDir).persistence(true).start()) {
      int httpPort = MosquittoBroker.freePort();
      Path yaml = data.resolve("agent.yml");
      Files.writeString(
          yaml,
          """
          agent:
            data_dir: %s
            name: gw-kill
          mqtt:
            servers: [%s]
            client_id: kill-agent
            reconnect_min: 200ms
            reconnect_max: 1s
          http:
            bind: 127.0.0.1
            port: %d
          """
              .formatted(data.resolve("agent-data"), broker.url(), httpPort));

      Process child = startChild(yaml);
      try {
        awaitStatus(httpPort);
        List<byte[]> payloads = new ArrayList<>();
        for (int i = 0; i < READINGS; i++) {
          payloads.add(
              ("{\"device_id\":\"kill-dev\",\"seq\":"
                      + i
                      + ",\"temperature\":21.5,\"humidity\":40}")
                  .getBytes(StandardCharsets.UTF_8));
        }
        Thread sender =
            Thread.ofPlatform()
                .start(
                    () -> {
                      try (TestClient c = TestClient.connect(broker.url(), "kill-sender")) {
                        c.publishAll("dht11/sensor/data", payloads);
                      }
                    });
        await()
            .atMost(Duration.ofSeconds(60))
            .pollInterval(Duration.ofMillis(20))
            .until(() -> storedSoFar(httpPort) >= 300);
        child.destroyForcibly(); // SIGKILL: no shutdown hook, no clean close of the store
        child.waitFor();
        sender.join(Duration.ofSeconds(60));
      } finally {
        child.destroyForcibly();
      }

      var loaded = new ConfigLoader().load(yaml).config();
      var config = Records.with(loaded, "http", Records.with(loaded.http(), "port", 0));
      try (Agent agent = Agent.start(config, Agent.Mode.LISTEN, AgentClock.system())) {
        await()
            .atMost(Duration.ofSeconds(90))
            .until(() -> agent.pipeline().store().counts().readingsKept() >= READINGS);
        assertThat(agent.pipeline().store().counts().readingsKept()).isEqualTo(READINGS);
      }
    }
  }

  private static Process startChild(Path yaml) throws Exception {
    String java = ProcessHandle.current().info().command().orElse("java");
    return new ProcessBuilder(
            java,
            "-Xmx64m",
            "-cp",
            System.getProperty("java.class.path"),
            Main.class.getName(),
            "listen",
            "--config",
            yaml.toString())
        .redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.DISCARD)
        .start();
  }

  private static void awaitStatus(int port) {
    await().atMost(Duration.ofSeconds(30)).ignoreExceptions().until(() -> storedSoFar(port) >= 0);
  }

  private static long storedSoFar(int port) throws Exception {
    HttpResponse<String> r =
        HttpClient.newHttpClient()
            .send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/api/status"))
                    .build(),
                HttpResponse.BodyHandlers.ofString());
    return new ObjectMapper().readTree(r.body()).get("readings").get("stored").asLong();
  }
}
