package net.dhtedge.agent.mqtt;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicInteger;
import net.dhtedge.agent.testing.InMemoryOutbox;
import net.dhtedge.agent.testing.MosquittoBroker;
import net.dhtedge.agent.testing.TestClient;
import net.dhtedge.agent.testing.TestPki;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A private Mosquitto whose TLS listener requires a client certificate ({@code require_certificate
 * true}, {@code cafile} = the CA that signs client certificates), as sites do that authenticate
 * gateways by certificate instead of (or besides) a password. The watcher reads on the broker's
 * plain listener.
 */
class BrokerClientCertificateIT {

  @TempDir static Path dir;
  static TestPki pki;
  static TestPki rogue;
  static TestPki.Issued client;
  static TestPki.Issued foreignClient;
  static MosquittoBroker broker;
  static final AtomicInteger N = new AtomicInteger();
  private final List<AutoCloseable> closeables = new ArrayList<>();

  @BeforeAll
  static void up() {
    pki = TestPki.create(dir.resolve("pki"), "edge");
    rogue = TestPki.create(dir.resolve("rogue"), "rogue");
    TestPki.Issued server = pki.issue("server", "localhost", "DNS:localhost", "IP:127.0.0.1");
    client = pki.issue("client", "gw1");
    foreignClient = rogue.issue("foreign-client", "gw1");
    broker =
        MosquittoBroker.builder(dir.resolve("broker"))
            .tls(pki.caCert(), server.cert(), server.key())
            .requireCertificate(pki.caCert())
            .start();
  }

  @AfterAll
  static void down() {
    if (broker != null) {
      broker.close();
    }
  }

  @AfterEach
  void closeAll() throws Exception {
    for (AutoCloseable c : closeables.reversed()) {
      c.close();
    }
    closeables.clear();
  }

  private static MqttOptions options(String clientId, TestPki.Issued cert) {
    return MqttOptions.builder()
        .serverUri(broker.sslUrl("127.0.0.1"))
        .clientId(clientId)
        .topicPrefix("cc" + N.incrementAndGet())
        .subscribe(false)
        .reconnect(Duration.ofMillis(100), Duration.ofMillis(400))
        .connectTimeout(Duration.ofSeconds(3))
        .tls(
            new TlsOptions(
                pki.caCert(),
                cert == null ? null : cert.cert(),
                cert == null ? null : cert.key(),
                true))
        .build();
  }

  /** A connection and its publisher draining {@code outbox}, both started. */
  private MqttConnection agent(MqttOptions o, InMemoryOutbox outbox) {
    MqttConnection c =
        new MqttConnection(o, new PahoClientPort(o), Clock.systemUTC(), "1.0", new Random());
    closeables.add(c);
    Publisher publisher = new Publisher(c, outbox, Duration.ofMillis(100), Duration.ofSeconds(5));
    closeables.add(publisher);
    publisher.start();
    c.start();
    return c;
  }

  private static InMemoryOutbox queued(String topic, int n) {
    InMemoryOutbox outbox = new InMemoryOutbox();
    for (int i = 0; i < n; i++) {
      outbox.enqueue(topic + "/" + i, ("m" + i).getBytes(StandardCharsets.UTF_8), 1, true, 2);
    }
    return outbox;
  }

  private static String lastErrorEventually(MqttConnection c) {
    await()
        .atMost(Duration.ofSeconds(20))
        .until(() -> c.status().lastError() != null && !c.isConnected());
    return c.status().lastError();
  }

  /**
   * What the agent says (status lastError, logged as one line) when the broker drops the TLS
   * connection over the client certificate: with TLS 1.3 the client's handshake is done before the
   * broker checks the certificate, so the broker's alert ({@code alert}) and the closed socket race
   * with Paho's CONNECT, and the cause is either the alert or "Broken pipe" / "Connection reset".
   * Whichever wins, the line names the URL, says what to do ({@code hint} after the alert, {@code
   * raceHint} after a closed socket) and keeps the original cause in brackets.
   */
  private static java.util.regex.Pattern refusedDuringTheHandshake(
      String alert, String hint, String raceHint) {
    return java.util.regex.Pattern.compile(
        "connect to \\[ssl://127\\.0\\.0\\.1:"
            + broker.sslUrl("127.0.0.1").replaceAll(".*:", "")
            + "\\] failed: ("
            + java.util.regex.Pattern.quote(hint)
            + " \\([^\\n]*\\("
            + alert
            + "\\) Received fatal alert: "
            + alert
            + "[^\\n]*\\)|"
            + java.util.regex.Pattern.quote(raceHint)
            + " \\([^\\n]*(Broken pipe|Connection reset)[^\\n]*\\))");
  }

  @Test
  void withAClientCertificateFromTheBrokersCaTheAgentConnectsAndPublishes() throws Exception {
    try (TestClient watcher = TestClient.connect(broker.url(), "watch-ok", null, null)) {
      watcher.subscribe("signed/#", 1);
      InMemoryOutbox outbox = queued("signed", 3);
      MqttConnection c = agent(options("gw-signed", client), outbox);
      assertThat(c.awaitConnected(Duration.ofSeconds(20))).as(broker.log()).isTrue();
      await().atMost(Duration.ofSeconds(30)).until(() -> outbox.depth() == 0);
      await()
          .atMost(Duration.ofSeconds(10))
          .untilAsserted(
              () ->
                  assertThat(watcher.received())
                      .extracting(TestClient.Received::payload)
                      .containsExactlyInAnyOrder("m0", "m1", "m2"));
    }
  }

  @Test
  void aClientCertificateFromAnotherCaIsRefusedByTheBroker() {
    MqttConnection c = agent(options("gw-foreign", foreignClient), new InMemoryOutbox());
    assertThat(lastErrorEventually(c))
        .matches(
            refusedDuringTheHandshake(
                "unknown_ca",
                "broker refused the TLS client certificate in mqtt.tls.cert_file "
                    + foreignClient.cert()
                    + ": is it signed by a CA the broker trusts?",
                "broker closed the TLS connection while connecting; if it refused the TLS client"
                    + " certificate, check that mqtt.tls.cert_file "
                    + foreignClient.cert()
                    + " is signed by a CA the broker trusts"));
    assertThat(c.isConnected()).isFalse();
  }

  @Test
  void withoutAClientCertificateTheAgentIsRefusedKeepsItsQueueAndDeliversItOnceConfigured()
      throws Exception {
    InMemoryOutbox outbox = queued("unsigned", 5);
    MqttConnection without = agent(options("gw-unsigned", null), outbox);
    assertThat(lastErrorEventually(without))
        .matches(
            refusedDuringTheHandshake(
                "certificate_required",
                "broker requires a client certificate: set mqtt.tls.cert_file and key_file",
                "broker closed the TLS connection while connecting; if it requires a client"
                    + " certificate, set mqtt.tls.cert_file and key_file"));
    assertThat(without.isConnected()).isFalse();
    assertThat(outbox.depth()).isEqualTo(5);
    closeAll(); // the user adds mqtt.tls.cert_file and key_file and restarts the agent

    try (TestClient watcher = TestClient.connect(broker.url(), "watch-fixed", null, null)) {
      watcher.subscribe("unsigned/#", 1);
      MqttConnection with = agent(options("gw-unsigned", client), outbox);
      assertThat(with.awaitConnected(Duration.ofSeconds(20))).as(broker.log()).isTrue();
      await().atMost(Duration.ofSeconds(30)).until(() -> outbox.depth() == 0);
      await()
          .atMost(Duration.ofSeconds(10))
          .untilAsserted(
              () ->
                  assertThat(watcher.received())
                      .extracting(TestClient.Received::payload)
                      .containsExactlyInAnyOrder("m0", "m1", "m2", "m3", "m4"));
    }
  }
}
