package net.dhtedge.agent.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import net.dhtedge.agent.config.AgentConfig;
import net.dhtedge.agent.config.ConfigLoader;
import net.dhtedge.agent.contract.Payloads;
import net.dhtedge.agent.core.AgentClock;
import net.dhtedge.agent.core.Records;
import net.dhtedge.agent.http.HttpOptions;
import net.dhtedge.agent.rules.Incident;
import net.dhtedge.agent.store.HistoryPoint;
import net.dhtedge.agent.store.Step;
import net.dhtedge.agent.testing.MosquittoBroker;
import net.dhtedge.agent.testing.TestClient;
import net.dhtedge.gpio.testing.MutableClock;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The wall clock set back an hour while the whole agent runs (real store, real Paho, a private
 * Mosquitto, the HTTP API), with time under the test's control (issue 15, item 6): durations keep
 * running on the monotonic clock, readings are stamped with the new wall time, and the step is
 * counted and shown.
 */
class ClockStepIT {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String HOT = "{\"temperature\":31,\"humidity\":50}";
  private static MosquittoBroker broker;
  @TempDir static Path brokerDir;

  private final Instant t0 = Instant.now().truncatedTo(ChronoUnit.SECONDS);
  private final MutableClock time = new MutableClock(t0);
  private final AgentClock clock = AgentClock.over(time);
  private Agent agent;
  private TestClient esp;

  @BeforeAll
  static void startBroker() {
    broker = MosquittoBroker.builder(brokerDir).start();
  }

  @AfterAll
  static void stopBroker() {
    broker.close();
  }

  @AfterEach
  void stop() throws Exception {
    if (esp != null) {
      esp.close();
    }
    if (agent != null) {
      agent.close();
    }
  }

  private void start(Path data) throws Exception {
    String yaml =
        """
        agent:
          data_dir: %s
          name: gw-clock
        mqtt:
          servers: [%s]
          client_id: %s
          default_device: esp-bare
          reconnect_min: 200ms
          reconnect_max: 1s
        http:
          bind: 127.0.0.1
        rules:
          defaults:
            temperature: {max: 30, hysteresis: 0.5, debounce_count: 1, debounce_time: 10s}
        """
            .formatted(data, broker.url(), "agent-" + data.getFileName());
    AgentConfig config = new ConfigLoader().parse(yaml, "test.yml").config();
    config =
        Records.with(config, "http", Records.with(config.http(), "port", HttpOptions.EPHEMERAL));
    agent = Agent.start(config, Agent.Mode.LISTEN, clock);
    assertThat(agent.connection().awaitConnected(Duration.ofSeconds(10))).isTrue();
    esp = TestClient.connect(broker.url(), "esp-" + data.getFileName());
  }

  /** Publishes a reading without ts and seq and waits until the agent stored it. */
  private void publish(String payload) throws Exception {
    long before = agent.pipeline().counters().stored();
    esp.publish("dht11/sensor/data", payload, 1, false);
    await()
        .atMost(Duration.ofSeconds(15))
        .until(() -> agent.pipeline().counters().stored() > before);
  }

  private List<Incident> open() {
    return agent.pipeline().store().notResolvedIncidents();
  }

  private List<Instant> storedTimes() {
    return agent
        .pipeline()
        .store()
        .readings(
            "esp-bare", t0.minus(Duration.ofHours(2)), t0.plus(Duration.ofHours(2)), Step.RAW, 100)
        .stream()
        .map(HistoryPoint::ts)
        .toList();
  }

  private JsonNode getJson(String path) throws Exception {
    return JSON.readTree(get(path));
  }

  private String get(String path) throws Exception {
    HttpResponse<String> r =
        HttpClient.newHttpClient()
            .send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + agent.httpPort() + path))
                    .build(),
                HttpResponse.BodyHandlers.ofString());
    assertThat(r.statusCode()).as(path).isEqualTo(200);
    return r.body();
  }

  @Test
  void aTenSecondDebounceBreachThatBeganFiveSecondsBeforeAOneHourStepBackOpensAfterTenSeconds(
      @TempDir Path data) throws Exception {
    start(data);
    publish(HOT); // the breach begins
    time.advance(Duration.ofSeconds(5));
    publish(HOT);
    time.step(Duration.ofHours(-1));
    time.advance(Duration.ofSeconds(4));
    publish(HOT);
    assertThat(open()).as("9 s of monotonic time into the breach").isEmpty();

    time.advance(Duration.ofSeconds(1));
    publish(HOT);

    assertThat(open())
        .as("open after 10 s of monotonic time, stamped with the new wall time")
        .singleElement()
        .satisfies(
            i -> {
              assertThat(i.rule().id()).isEqualTo("temperature_max");
              assertThat(i.openedAt()).isEqualTo(t0.plusSeconds(10).minus(Duration.ofHours(1)));
            });
  }

  @Test
  void readingsWithoutTsAfterTheStepAreStampedWithTheNewWallTimeAndTheirAgeIsNotNegative(
      @TempDir Path data) throws Exception {
    start(data);
    publish(HOT.replace("31", "20"));
    time.advance(Duration.ofSeconds(1));
    time.step(Duration.ofHours(-1));
    Instant back = t0.plusSeconds(1).minus(Duration.ofHours(1));
    for (int i = 0; i < 3; i++) {
      publish(HOT.replace("31", "2" + (i + 1)));
      time.advance(Duration.ofSeconds(1));
    }

    assertThat(storedTimes()).containsExactly(back, back.plusSeconds(1), back.plusSeconds(2), t0);
    JsonNode device = getJson("/api/devices").get("devices").get(0);
    assertThat(device.get("device_id").asText()).isEqualTo("esp-bare");
    assertThat(device.get("last_reading").get("ts").asText())
        .as("the newest arrival is the last reading, though an earlier one has a later ts")
        .isEqualTo(Payloads.ts(back.plusSeconds(2)));
    assertThat(device.get("last_reading").get("temperature").asDouble()).isEqualTo(23.0);
    assertThat(device.get("age_s").asDouble()).as("1 s since it arrived").isEqualTo(1.0);
  }

  @Test
  void aReadingStampedIntoAMillisecondAlreadyTakenMovesToTheNextOneInsteadOfBeingDropped(
      @TempDir Path data) throws Exception {
    start(data);
    publish(HOT.replace("31", "20"));
    time.advance(Duration.ofSeconds(10));
    time.step(Duration.ofSeconds(-10)); // the wall clock shows t0 again

    publish(HOT.replace("31", "21"));

    assertThat(agent.pipeline().counters().duplicates()).isZero();
    assertThat(storedTimes()).containsExactly(t0, t0.plusMillis(1));
  }

  @Test
  void theStepIsCountedInTheStatusAndTheMetricsAndShownOnTheStatusPage(@TempDir Path data)
      throws Exception {
    start(data);
    publish(HOT.replace("31", "20"));
    assertThat(getJson("/api/status").get("clock").get("steps").asLong()).isZero();

    time.step(Duration.ofHours(-1));

    JsonNode status = getJson("/api/status");
    JsonNode c = status.get("clock");
    assertThat(c.get("steps").asLong()).isEqualTo(1);
    assertThat(c.get("last_step").get("by_s").asDouble()).isEqualTo(-3600.0);
    assertThat(c.get("now").asText()).isEqualTo(t0.minus(Duration.ofHours(1)).toString());
    assertThat(status.get("uptime_s").asLong()).as("monotonic: no time passed").isZero();
    assertThat(status.get("devices").get(0).get("age_s").asDouble()).isEqualTo(0.0);
    assertThat(get("/metrics"))
        .contains("edge_agent_clock_steps_total 1")
        .contains("edge_agent_clock_last_step_seconds -3600");
    assertThat(get("/"))
        .contains("id=\"clock-step\"")
        .contains("The wall clock stepped back 3600.0 s");
    assertThat(getJson("/api/status").get("clock").get("steps").asLong())
        .as("counted once per step, not once per read")
        .isEqualTo(1);
  }
}
