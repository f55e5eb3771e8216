package net.dhtedge.agent.mqtt;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import net.dhtedge.agent.testing.MosquittoBroker;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Issue 18 item 6: two agents with one client id on a real Mosquitto, and what the log says. */
class SessionTakeoverWatchIT {
  @TempDir Path dir;

  private MqttConnection connect(MosquittoBroker broker, String id) {
    MqttOptions o =
        MqttOptions.builder()
            .serverUri(broker.url())
            .clientId(id)
            .topicPrefix("takeover")
            .subscribe(false)
            .reconnect(Duration.ofMillis(100), Duration.ofMillis(300))
            .build();
    return MqttConnection.create(o, Clock.systemUTC(), "test");
  }

  @Test
  void twoClientsWithTheSameIdKnockingEachOtherOffAreNamedInOneWarning() throws Exception {
    List<String> warned = new CopyOnWriteArrayList<>();
    try (MosquittoBroker broker = MosquittoBroker.builder(dir).start();
        MqttConnection first = connect(broker, "edge-agent-twin");
        MqttConnection second = connect(broker, "edge-agent-twin")) {
      SessionTakeoverWatch watch =
          new SessionTakeoverWatch("edge-agent-twin", System::nanoTime, warned::add);
      first.addListener(watch);
      first.start();
      second.start();
      await().atMost(Duration.ofSeconds(60)).until(() -> watch.warnings() >= 1);
      assertThat(warned.get(0)).contains("'edge-agent-twin'").contains("mqtt.client_id");
      assertThat(broker.log()).contains("already connected");
    }
  }

  @Test
  void aBrokerThatIsDownIsNoTakeover() {
    List<String> warned = new CopyOnWriteArrayList<>();
    long[] now = {0};
    SessionTakeoverWatch watch = new SessionTakeoverWatch("id", () -> now[0], warned::add);
    for (int i = 0; i < 10; i++) {
      watch.disconnected("connection refused"); // connect attempts that never got in
      now[0] += 1_000_000_000L;
    }
    assertThat(warned).isEmpty();
  }

  @Test
  void oneLostConnectionNowAndThenIsNoTakeover() {
    List<String> warned = new CopyOnWriteArrayList<>();
    long[] now = {0};
    SessionTakeoverWatch watch = new SessionTakeoverWatch("id", () -> now[0], warned::add);
    for (int i = 0; i < 10; i++) {
      watch.connected("tcp://b");
      watch.disconnected("connection lost");
      now[0] += 31_000_000_000L; // one every 31 s: never 3 within 60 s
    }
    assertThat(warned).isEmpty();
  }
}
