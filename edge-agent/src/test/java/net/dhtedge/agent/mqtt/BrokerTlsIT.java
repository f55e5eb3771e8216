package net.dhtedge.agent.mqtt;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
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
 * TLS and users against private Mosquitto brokers ({@code allow_anonymous false}, a password file
 * made by mosquitto_passwd) with certificates from a CA made in the test by openssl.
 */
class BrokerTlsIT {

  @TempDir static Path dir;
  static TestPki pki;
  static TestPki rogue;
  static MosquittoBroker good;
  static MosquittoBroker otherHost;
  static MosquittoBroker untrusted;
  static final AtomicInteger N = new AtomicInteger();
  private final List<AutoCloseable> closeables = new ArrayList<>();

  @BeforeAll
  static void up() {
    pki = TestPki.create(dir.resolve("pki"), "edge");
    rogue = TestPki.create(dir.resolve("rogue"), "rogue");
    TestPki.Issued server = pki.issue("server", "localhost", "DNS:localhost", "IP:127.0.0.1");
    TestPki.Issued other = pki.issue("other", "other.example", "DNS:other.example");
    TestPki.Issued fake = rogue.issue("fake", "localhost", "DNS:localhost", "IP:127.0.0.1");
    good =
        MosquittoBroker.builder(dir.resolve("good"))
            .tls(pki.caCert(), server.cert(), server.key())
            .wss(true)
            .credentials("agent", "s3cret")
            .start();
    otherHost =
        MosquittoBroker.builder(dir.resolve("other"))
            .tls(pki.caCert(), other.cert(), other.key())
            .credentials("agent", "s3cret")
            .start();
    untrusted =
        MosquittoBroker.builder(dir.resolve("untrusted"))
            .tls(rogue.caCert(), fake.cert(), fake.key())
            .credentials("agent", "s3cret")
            .start();
  }

  @AfterAll
  static void down() {
    for (MosquittoBroker b : new MosquittoBroker[] {good, otherHost, untrusted}) {
      if (b != null) {
        b.close();
      }
    }
  }

  @AfterEach
  void closeAll() throws Exception {
    for (AutoCloseable c : closeables.reversed()) {
      c.close();
    }
  }

  private static MqttOptions.Builder options(String url, String user, String password) {
    return MqttOptions.builder()
        .serverUri(url)
        .clientId("tls-" + N.incrementAndGet())
        .topicPrefix("tls" + N.get())
        .username(user)
        .password(password == null ? null : password.toCharArray())
        .subscribe(false)
        .reconnect(Duration.ofMillis(100), Duration.ofMillis(400))
        .connectTimeout(Duration.ofSeconds(3))
        .tls(new TlsOptions(pki.caCert(), null, null, true));
  }

  private MqttConnection connect(MqttOptions o) {
    MqttConnection c =
        new MqttConnection(o, new PahoClientPort(o), Clock.systemUTC(), "1.0", new Random());
    closeables.add(c);
    c.start();
    return c;
  }

  private static String lastErrorEventually(MqttConnection c) {
    await()
        .atMost(Duration.ofSeconds(20))
        .until(() -> c.status().lastError() != null && !c.isConnected());
    return c.status().lastError();
  }

  @Test
  void theRightUserOverTlsWithTheCaFileConnectsByIpAndByName() throws Exception {
    MqttConnection byIp = connect(options(good.sslUrl("127.0.0.1"), "agent", "s3cret").build());
    MqttConnection byName = connect(options(good.sslUrl("localhost"), "agent", "s3cret").build());
    assertThat(byIp.awaitConnected(Duration.ofSeconds(20))).isTrue();
    assertThat(byName.awaitConnected(Duration.ofSeconds(20))).isTrue();
  }

  @Test
  void wssWithTheCaFileConnectsAndAnotherCaIsRefusedThereToo() throws Exception {
    MqttConnection ok = connect(options(good.wssUrl("127.0.0.1"), "agent", "s3cret").build());
    assertThat(ok.awaitConnected(Duration.ofSeconds(20))).isTrue();
    MqttConnection otherCa =
        connect(
            options(good.wssUrl("127.0.0.1"), "agent", "s3cret")
                .tls(new TlsOptions(rogue.caCert(), null, null, true))
                .build());
    assertThat(lastErrorEventually(otherCa)).contains("broker certificate not trusted by ca_file");
  }

  @Test
  void aWrongPasswordIsRefusedWithOneLineNamingTheUser() {
    MqttConnection c = connect(options(good.sslUrl("127.0.0.1"), "agent", "wrong").build());
    assertThat(lastErrorEventually(c))
        .contains("broker refused user 'agent': bad username or password");
  }

  @Test
  void noUserAtAllIsRefusedAsAnonymous() {
    MqttConnection c = connect(options(good.sslUrl("127.0.0.1"), null, null).build());
    assertThat(lastErrorEventually(c)).contains("broker refused anonymous access");
  }

  @Test
  void aCertificateForAnotherHostIsRefusedNamingBothNames() {
    MqttConnection c = connect(options(otherHost.sslUrl("127.0.0.1"), "agent", "s3cret").build());
    assertThat(lastErrorEventually(c))
        .contains(
            "broker certificate is for CN=other.example, SAN=[DNS:other.example], not 127.0.0.1");
  }

  @Test
  void withHostNameVerificationOffTheOtherHostsCertificateIsAccepted() throws Exception {
    MqttConnection c =
        connect(
            options(otherHost.sslUrl("127.0.0.1"), "agent", "s3cret")
                .tls(new TlsOptions(pki.caCert(), null, null, false))
                .build());
    assertThat(c.awaitConnected(Duration.ofSeconds(20))).isTrue();
  }

  @Test
  void aCertificateFromAnotherCaIsNotTrusted() {
    MqttConnection c = connect(options(untrusted.sslUrl("127.0.0.1"), "agent", "s3cret").build());
    assertThat(lastErrorEventually(c))
        .contains("broker certificate not trusted by ca_file " + pki.caCert())
        .contains("issued by CN=rogue test CA");
  }

  @Test
  void aMissingCaFileStopsTheStartWithItsName() {
    Path missing = dir.resolve("nope/ca.pem");
    MqttOptions o =
        options(good.sslUrl("127.0.0.1"), "agent", "s3cret")
            .tls(new TlsOptions(missing, null, null, true))
            .build();
    assertThatThrownBy(() -> new PahoClientPort(o))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("mqtt.tls.ca_file " + missing + ": cannot read it");
  }

  @Test
  void aTraditionalRsaKeyIsRefusedWithTheConversionCommand() throws Exception {
    TestPki.Issued client = pki.issue("client-pkcs1", "agent");
    Path pkcs1 = dir.resolve("client-pkcs1.rsa.key");
    Process p =
        new ProcessBuilder(
                "openssl",
                "rsa",
                "-traditional",
                "-in",
                client.key().toString(),
                "-out",
                pkcs1.toString())
            .redirectErrorStream(true)
            .start();
    p.getInputStream().readAllBytes();
    assertThat(p.waitFor()).isZero();
    MqttOptions o =
        options(good.sslUrl("127.0.0.1"), "agent", "s3cret")
            .tls(new TlsOptions(pki.caCert(), client.cert(), pkcs1, true))
            .build();
    assertThatThrownBy(() -> new PahoClientPort(o))
        .hasMessageContaining("RSA PRIVATE KEY")
        .hasMessageContaining("openssl pkcs8 -topk8 -nocrypt");
  }

  @Test
  void aClientCertificateWithAPkcs8KeyIsLoadedAndTheConnectionWorks() throws Exception {
    TestPki.Issued client = pki.issue("client", "agent");
    MqttConnection c =
        connect(
            options(good.sslUrl("127.0.0.1"), "agent", "s3cret")
                .tls(new TlsOptions(pki.caCert(), client.cert(), client.key(), true))
                .build());
    assertThat(c.awaitConnected(Duration.ofSeconds(20))).isTrue();
    assertThat(Files.readString(client.key())).startsWith("-----BEGIN PRIVATE KEY-----");
  }

  @Test
  void messagesQueuedWhileTheBrokerRefusesUsAreDeliveredOnceItIsFixed() throws Exception {
    MosquittoBroker fixable =
        MosquittoBroker.builder(dir.resolve("fixable"))
            .tls(pki.caCert(), dir.resolve("pki/server.crt"), dir.resolve("pki/server.key"))
            .credentials("agent", "old-password")
            .start();
    closeables.add(fixable);
    MqttOptions o = options(fixable.sslUrl("127.0.0.1"), "agent", "new-password").build();
    InMemoryOutbox outbox = new InMemoryOutbox();
    for (int i = 0; i < 5; i++) {
      outbox.enqueue("queued/" + i, ("m" + i).getBytes(StandardCharsets.UTF_8), 1, true, 2);
    }
    MqttConnection c =
        new MqttConnection(o, new PahoClientPort(o), Clock.systemUTC(), "1.0", new Random());
    closeables.add(c);
    Publisher publisher = new Publisher(c, outbox, Duration.ofMillis(100), Duration.ofSeconds(5));
    closeables.add(publisher);
    publisher.start();
    c.start();
    assertThat(lastErrorEventually(c)).contains("broker refused user 'agent'");
    assertThat(outbox.depth()).isEqualTo(5);

    fixable.stop();
    fixable.credentials("agent", "new-password");
    fixable.start();

    await().atMost(Duration.ofSeconds(30)).until(() -> outbox.depth() == 0);
    try (TestClient watcher =
        TestClient.connect(fixable.url(), "watch-fixable", "agent", "new-password")) {
      watcher.subscribe("queued/#", 1);
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
