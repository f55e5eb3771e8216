package net.dhtedge.agent.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CopyOnWriteArrayList;
import net.dhtedge.agent.core.AgentClock;
import net.dhtedge.agent.core.Reading;
import net.dhtedge.agent.core.Records;
import net.dhtedge.agent.outbox.OutboxMessage;
import net.dhtedge.agent.rules.Incident;
import net.dhtedge.agent.rules.IncidentStatus;
import net.dhtedge.agent.rules.RulesOptions;
import net.dhtedge.agent.rules.TestRules;
import net.dhtedge.agent.rules.Threshold;
import net.dhtedge.agent.rules.Transition;
import net.dhtedge.agent.store.IncidentEvent;
import net.dhtedge.agent.store.Store;
import net.dhtedge.agent.store.StoreOptions;
import net.dhtedge.gpio.testing.MutableClock;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PipelineRulesTest {

  static final Instant T0 = Instant.parse("2026-11-27T22:00:00.123Z");
  static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path dir;

  final MutableClock time = new MutableClock(T0);
  final AgentClock clock = AgentClock.over(time);
  final RulesOptions rules =
      Records.with(
          TestRules.classic(),
          "temperature",
          new Threshold(null, 30.0, 0.5),
          "humidity",
          Threshold.none(),
          "debounceCount",
          2,
          "debounceDuration",
          Duration.ZERO);

  /** The store under test: HSQLDB here, PostgreSQL in {@link PostgresPipelineRulesIT}. */
  Store openStore(StoreOptions so) {
    return Store.open(so, clock);
  }

  Pipeline open() {
    return Pipeline.open(
        openStore(StoreOptions.defaults(dir)),
        rules,
        Records.with(PipelineOptions.defaults(), "models", Map.of("pi-kitchen", "dht22")),
        clock);
  }

  static JsonNode json(OutboxMessage m) {
    try {
      return JSON.readTree(m.payload());
    } catch (java.io.IOException e) {
      throw new AssertionError(e);
    }
  }

  static List<OutboxMessage> on(Pipeline p, String topic) {
    List<OutboxMessage> all = p.outbox().next(1000);
    all.forEach(m -> p.outbox().release(m.id()));
    return all.stream().filter(m -> m.topic().equals(topic)).toList();
  }

  @Test
  void aLocalReadingIsQueuedForPublishingAndABrokerReadingIsNot() throws Exception {
    try (Pipeline p = open()) {
      p.submit(new Reading("pi-kitchen", T0, 42L, 21.5, 48.0, "gpiod")).join();
      p.submit(new Reading("esp-1", T0, 1L, 21.5, 48.0, "mqtt")).join();
      p.submit(new Reading("sim-1", T0, null, 20.25, 50.0, "sim")).join();
      List<OutboxMessage> out = on(p, "dht11/sensor/data");
      assertThat(out).hasSize(2);
      assertThat(out.get(0).qos()).isEqualTo(1);
      assertThat(out.get(0).retained()).isFalse();
      assertThat(new String(out.get(0).payload(), "UTF-8"))
          .isEqualTo(
              "{\"device_id\":\"pi-kitchen\",\"ts\":\"2026-11-27T22:00:00.123Z\",\"seq\":42,"
                  + "\"temperature\":21.5,\"humidity\":48.0,\"source\":\"gpiod\","
                  + "\"model\":\"dht22\",\"gateway\":\"agent\"}"); // gateway: this agent stored it
      JsonNode sim = json(out.get(1));
      assertThat(sim.has("seq")).isFalse();
      assertThat(sim.has("model")).isFalse();
      assertThat(sim.get("temperature").asDouble()).isEqualTo(20.25);
    }
  }

  @Test
  void aThresholdIncidentIsStoredWithItsEventAndQueuedOnIncidentsAndAlerts() {
    try (Pipeline p = open()) {
      p.submit(new Reading("pi-kitchen", T0, 1L, 31.0, 50, "gpiod"));
      p.submit(new Reading("pi-kitchen", T0.plusSeconds(2), 2L, 31.2, 50, "gpiod")).join();

      List<Incident> open = p.store().notResolvedIncidents();
      assertThat(open)
          .singleElement()
          .satisfies(
              i -> {
                assertThat(i.rule().id()).isEqualTo("temperature_max");
                assertThat(i.value()).isEqualTo(31.2);
                assertThat(i.status()).isEqualTo(IncidentStatus.OPEN);
              });
      long id = open.get(0).id();
      assertThat(p.store().incidentEvents(id))
          .extracting(IncidentEvent::event)
          .containsExactly("created");
      assertThat(p.counters().incidentsOpen()).isEqualTo(1);

      JsonNode inc = json(on(p, "dht11/incidents").get(0));
      assertThat(inc.get("incident_id").asLong()).isEqualTo(id);
      assertThat(inc.get("status").asText()).isEqualTo("open");
      assertThat(inc.get("device_id").asText()).isEqualTo("pi-kitchen");
      assertThat(inc.get("rule").asText()).isEqualTo("temperature_max");
      assertThat(inc.get("metric").asText()).isEqualTo("temperature");
      assertThat(inc.get("value").asDouble()).isEqualTo(31.2);
      assertThat(inc.get("threshold").asDouble()).isEqualTo(30.0);
      assertThat(inc.get("opened_at").asText()).isEqualTo("2026-11-27T22:00:02.123Z");
      assertThat(inc.get("acknowledged_at").isNull()).isTrue();
      assertThat(inc.get("resolved_at").isNull()).isTrue();
      assertThat(inc.get("message").asText())
          .isEqualTo("temperature 31.2 °C above maximum 30.0 °C");
      assertThat(inc.get("ts").asText()).isEqualTo("2026-11-27T22:00:02.123Z");
      assertThat(inc.size()).isEqualTo(12);

      OutboxMessage alertMsg = on(p, "dht11/alerts").get(0);
      assertThat(alertMsg.qos()).isEqualTo(1);
      JsonNode alert = json(alertMsg);
      assertThat(alert.get("alert_id").asLong()).isPositive();
      assertThat(alert.get("incident_id").asLong()).isEqualTo(id);
      assertThat(alert.get("alert_type").asText()).isEqualTo("created");
      assertThat(alert.get("rule").asText()).isEqualTo("temperature_max");
      assertThat(alert.get("metric").asText()).isEqualTo("temperature");
      assertThat(alert.get("value").asDouble()).isEqualTo(31.2);
      assertThat(alert.get("threshold").asDouble()).isEqualTo(30.0);
      assertThat(alert.get("severity").asText()).isEqualTo("warning");
      assertThat(alert.get("device_id").asText()).isEqualTo("pi-kitchen");
      assertThat(alert.size()).isEqualTo(11);
      // alerts go out before incidents, both before the readings
      List<OutboxMessage> order = p.outbox().next(10);
      assertThat(order)
          .extracting(OutboxMessage::topic)
          .containsExactly(
              "dht11/alerts", "dht11/incidents", "dht11/sensor/data", "dht11/sensor/data");
    }
  }

  @Test
  void acknowledgeAndResolveAreStoredAndPublishedOncePerTransition() {
    try (Pipeline p = open()) {
      p.submit(new Reading("d", T0, 1L, 31, 50, "mqtt"));
      p.submit(new Reading("d", T0, 2L, 31, 50, "mqtt")).join();
      long id = p.store().notResolvedIncidents().get(0).id();

      time.advance(Duration.ofMinutes(1));
      Incident acked = p.acknowledge(id, "alice").join();
      assertThat(acked.status()).isEqualTo(IncidentStatus.ACKNOWLEDGED);
      assertThat(acked.acknowledgedAt()).isEqualTo(clock.instant());
      assertThat(p.acknowledge(id, "bob").join().acknowledgedBy()).isEqualTo("alice");

      time.advance(Duration.ofMinutes(1));
      Incident resolved = p.resolve(id, "bob").join();
      assertThat(resolved.status()).isEqualTo(IncidentStatus.RESOLVED);
      assertThat(p.resolve(id, "carol").join().resolvedBy()).isEqualTo("bob");
      assertThat(p.store().incident(id).orElseThrow().status()).isEqualTo(IncidentStatus.RESOLVED);
      assertThat(p.store().notResolvedIncidents()).isEmpty();
      assertThat(p.counters().incidentsOpen()).isZero();

      assertThat(p.store().incidentEvents(id))
          .extracting(IncidentEvent::event, IncidentEvent::actor)
          .containsExactly(
              org.assertj.core.groups.Tuple.tuple("created", "rules"),
              org.assertj.core.groups.Tuple.tuple("acknowledged", "alice"),
              org.assertj.core.groups.Tuple.tuple("resolved", "bob"));
      assertThat(on(p, "dht11/incidents"))
          .extracting(m -> json(m).get("status").asText())
          .containsExactly("open", "acknowledged", "resolved");
      List<JsonNode> alerts = on(p, "dht11/alerts").stream().map(PipelineRulesTest::json).toList();
      assertThat(alerts)
          .extracting(a -> a.get("alert_type").asText())
          .containsExactly("created", "acknowledged", "resolved");
      assertThat(alerts).extracting(a -> a.get("alert_id").asLong()).doesNotHaveDuplicates();
      JsonNode last = json(on(p, "dht11/incidents").get(2));
      assertThat(last.get("acknowledged_at").asText()).isEqualTo("2026-11-27T22:01:00.123Z");
      assertThat(last.get("resolved_at").asText()).isEqualTo("2026-11-27T22:02:00.123Z");
      assertThat(last.get("message").asText()).isEqualTo("resolved by bob");

      assertThatThrownBy(() -> p.acknowledge(9999, "alice").join())
          .isInstanceOf(CompletionException.class)
          .hasCauseInstanceOf(NoSuchElementException.class);
    }
  }

  @Test
  void anOpenIncidentSurvivesARestartAndResolvesByItselfAfterIt() {
    try (Pipeline p = open()) {
      p.submit(new Reading("d", T0, 1L, 31, 50, "mqtt"));
      p.submit(new Reading("d", T0, 2L, 31, 50, "mqtt")).join();
    }
    try (Pipeline p = open()) {
      assertThat(p.counters().incidentsOpen()).isEqualTo(1);
      p.submit(new Reading("d", T0, 3L, 35, 50, "mqtt")).join();
      assertThat(p.store().notResolvedIncidents()).hasSize(1);
      p.submit(new Reading("d", T0, 4L, 25, 50, "mqtt")).join();
      assertThat(p.store().notResolvedIncidents()).isEmpty();
      assertThat(p.store().incidents(10))
          .singleElement()
          .extracting(Incident::status)
          .isEqualTo(IncidentStatus.RESOLVED);
    }
  }

  @Test
  void aSilentDeviceRaisesAStaleIncidentOnTheTimerTick() {
    try (Pipeline p = open()) {
      p.submit(new Reading("esp-1", T0, 1L, 20, 50, "mqtt")).join();
      time.advance(Duration.ofSeconds(149));
      assertThat(p.checkStale().join()).isEmpty();
      time.advance(Duration.ofSeconds(2));
      List<Transition> t = p.checkStale().join();
      assertThat(t)
          .singleElement()
          .satisfies(tr -> assertThat(tr.incident().rule().id()).isEqualTo("stale"));
      JsonNode inc = json(on(p, "dht11/incidents").get(0));
      assertThat(inc.get("metric").asText()).isEqualTo("readings");
      assertThat(inc.get("value").asDouble()).isEqualTo(151.0);
      p.submit(new Reading("esp-1", clock.instant(), 2L, 20, 50, "mqtt")).join();
      assertThat(p.store().notResolvedIncidents()).isEmpty();
    }
  }

  @Test
  void aStaleIncidentResolvedByHandIsNotRaisedAgainAfterARestart() {
    try (Pipeline p = open()) {
      p.submit(new Reading("gone", T0, 1L, 20, 50, "mqtt")).join();
      time.advance(Duration.ofMinutes(10));
      long id = p.checkStale().join().get(0).incident().id();
      p.resolve(id, "alice").join();
    }
    time.advance(Duration.ofMinutes(10));
    try (Pipeline p = open()) {
      assertThat(p.checkStale().join()).isEmpty();
      p.submit(new Reading("gone", clock.instant(), 2L, 20, 50, "mqtt")).join();
      time.advance(Duration.ofMinutes(10));
      assertThat(p.checkStale().join()).as("silent again after a reading").hasSize(1);
    }
  }

  @Test
  void recordedReadFailuresRaiseASensorFailureIncident() {
    try (Pipeline p = open()) {
      for (int i = 0; i < 7; i++) {
        time.advance(Duration.ofSeconds(2));
        p.submit(new Reading("pi", clock.instant(), (long) i, 20, 50, "gpiod"));
      }
      for (int i = 0; i < 3; i++) {
        time.advance(Duration.ofSeconds(2));
        p.recordFailure("pi", clock.instant(), "checksum");
      }
      p.submit(new Reading("pi", clock.instant(), 99L, 20, 50, "gpiod")).join();
      assertThat(p.counters().readFailures()).isEqualTo(3);
      assertThat(p.store().counts().readFailuresKept()).isEqualTo(3);
      assertThat(p.store().notResolvedIncidents())
          .singleElement()
          .satisfies(
              i -> {
                assertThat(i.rule().id()).isEqualTo("sensor_failure");
                assertThat(i.value()).isEqualTo(30.0);
              });
      JsonNode alert = json(on(p, "dht11/alerts").get(0));
      assertThat(alert.get("metric").asText()).isEqualTo("reads");
      assertThat(alert.get("severity").asText()).isEqualTo("critical");
    }
  }

  @Test
  void listenersHearReadingsAndIncidentsAfterTheyAreCommitted() {
    List<String> heard = new CopyOnWriteArrayList<>();
    try (Pipeline p = open()) {
      p.addListener(
          new PipelineListener() {
            @Override
            public void onReading(Reading r, ReadingIntake.Outcome o) {
              heard.add(r.seq() + ":" + o);
            }

            @Override
            public void onIncident(Transition t) {
              heard.add(t.incident().rule().id() + ":" + t.change().id());
            }
          });
      p.submit(new Reading("d", T0, 1L, 31, 50, "mqtt"));
      p.submit(new Reading("d", T0, 1L, 31, 50, "mqtt"));
      p.submit(new Reading("d", T0, 2L, 31, 50, "mqtt")).join();
      await().atMost(Duration.ofSeconds(5)).until(() -> heard.size() == 4);
      assertThat(heard)
          .containsExactly("1:STORED", "1:DUPLICATE", "2:STORED", "temperature_max:created");
    }
  }

  @Test
  void aStuckListenerCostsDroppedReadingEventsButNeverMemoryOrIncidents() throws Exception {
    java.util.concurrent.CountDownLatch release = new java.util.concurrent.CountDownLatch(1);
    java.util.concurrent.atomic.AtomicInteger readings =
        new java.util.concurrent.atomic.AtomicInteger();
    List<String> incidents = new CopyOnWriteArrayList<>();
    int n = Pipeline.MAX_PENDING_EVENTS + 500;
    try (Pipeline p = open()) {
      p.addListener(
          new PipelineListener() {
            @Override
            public void onReading(Reading r, ReadingIntake.Outcome o) {
              try {
                release.await();
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
              }
              readings.incrementAndGet();
            }

            @Override
            public void onIncident(Transition t) {
              incidents.add(t.incident().rule().id() + ":" + t.change().id());
            }
          });
      for (int i = 1; i < n; i++) {
        p.submit(new Reading("calm", T0.plusMillis(i), (long) i, 20, 50, "mqtt"));
      }
      // Two hot readings (debounce 2) open an incident while the listener is stuck.
      p.submit(new Reading("hot", T0, 1L, 35, 50, "mqtt"));
      p.submit(new Reading("hot", T0.plusSeconds(1), 2L, 35, 50, "mqtt")).join();
      long dropped = p.counters().eventsDropped();
      assertThat(dropped).isGreaterThan(0);

      release.countDown();
      await().atMost(Duration.ofSeconds(20)).until(() -> incidents.size() == 1);
      assertThat(incidents).containsExactly("temperature_max:created");
      await()
          .atMost(Duration.ofSeconds(20))
          .until(() -> readings.get() + p.counters().eventsDropped() == n + 1);
      assertThat(p.counters().stored()).isEqualTo(n + 1);
    }
  }
}
