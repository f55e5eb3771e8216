package net.dhtedge.agent.mqtt;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import net.dhtedge.agent.testing.InMemoryOutbox;
import net.dhtedge.agent.testing.MosquittoBroker;
import net.dhtedge.agent.testing.TestClient;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 15.2: a broker that does not answer a CONNECT in time (frozen with SIGSTOP while the agent
 * connects, thawed 15 s later). The agent's connect times out while Paho's keeps going and
 * completes late; on main every retry then failed with "Client is connected (32100)" until a
 * restart. The agent must drop the timed-out client and connect with a fresh one, and deliver what
 * was queued meanwhile.
 */
class SlowBrokerConnectIT {

  @TempDir Path dir;
  MosquittoBroker broker;
  final List<AutoCloseable> toClose = new ArrayList<>();

  @BeforeEach
  void up() {
    broker = MosquittoBroker.builder(dir).start();
  }

  @AfterEach
  void down() throws Exception {
    for (AutoCloseable c : toClose.reversed()) {
      c.close();
    }
    broker.close();
  }

  @Test
  void aBrokerFrozenWhileWeConnectIsReachedOnceItAnswersAndTheOutboxIsDelivered() throws Exception {
    TestClient subscriber =
        TestClient.connect(broker.url(), "sub-slow", false).subscribe("slow/sensor/data", 1);
    toClose.add(subscriber);
    InMemoryOutbox outbox = new InMemoryOutbox();
    for (int i = 0; i < 15; i++) {
      outbox.enqueue("slow/sensor/data", ("r" + i).getBytes(StandardCharsets.UTF_8), 1, false, 5);
    }
    MqttOptions o =
        MqttOptions.builder()
            .serverUri(broker.url())
            .clientId("agent-slow")
            .topicPrefix("slow")
            .subscribe(false)
            .connectTimeout(Duration.ofSeconds(2))
            .reconnect(Duration.ofMillis(200), Duration.ofSeconds(1))
            .build();
    MqttConnection connection = MqttConnection.create(o, Clock.systemUTC(), "test");
    toClose.add(connection);
    Publisher publisher = new Publisher(connection, outbox);
    toClose.add(publisher);

    broker.pause(); // SIGSTOP: TCP connects are accepted by the kernel, no CONNACK comes
    publisher.start();
    connection.start();
    // Several connect attempts time out while the broker is frozen (2 s each + 2 s margin).
    await().atMost(Duration.ofSeconds(30)).until(() -> connection.status().lastError() != null);
    Thread.sleep(15_000);
    for (int i = 15; i < 20; i++) {
      outbox.enqueue("slow/sensor/data", ("r" + i).getBytes(StandardCharsets.UTF_8), 1, false, 5);
    }
    assertThat(connection.isConnected()).as("connected to a frozen broker?").isFalse();
    broker.resume(); // SIGCONT

    assertThat(connection.awaitConnected(Duration.ofSeconds(60)))
        .as(
            "connected after the broker answered again; last error: %s; broker log:%n%s",
            connection.status().lastError(), broker.log())
        .isTrue();
    await()
        .atMost(Duration.ofSeconds(60))
        .untilAsserted(
            () ->
                assertThat(subscriber.payloads("slow/sensor/data"))
                    .as("outbox %d left", outbox.depth())
                    .containsAll(
                        java.util.stream.IntStream.range(0, 20).mapToObj(i -> "r" + i).toList()));
    assertThat(outbox.depth()).isZero();
  }
}
