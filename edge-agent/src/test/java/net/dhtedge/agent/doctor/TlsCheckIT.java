package net.dhtedge.agent.doctor;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLServerSocket;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The TLS check against a JDK TLS server whose certificate (for {@code localhost} only) is signed
 * by a test CA made with keytool.
 */
class TlsCheckIT {

  @TempDir static Path dir;
  static SSLServerSocket server;
  static Thread acceptor;
  static Path caPem;
  static Path otherCaPem;

  @BeforeAll
  static void startServer() throws Exception {
    keytool(
        "-genkeypair",
        "-alias",
        "ca",
        "-keyalg",
        "EC",
        "-dname",
        "CN=Test CA",
        "-ext",
        "bc:c",
        "-validity",
        "30",
        "-keystore",
        "ca.p12");
    keytool("-exportcert", "-rfc", "-alias", "ca", "-keystore", "ca.p12", "-file", "ca.pem");
    keytool(
        "-genkeypair",
        "-alias",
        "other",
        "-keyalg",
        "EC",
        "-dname",
        "CN=Other CA",
        "-ext",
        "bc:c",
        "-keystore",
        "other.p12");
    keytool(
        "-exportcert", "-rfc", "-alias", "other", "-keystore", "other.p12", "-file", "other.pem");
    keytool(
        "-genkeypair",
        "-alias",
        "server",
        "-keyalg",
        "EC",
        "-dname",
        "CN=localhost",
        "-keystore",
        "server.p12");
    keytool("-certreq", "-alias", "server", "-keystore", "server.p12", "-file", "server.csr");
    keytool(
        "-gencert",
        "-alias",
        "ca",
        "-keystore",
        "ca.p12",
        "-infile",
        "server.csr",
        "-outfile",
        "server.pem",
        "-rfc",
        "-validity",
        "20",
        "-ext",
        "san=dns:localhost");
    keytool(
        "-importcert", "-noprompt", "-alias", "ca", "-keystore", "server.p12", "-file", "ca.pem");
    keytool("-importcert", "-alias", "server", "-keystore", "server.p12", "-file", "server.pem");
    caPem = dir.resolve("ca.pem");
    otherCaPem = dir.resolve("other.pem");

    KeyStore ks = KeyStore.getInstance("PKCS12");
    try (InputStream in = Files.newInputStream(dir.resolve("server.p12"))) {
      ks.load(in, "changeit".toCharArray());
    }
    KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
    kmf.init(ks, "changeit".toCharArray());
    SSLContext ctx = SSLContext.getInstance("TLS");
    ctx.init(kmf.getKeyManagers(), null, null);
    server =
        (SSLServerSocket)
            ctx.getServerSocketFactory()
                .createServerSocket(0, 10, InetAddress.getLoopbackAddress());
    acceptor = new Thread(TlsCheckIT::serve, "tls-test-server");
    acceptor.setDaemon(true);
    acceptor.start();
  }

  private static void serve() {
    while (!server.isClosed()) {
      try (SSLSocket s = (SSLSocket) server.accept()) {
        s.setSoTimeout(5000);
        s.startHandshake();
      } catch (IOException e) {
        // a refused handshake is what several tests provoke; keep serving
      }
    }
  }

  @AfterAll
  static void stopServer() throws Exception {
    if (server != null) {
      server.close();
      acceptor.join(5000);
    }
  }

  private static void keytool(String... args) throws Exception {
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "keytool").toString());
    cmd.addAll(List.of(args));
    cmd.addAll(List.of("-storepass", "changeit", "-storetype", "PKCS12"));
    Process p = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes());
    if (p.waitFor() != 0) {
      throw new IOException("keytool " + String.join(" ", args) + ": " + out);
    }
  }

  private Finding check(FakeMachine m, String host, Path ca, boolean verifyHostname) {
    String yaml =
        "mqtt:\n  servers: [ssl://"
            + host
            + ":"
            + server.getLocalPort()
            + "]\n  tls:\n    ca_file: "
            + ca
            + "\n    verify_hostname: "
            + verifyHostname
            + "\n";
    return new TlsCheck(m.env()).run(FakeMachine.config(yaml)).get(0);
  }

  @Test
  void aCertificateFromTheConfiguredCaForThisHostIsTrusted() {
    FakeMachine m = new FakeMachine(dir);
    m.now = Instant.now();

    Finding f = check(m, "localhost", caPem, true);

    assertThat(f.status()).isEqualTo(Status.OK);
    assertThat(f.message()).contains(": trusted by " + caPem + ", host name matches, valid until");
  }

  @Test
  void aCertificateFromAnotherCaIsNotTrusted() {
    Finding f = check(new FakeMachine(dir), "localhost", otherCaPem, true);

    assertThat(f.status()).isEqualTo(Status.FAIL);
    assertThat(f.message())
        .endsWith("the broker's certificate is not signed by a CA in " + otherCaPem);
    assertThat(f.fix()).contains("mqtt.tls.ca_file");
  }

  @Test
  void connectingByAnAddressTheCertificateDoesNotNameFailsTheHostNameCheck() {
    Finding f = check(new FakeMachine(dir), "127.0.0.1", caPem, true);

    assertThat(f.status()).isEqualTo(Status.FAIL);
    assertThat(f.message()).contains("the certificate does not name host 127.0.0.1");
  }

  @Test
  void withoutTheHostNameCheckTheSameAddressPassesAndTheReportSaysItWasNotChecked() {
    FakeMachine m = new FakeMachine(dir);
    m.now = Instant.now();

    Finding f = check(m, "127.0.0.1", caPem, false);

    assertThat(f.status()).isEqualTo(Status.OK);
    assertThat(f.message()).contains("host name NOT checked");
  }

  @Test
  void aCertificateExpiringWithinTwoWeeksIsAWarning() {
    FakeMachine m = new FakeMachine(dir);
    m.now = Instant.now().plus(Duration.ofDays(10)); // the server certificate is valid for 20 days

    Finding f = check(m, "localhost", caPem, true);

    assertThat(f.status()).isEqualTo(Status.WARN);
    assertThat(f.message()).contains("trusted, but the certificate expires");
  }

  @Test
  void aPlainTcpBrokerNeedsNoTlsCheck() {
    Finding f = new TlsCheck(new FakeMachine(dir).env()).run(FakeMachine.config("{}\n")).get(0);

    assertThat(f.message()).isEqualTo("no ssl:// or wss:// broker configured");
  }
}
