package net.dhtedge.agent.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
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
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import net.dhtedge.agent.config.ConfigLoader;
import net.dhtedge.agent.core.AgentClock;
import net.dhtedge.agent.core.Records;
import net.dhtedge.agent.store.DeviceSummary;
import net.dhtedge.agent.store.Store;
import net.dhtedge.agent.store.StoreOptions;
import net.dhtedge.agent.testing.MosquittoBroker;
import net.dhtedge.agent.testing.TestClient;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code store.local_sync_interval}: the agent (its own JVM) reads a local simulated sensor every
 * second while it ingests QoS 1 readings, and is SIGKILLed in the middle of the stream. A kill
 * loses what HSQLDB holds in its log buffer, as a power cut loses what the OS had not synced, so it
 * shows what the sync policy promises: every MQTT reading the agent had stored (and so
 * acknowledged) is in the files, and at most one interval's worth of local readings is missing.
 */
class LocalSyncKillIT {
  private static final int READINGS = 3000;
  private static final int SYNC_INTERVAL_S = 10;
  private static final int SENSOR_INTERVAL_S = 1;

  @Test
  void aKillLosesNoAcknowledgedMqttReadingAndAtMostOneSyncIntervalOfLocalReadings(
      @TempDir Path brokerDir, @TempDir Path data) throws Exception {
    Path agentData = data.resolve("agent-data");
    try (MosquittoBroker broker = MosquittoBroker.builder(brokerDir).persistence(true).start()) {
      int httpPort = MosquittoBroker.freePort();
      Path yaml = data.resolve("agent.yml");
      Files.writeString(
          yaml,
          """
          agent:
            data_dir: %s
            name: gw-sync
          sensors:
            - id: sync-local
              model: dht11
              backend: sim
              interval: %ds
          mqtt:
            servers: [%s]
            client_id: sync-agent
            reconnect_min: 200ms
            reconnect_max: 1s
          store:
            local_sync_interval: %ds
          http:
            bind: 127.0.0.1
            port: %d
          """
              .formatted(agentData, SENSOR_INTERVAL_S, broker.url(), SYNC_INTERVAL_S, httpPort));

      long localBefore;
      long mqttBefore;
      Process child = startChild(yaml);
      try {
        await()
            .atMost(Duration.ofSeconds(60))
            .ignoreExceptions()
            .until(() -> stored(httpPort, "sync-local") >= 5);
        List<byte[]> payloads = new ArrayList<>();
        for (int i = 0; i < READINGS; i++) {
          payloads.add(
              ("{\"device_id\":\"sync-mqtt\",\"seq\":"
                      + i
                      + ",\"temperature\":21.5,\"humidity\":40}")
                  .getBytes(StandardCharsets.UTF_8));
        }
        Thread sender =
            Thread.ofPlatform()
                .start(
                    () -> {
                      try (TestClient c = TestClient.connect(broker.url(), "sync-sender")) {
                        c.publishAll("dht11/sensor/data", payloads);
                      }
                    });
        await()
            .atMost(Duration.ofSeconds(60))
            .pollInterval(Duration.ofMillis(20))
            .until(() -> stored(httpPort, "sync-mqtt") >= 300);
        // what the agent reported as stored just before the kill: a lower bound of what it had
        // committed (and, for MQTT, acknowledged) when it died
        Map<String, Long> before = storedByDevice(httpPort);
        localBefore = before.getOrDefault("sync-local", 0L);
        mqttBefore = before.getOrDefault("sync-mqtt", 0L);
        child.destroyForcibly(); // SIGKILL: HSQLDB's log buffer dies with the process
        child.waitFor();
        sender.join(Duration.ofSeconds(60));
      } finally {
        child.destroyForcibly();
      }

      // The files as the kill left them, before any redelivery.
      Map<String, Long> onDisk = new HashMap<>();
      try (Store store = Store.open(StoreOptions.defaults(agentData))) {
        for (DeviceSummary d : store.devices()) {
          onDisk.put(d.deviceId(), d.readings());
        }
      }
      long mqttOnDisk = onDisk.getOrDefault("sync-mqtt", 0L);
      long localOnDisk = onDisk.getOrDefault("sync-local", 0L);
      assertThat(mqttOnDisk)
          .as(
              "MQTT readings in the files after the kill (%d) >= those stored and acknowledged"
                  + " before it (%d)",
              mqttOnDisk, mqttBefore)
          .isGreaterThanOrEqualTo(mqttBefore);
      long maxLost = SYNC_INTERVAL_S / SENSOR_INTERVAL_S + 1;
      assertThat(localBefore - localOnDisk)
          .as(
              "local readings stored before the kill (%d) minus those in the files (%d): at most"
                  + " one sync interval of readings (%d)",
              localBefore, localOnDisk, maxLost)
          .isLessThanOrEqualTo(maxLost);

      // Restarted: the broker redelivers what was not acknowledged, so every reading it accepted
      // is stored exactly once.
      var loaded = new ConfigLoader().load(yaml).config();
      var config = Records.with(loaded, "http", Records.with(loaded.http(), "port", 0));
      try (Agent agent = Agent.start(config, Agent.Mode.LISTEN, AgentClock.system())) {
        await()
            .atMost(Duration.ofSeconds(90))
            .until(() -> readingsOf(agent.pipeline().store(), "sync-mqtt") >= READINGS);
        assertThat(readingsOf(agent.pipeline().store(), "sync-mqtt"))
            .as("MQTT readings after the restart and redelivery")
            .isEqualTo(READINGS);
      }
    }
  }

  private static long readingsOf(Store store, String device) {
    return store.devices().stream()
        .filter(d -> d.deviceId().equals(device))
        .mapToLong(DeviceSummary::readings)
        .sum();
  }

  private static Process startChild(Path yaml) throws Exception {
    String java = ProcessHandle.current().info().command().orElse("java");
    return new ProcessBuilder(
            java,
            "-Xmx64m",
            "-cp",
            System.getProperty("java.class.path"),
            Main.class.getName(),
            "run",
            "--config",
            yaml.toString())
        .redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.DISCARD)
        .start();
  }

  private static long stored(int port, String device) throws Exception {
    return storedByDevice(port).getOrDefault(device, -1L);
  }

  private static Map<String, Long> storedByDevice(int port) throws Exception {
    HttpResponse<String> r =
        HttpClient.newHttpClient()
            .send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/api/devices"))
                    .build(),
                HttpResponse.BodyHandlers.ofString());
    Map<String, Long> out = new HashMap<>();
    collect(new ObjectMapper().readTree(r.body()), out);
    return out;
  }

  private static void collect(JsonNode n, Map<String, Long> out) {
    if (n.has("device_id") && n.has("readings")) {
      out.put(n.get("device_id").asText(), n.get("readings").asLong());
      return;
    }
    for (JsonNode child : n) {
      collect(child, out);
    }
  }
}
