package net.dhtedge.demo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import net.dhtedge.agent.mqtt.EmbeddedBroker;
import net.dhtedge.agent.testing.MosquittoBroker;
import net.dhtedge.agent.testing.TestClient;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MoquetteBrokerIT {

  @Test
  void pahoConnectsOverTcpAndWebSocketAndARetainedMessageRoundTrips() {
    try (EmbeddedBroker b = new MoquetteBroker(new EmbeddedBroker.Options(0, 0, null))) {
      b.start();
      assertThat(b.tcpUrl()).matches("tcp://127\\.0\\.0\\.1:\\d+");
      try (TestClient pub = TestClient.connect(b.tcpUrl(), "pub")) {
        pub.publish("dht11/status", "{\"status\":\"online\"}", 1, true);
      }
      try (TestClient sub = TestClient.connect(b.tcpUrl(), "sub")) {
        sub.subscribe("dht11/status", 1);
        // The subscriber came after the publisher left: only a retained message can reach it.
        // (Moquette 0.17 delivers it without the RETAIN flag set; Mosquitto sets it.)
        await()
            .untilAsserted(
                () ->
                    assertThat(sub.received())
                        .singleElement()
                        .satisfies(
                            r -> assertThat(r.payload()).isEqualTo("{\"status\":\"online\"}")));
      }
      assertThat(b.webSocketUrl()).matches("ws://127\\.0\\.0\\.1:\\d+/mqtt");
      try (TestClient ws = TestClient.connect(b.webSocketUrl(), "ws-sub");
          TestClient tcp = TestClient.connect(b.tcpUrl(), "tcp-pub")) {
        ws.subscribe("dht11/sensor/data", 1);
        tcp.publish("dht11/sensor/data", "{\"temperature\":25,\"humidity\":60}", 1, false);
        await().until(() -> ws.payloads("dht11/sensor/data").size() == 1);
      }
    }
  }

  @Test
  void retainedMessagesSurviveARestartWithADataDirectory(@TempDir Path dir) {
    int port = MosquittoBroker.freePort();
    try (EmbeddedBroker b = new MoquetteBroker(new EmbeddedBroker.Options(port, -1, dir))) {
      b.start();
      assertThat(b.webSocketUrl()).isNull();
      try (TestClient pub = TestClient.connect(b.tcpUrl(), "pub")) {
        pub.publish("dht11/status/esp32-a", "{\"status\":\"offline\"}", 1, true);
      }
      b.stop();
      b.stop();
      assertThat(b.isRunning()).isFalse();
      assertThatThrownBy(b::tcpUrl).hasMessageContaining("not running");
      b.start();
      assertThat(b.tcpUrl()).endsWith(":" + port);
      try (TestClient sub = TestClient.connect(b.tcpUrl(), "sub")) {
        sub.subscribe("dht11/status/+", 1);
        await().until(() -> sub.received().size() == 1);
      }
    }
  }

  /** Issue 18 item 5: the same port each start when it is free. */
  @Test
  void theWantedPortIsUsedWhenItIsFree() {
    int wanted = MosquittoBroker.freePort();
    assertThat(EmbeddedBroker.firstFreePort(wanted, 3)).isEqualTo(wanted);
    try (EmbeddedBroker b =
        new MoquetteBroker(
            new EmbeddedBroker.Options(EmbeddedBroker.firstFreePort(wanted, 3), -1, null))) {
      b.start();
      assertThat(b.tcpPort()).isEqualTo(wanted);
      assertThat(b.tcpUrl()).isEqualTo("tcp://127.0.0.1:" + wanted);
      try (TestClient c = TestClient.connect(b.tcpUrl(), "free-port")) {
        assertThat(c).isNotNull();
      }
    }
  }

  /** Issue 18 item 5: a taken port falls back to the next of a few fixed ones, not a random one. */
  @Test
  void aTakenWantedPortFallsBackToTheNextFreeOneOfTheFixedFew() throws Exception {
    int wanted = MosquittoBroker.freePort();
    try (java.net.ServerSocket held = new java.net.ServerSocket()) {
      held.setReuseAddress(true);
      held.bind(new java.net.InetSocketAddress("127.0.0.1", wanted));
      int chosen = EmbeddedBroker.firstFreePort(wanted, 3);
      // Another process may hold wanted + 1 as well; 0 (the OS picks) only when all three are.
      assertThat(chosen).isNotEqualTo(wanted).isIn(wanted + 1, wanted + 2, 0);
      assertThat(EmbeddedBroker.firstFreePort(wanted, 1)).isZero();
      try (EmbeddedBroker b = new MoquetteBroker(new EmbeddedBroker.Options(chosen, -1, null))) {
        b.start();
        assertThat(b.tcpPort()).isNotEqualTo(wanted).isPositive();
        try (TestClient c = TestClient.connect(b.tcpUrl(), "fallback-port")) {
          assertThat(c).isNotNull();
        }
      }
    }
  }

  @Test
  void aTakenPortGivesAClearErrorAndCloseTwiceIsSafe() {
    try (EmbeddedBroker first = new MoquetteBroker(new EmbeddedBroker.Options(0, -1, null))) {
      first.start();
      int port = Integer.parseInt(first.tcpUrl().replaceAll(".*:", ""));
      EmbeddedBroker second = new MoquetteBroker(new EmbeddedBroker.Options(port, -1, null));
      assertThatThrownBy(second::start)
          .isInstanceOf(IllegalStateException.class)
          .hasMessageContaining("could not start on 127.0.0.1:" + port);
      second.close();
      second.close();
    }
  }
}
