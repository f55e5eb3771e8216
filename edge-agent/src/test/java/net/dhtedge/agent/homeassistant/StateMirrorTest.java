package net.dhtedge.agent.homeassistant;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import net.dhtedge.agent.contract.Topics;
import net.dhtedge.agent.core.Reading;
import net.dhtedge.agent.mqtt.MqttPortException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class StateMirrorTest {

  private static final Instant T0 = Instant.parse("2026-11-28T10:00:00Z");
  private static final Duration INTERVAL = Duration.ofMillis(300);

  private final AtomicLong nanos = new AtomicLong(1_000_000_000L);
  private final List<String> sent = new CopyOnWriteArrayList<>();
  private StateMirror mirror;

  @AfterEach
  void close() {
    mirror.close();
  }

  private StateMirror mirror(StateMirror.Sink sink) {
    DiscoveryOptions o =
        new DiscoveryOptions(
            true,
            "homeassistant",
            new Topics("dht11"),
            "1.2.3",
            Map.of(),
            Map.of(),
            Duration.ofMinutes(5),
            Duration.ofDays(7),
            INTERVAL);
    mirror = new StateMirror(o, sink, INTERVAL, nanos::get);
    return mirror;
  }

  private StateMirror recording() {
    return mirror(
        (topic, payload) -> sent.add(topic + " " + new String(payload, StandardCharsets.UTF_8)));
  }

  private static Reading reading(String device, int secondsAfterT0, double temperature) {
    return new Reading(
        device, T0.plusSeconds(secondsAfterT0), (long) secondsAfterT0, temperature, 40.0, "esp32");
  }

  @Test
  void theFirstReadingOfADeviceIsMirroredAtOnceOnItsOwnStateTopic() {
    recording().offer(reading("esp32-1", 0, 21.5));

    assertThat(sent)
        .containsExactly(
            "dht11/sensor/esp32-1/state"
                + " {\"temperature\":21.5,\"humidity\":40.0,\"ts\":\"2026-11-28T10:00:00.000Z\"}");
  }

  @Test
  void aBurstIsCoalescedAndItsNewestReadingGoesOutWhenTheIntervalIsOver() {
    StateMirror m = recording();
    m.offer(reading("esp32-1", 0, 21.0));
    m.offer(reading("esp32-1", 1, 22.0));
    m.offer(reading("esp32-1", 2, 23.0));
    m.offer(reading("esp32-1", 3, 24.0));
    assertThat(sent).hasSize(1);

    await().atMost(Duration.ofSeconds(10)).until(() -> sent.size() == 2);
    assertThat(sent.get(0)).contains("\"temperature\":21.0");
    assertThat(sent.get(1)).contains("\"temperature\":24.0");
    assertThat(m.stats()).isEqualTo(new StateMirror.Stats(2, 2, 0));
  }

  @Test
  void devicesAreLimitedEachOnTheirOwn() {
    StateMirror m = recording();
    m.offer(reading("a", 0, 21.0));
    m.offer(reading("b", 0, 22.0));
    m.offer(reading("c", 0, 23.0));

    assertThat(sent).hasSize(3);
  }

  @Test
  void aReadingAfterAQuietIntervalGoesOutAtOnce() {
    StateMirror m = recording();
    m.offer(reading("esp32-1", 0, 21.0));
    nanos.addAndGet(INTERVAL.toNanos());
    m.offer(reading("esp32-1", 2, 22.0));

    assertThat(sent).hasSize(2);
    assertThat(sent.get(1)).contains("\"temperature\":22.0");
  }

  @Test
  void anOlderReadingIsNotShownAsTheCurrentState() {
    StateMirror m = recording();
    m.offer(reading("esp32-1", 60, 25.0));
    nanos.addAndGet(INTERVAL.toNanos() * 10);
    m.offer(reading("esp32-1", 10, 19.0)); // a backlog reading from before

    assertThat(sent).hasSize(1);
    assertThat(sent.get(0)).contains("\"temperature\":25.0");
  }

  @Test
  void aStateTheBrokerCannotTakeIsDroppedAndCountedAndTheNextOneStillGoes() {
    AtomicLong calls = new AtomicLong();
    StateMirror m =
        mirror(
            (topic, payload) -> {
              if (calls.incrementAndGet() == 1) {
                throw new MqttPortException("not connected", 32104, null);
              }
              sent.add(topic);
            });
    m.offer(reading("esp32-1", 0, 21.0));
    nanos.addAndGet(INTERVAL.toNanos());
    m.offer(reading("esp32-1", 2, 22.0));

    assertThat(sent).containsExactly("dht11/sensor/esp32-1/state");
    assertThat(m.stats()).isEqualTo(new StateMirror.Stats(1, 0, 1));
  }
}
