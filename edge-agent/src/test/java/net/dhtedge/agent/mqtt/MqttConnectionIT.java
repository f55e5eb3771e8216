package net.dhtedge.agent.mqtt;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import net.dhtedge.agent.testing.MosquittoBroker;
import net.dhtedge.agent.testing.TestClient;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MqttConnectionIT {

  static MosquittoBroker broker;
  static final AtomicInteger N = new AtomicInteger();

  @BeforeAll
  static void startBroker(@TempDir Path dir) {
    broker = MosquittoBroker.builder(dir).start();
  }

  @AfterAll
  static void stopBroker() {
    broker.close();
  }

  static MqttOptions.Builder options(String prefix) {
    return MqttOptions.builder()
        .serverUri(broker.url())
        .clientId("agent-" + prefix)
        .topicPrefix(prefix)
        .reconnect(Duration.ofMillis(100), Duration.ofMillis(400))
        .connectTimeout(Duration.ofSeconds(3));
  }

  static String prefix() {
    return "conn" + N.incrementAndGet();
  }

  @Test
  void onConnectItPublishesARetainedOnlineStatusAndWhenKilledTheWillSaysOffline() throws Exception {
    String prefix = prefix();
    PahoClientPort port = new PahoClientPort(options(prefix).build());
    try (MqttConnection c =
        new MqttConnection(
            options(prefix).build(), port, Clock.systemUTC(), "9.9.9", new Random())) {
      c.start();
      assertThat(c.awaitConnected(Duration.ofSeconds(10))).isTrue();
      try (TestClient watcher = TestClient.connect(broker.url(), "watch-" + prefix)) {
        watcher.subscribe(prefix + "/status", 1);
        await()
            .untilAsserted(
                () ->
                    assertThat(watcher.received())
                        .anySatisfy(
                            r -> {
                              assertThat(r.retained()).isTrue();
                              assertThat(r.payload())
                                  .matches(
                                      "\\{\"status\":\"online\",\"ts\":\"\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}Z\",\"version\":\"9\\.9\\.9\"}");
                            }));
        port.close(); // closes the socket without DISCONNECT, like a crash or a pulled cable
        await()
            .untilAsserted(
                () ->
                    assertThat(watcher.payloads(prefix + "/status"))
                        .last()
                        .isEqualTo("{\"status\":\"offline\"}"));
      }
      try (TestClient late = TestClient.connect(broker.url(), "late-" + prefix)) {
        late.subscribe(prefix + "/status", 1);
        await()
            .untilAsserted(
                () ->
                    assertThat(late.received())
                        .singleElement()
                        .satisfies(
                            r -> {
                              assertThat(r.retained()).isTrue();
                              assertThat(r.payload()).isEqualTo("{\"status\":\"offline\"}");
                            }));
      }
    }
  }

  @Test
  void aCleanCloseLeavesARetainedOfflineStatusAndCloseTwiceIsSafe() throws Exception {
    String prefix = prefix();
    MqttConnection c = MqttConnection.create(options(prefix).build(), Clock.systemUTC(), "1");
    c.start();
    assertThat(c.awaitConnected(Duration.ofSeconds(10))).isTrue();
    c.close();
    c.close();
    assertThat(c.status().state()).isEqualTo(MqttConnection.State.CLOSED);
    try (TestClient late = TestClient.connect(broker.url(), "late-" + prefix)) {
      late.subscribe(prefix + "/status", 1);
      await()
          .untilAsserted(
              () ->
                  assertThat(late.payloads(prefix + "/status"))
                      .containsExactly("{\"status\":\"offline\"}"));
    }
  }

  @Test
  void withSeveralServerUrisAndTheFirstDownItConnectsToTheNext() throws Exception {
    String prefix = prefix();
    String down = "tcp://127.0.0.1:" + MosquittoBroker.freePort();
    MqttOptions o = options(prefix).serverUris(List.of(down, broker.url())).build();
    try (MqttConnection c = MqttConnection.create(o, Clock.systemUTC(), "1")) {
      c.start();
      assertThat(c.awaitConnected(Duration.ofSeconds(15))).isTrue();
      assertThat(c.status().serverUri()).isEqualTo(broker.url());
    }
  }

  @Test
  void nothingListeningMeansWaitingToReconnectWithAOneLineReason() throws Exception {
    String prefix = prefix();
    MqttOptions o =
        options(prefix)
            .serverUris(List.of("tcp://127.0.0.1:" + MosquittoBroker.freePort()))
            .build();
    try (MqttConnection c = MqttConnection.create(o, Clock.systemUTC(), "1")) {
      c.start();
      await()
          .untilAsserted(
              () -> {
                assertThat(c.status().state()).isEqualTo(MqttConnection.State.WAITING_TO_RECONNECT);
                assertThat(c.status().lastError())
                    .contains("cannot reach the broker")
                    .doesNotContain("\n");
              });
      assertThat(c.isConnected()).isFalse();
    }
  }

  @Test
  void listenersHearTheDisconnectAndTheReconnectWhenTheBrokerRestarts(@TempDir Path dir)
      throws Exception {
    String prefix = prefix();
    try (MosquittoBroker own = MosquittoBroker.builder(dir).start()) {
      MqttOptions o = options(prefix).serverUris(List.of(own.url())).build();
      List<String> events = new CopyOnWriteArrayList<>();
      try (MqttConnection c = MqttConnection.create(o, Clock.systemUTC(), "1")) {
        c.addListener(
            new MqttConnection.Listener() {
              @Override
              public void connected(String serverUri) {
                events.add("up " + serverUri);
              }

              @Override
              public void disconnected(String cause) {
                events.add("down");
              }
            });
        c.start();
        await().until(() -> events.size() == 1);
        long epoch = c.epoch();
        own.stop();
        await().until(() -> events.size() == 2);
        assertThat(c.isConnected()).isFalse();
        own.start();
        await().atMost(Duration.ofSeconds(20)).until(() -> events.size() == 3);
        assertThat(events).containsExactly("up " + own.url(), "down", "up " + own.url());
        assertThat(c.epoch()).isGreaterThan(epoch);
        assertThat(c.status().state()).isEqualTo(MqttConnection.State.CONNECTED);
      }
    }
  }

  @Test
  void theBackOffStartsFromTheMinimumAfterEverySuccessfulConnectHoweverShortItLasted(
      @TempDir Path dir) throws Exception {
    String prefix = prefix();
    MosquittoBroker own = MosquittoBroker.builder(dir).build();
    try (own) {
      MqttOptions o =
          options(prefix)
              .serverUris(List.of(own.url()))
              .reconnect(Duration.ofMillis(100), Duration.ofMillis(800))
              .build();
      // the back-off's random source, scripted: every draw is the ceiling of its range
      BackoffTest.ScriptedRandom r = new BackoffTest.ScriptedRandom(true);
      try (MqttConnection c =
          new MqttConnection(o, new PahoClientPort(o), Clock.systemUTC(), "1", r)) {
        c.start(); // broker down: the ceilings grow to the cap
        await().atMost(Duration.ofSeconds(20)).until(() -> r.ceilings().size() >= 6);
        assertThat(r.ceilings()).startsWith(100L, 200L, 400L, 800L, 800L);
        own.start();
        assertThat(c.awaitConnected(Duration.ofSeconds(20))).isTrue();
        int before = r.ceilings().size();
        own.stop(); // lost after well under the old 30 s of "stable" connection
        await().atMost(Duration.ofSeconds(20)).until(() -> r.ceilings().size() > before);
        assertThat(r.ceilings().get(before)).as("first delay after the loss").isEqualTo(100L);
      }
    }
  }

  @Test
  void badCredentialsAreReportedInOneLineAndGoodOnesConnect(@TempDir Path dir) throws Exception {
    try (MosquittoBroker secured =
        MosquittoBroker.builder(dir).credentials("agent", "right-password").start()) {
      String prefix = prefix();
      MqttOptions bad =
          options(prefix)
              .serverUris(List.of(secured.url()))
              .username("agent")
              .password("wrong".toCharArray())
              .build();
      try (MqttConnection c = MqttConnection.create(bad, Clock.systemUTC(), "1")) {
        c.start();
        await()
            .untilAsserted(
                () ->
                    assertThat(c.status().lastError())
                        .isNotNull()
                        .containsAnyOf("(reason 4)", "(reason 5)")
                        .doesNotContain("\n")
                        .doesNotContain("wrong"));
        assertThat(c.isConnected()).isFalse();
      }
      MqttOptions good =
          options(prefix)
              .serverUris(List.of(secured.url()))
              .username("agent")
              .password("right-password".toCharArray())
              .build();
      try (MqttConnection c = MqttConnection.create(good, Clock.systemUTC(), "1")) {
        c.start();
        assertThat(c.awaitConnected(Duration.ofSeconds(10))).isTrue();
      }
    }
  }
}
