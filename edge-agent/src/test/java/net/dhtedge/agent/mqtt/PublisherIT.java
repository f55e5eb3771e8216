package net.dhtedge.agent.mqtt;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import net.dhtedge.agent.testing.InMemoryOutbox;
import net.dhtedge.agent.testing.MosquittoBroker;
import net.dhtedge.agent.testing.TestClient;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The publisher against a real Mosquitto (with persistence, so it can be restarted). */
class PublisherIT {

  static MosquittoBroker broker;
  static final AtomicInteger N = new AtomicInteger();

  final List<AutoCloseable> toClose = new ArrayList<>();
  final InMemoryOutbox outbox = new InMemoryOutbox();
  String prefix;
  MqttConnection connection;
  Publisher publisher;

  @BeforeAll
  static void startBroker(@TempDir Path dir) {
    broker = MosquittoBroker.builder(dir).persistence(true).start();
  }

  @AfterAll
  static void stopBroker() {
    broker.close();
  }

  @AfterEach
  void closeAll() throws Exception {
    for (AutoCloseable c : toClose.reversed()) {
      c.close();
    }
  }

  TestClient subscriber(String topic) {
    TestClient s = TestClient.connect(broker.url(), "sub-" + prefix, false).subscribe(topic, 1);
    toClose.add(s);
    return s;
  }

  void startAgent(int window, int rate, Duration poll) throws InterruptedException {
    MqttOptions o =
        MqttOptions.builder()
            .serverUri(broker.url())
            .clientId("agent-" + prefix)
            .topicPrefix(prefix)
            .subscribe(false)
            .inflightWindow(window)
            .drainRatePerSecond(rate)
            .reconnect(Duration.ofMillis(100), Duration.ofMillis(500))
            .build();
    connection = MqttConnection.create(o, Clock.systemUTC(), "test");
    toClose.add(connection);
    publisher = new Publisher(connection, outbox, poll, Duration.ofSeconds(30));
    toClose.add(publisher);
    publisher.start();
    connection.start();
  }

  void enqueue(String topic, int from, int to, int qos) {
    for (int i = from; i < to; i++) {
      outbox.enqueue(topic, ("m" + i).getBytes(StandardCharsets.UTF_8), qos, false, 5);
    }
  }

  /** Every message 0..n-1 arrived, and first arrivals are in order (duplicates allowed). */
  static void assertAllInOrder(List<String> got, int n) {
    List<String> firsts = new ArrayList<>(new LinkedHashSet<>(got));
    List<String> want = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      want.add("m" + i);
    }
    assertThat(firsts).containsExactlyElementsOf(want);
  }

  @Test
  void aMessageQueuedWhileThePublisherIdlesGoesOutAtOnceNotAtTheNextPoll() throws Exception {
    prefix = "pub" + N.incrementAndGet();
    String topic = prefix + "/incidents";
    TestClient sub = subscriber(topic);
    startAgent(8, 10_000, Duration.ofHours(1));
    assertThat(connection.awaitConnected(Duration.ofSeconds(10))).isTrue();
    Thread.sleep(300); // the publisher has looked at the empty outbox and parks for an hour

    enqueue(topic, 0, 1, 1);

    await().atMost(Duration.ofSeconds(10)).until(() -> sub.payloads(topic).size() == 1);
  }

  @Test
  void theOutboxIsDrainedInOrderWithinTheWindowAndConfirmed() throws Exception {
    prefix = "pub" + N.incrementAndGet();
    String topic = prefix + "/sensor/data";
    TestClient sub = subscriber(topic);
    enqueue(topic, 0, 300, 1);
    enqueue(topic, 300, 320, 0);
    startAgent(8, 10_000, Duration.ofSeconds(1));
    await().until(() -> outbox.depth() == 0);
    await().until(() -> sub.payloads(topic).size() >= 320);
    // MQTT orders messages of one QoS only: a broker sends a QoS 0 message at once while QoS 1
    // messages wait for a slow subscriber's in-flight window (seen on a loaded CI machine).
    List<String> got = sub.payloads(topic);
    assertAllInOrder(
        got.stream().filter(m -> Integer.parseInt(m.substring(1)) < 300).toList(), 300);
    assertThat(got.stream().filter(m -> Integer.parseInt(m.substring(1)) >= 300).toList())
        .containsExactlyElementsOf(
            java.util.stream.IntStream.range(300, 320).mapToObj(i -> "m" + i).toList());
    assertThat(got).hasSize(320);
    assertThat(outbox.maxInFlight()).isLessThanOrEqualTo(8);
    assertThat(publisher.stats().confirmed()).isEqualTo(320);
  }

  @Test
  void aSignalWakesThePublisherWithoutWaitingForThePoll() throws Exception {
    prefix = "pub" + N.incrementAndGet();
    String topic = prefix + "/alerts";
    TestClient sub = subscriber(topic);
    startAgent(4, 1000, Duration.ofHours(1));
    assertThat(connection.awaitConnected(Duration.ofSeconds(10))).isTrue();
    Thread.sleep(200); // let the publisher park on its (hour-long) poll
    enqueue(topic, 0, 1, 1);
    publisher.signal();
    await().until(() -> sub.payloads(topic).size() == 1);
    // the broker may forward to the subscriber before its PUBACK reaches the publisher
    await().atMost(Duration.ofSeconds(5)).until(() -> outbox.depth() == 0);
  }

  @Test
  void retainedAndQosAreTakenFromTheMessage() throws Exception {
    prefix = "pub" + N.incrementAndGet();
    String topic = prefix + "/status/pi-kitchen";
    outbox.enqueue(topic, "{\"status\":\"online\"}".getBytes(StandardCharsets.UTF_8), 1, true, 0);
    startAgent(4, 1000, Duration.ofMillis(200));
    await().until(() -> outbox.depth() == 0);
    TestClient late = subscriber(topic);
    await()
        .untilAsserted(
            () -> assertThat(late.received()).singleElement().matches(r -> r.retained()));
  }

  /** The real Paho port, except that the first publish's confirmation is lost on the way. */
  static final class LosesFirstConfirmation implements MqttClientPort {
    final PahoClientPort real;
    final java.util.concurrent.atomic.AtomicBoolean lost =
        new java.util.concurrent.atomic.AtomicBoolean();

    LosesFirstConfirmation(MqttOptions o) {
      real = new PahoClientPort(o);
    }

    @Override
    public void setEvents(Events events) {
      real.setEvents(events);
    }

    @Override
    public String connect(MqttOptions options, Will will) throws MqttPortException {
      return real.connect(options, will);
    }

    @Override
    public void subscribe(String filter, int qos, Duration timeout) throws MqttPortException {
      real.subscribe(filter, qos, timeout);
    }

    @Override
    public void publish(String topic, byte[] payload, int qos, boolean retained, PublishCallback cb)
        throws MqttPortException {
      boolean drop = topic.endsWith("/incidents") && lost.compareAndSet(false, true);
      real.publish(
          topic,
          payload,
          qos,
          retained,
          drop
              ? new PublishCallback() {
                @Override
                public void delivered() {}

                @Override
                public void failed(Throwable cause) {}
              }
              : cb);
    }

    @Override
    public void ack(int messageId, int qos) throws MqttPortException {
      real.ack(messageId, qos);
    }

    @Override
    public void disconnect(Duration quiesce) {
      real.disconnect(quiesce);
    }

    @Override
    public boolean isConnected() {
      return real.isConnected();
    }

    @Override
    public void close() {
      real.close();
    }
  }

  @Test
  void aPublishWhoseConfirmationNeverComesIsSentAgainAfterTheStuckTimeout() throws Exception {
    prefix = "pub" + N.incrementAndGet();
    String topic = prefix + "/incidents";
    TestClient sub = subscriber(topic);
    enqueue(topic, 0, 3, 1);
    MqttOptions o =
        MqttOptions.builder()
            .serverUri(broker.url())
            .clientId("agent-" + prefix)
            .topicPrefix(prefix)
            .subscribe(false)
            .inflightWindow(1)
            .build();
    connection =
        new MqttConnection(
            o, new LosesFirstConfirmation(o), Clock.systemUTC(), "test", new java.util.Random());
    toClose.add(connection);
    publisher = new Publisher(connection, outbox, Duration.ofMillis(100), Duration.ofSeconds(1));
    toClose.add(publisher);
    publisher.start();
    connection.start();
    await().until(() -> outbox.depth() == 0);
    // m0 reached the broker but its confirmation was lost: it is sent again (at-least-once),
    // and with a window of 1 nothing overtakes it.
    await()
        .untilAsserted(
            () -> assertThat(sub.payloads(topic)).containsExactly("m0", "m0", "m1", "m2"));
    assertThat(publisher.stats().republished()).isEqualTo(1);
  }

  @Test
  void aBrokerOutageLosesNothingAndKeepsTheOrder() throws Exception {
    prefix = "pub" + N.incrementAndGet();
    String topic = prefix + "/sensor/data";
    TestClient sub = subscriber(topic);
    enqueue(topic, 0, 1500, 1);
    startAgent(10, 1000, Duration.ofMillis(200));
    await().until(() -> sub.payloads(topic).size() >= 200);
    broker.stop();
    enqueue(topic, 1500, 2000, 1); // queued while the broker is down
    Thread.sleep(300);
    assertThat(connection.isConnected()).isFalse();
    broker.start();
    await()
        .atMost(Duration.ofSeconds(60))
        .until(
            () -> outbox.depth() == 0 && new LinkedHashSet<>(sub.payloads(topic)).size() == 2000);
    assertAllInOrder(sub.payloads(topic), 2000);
  }
}
