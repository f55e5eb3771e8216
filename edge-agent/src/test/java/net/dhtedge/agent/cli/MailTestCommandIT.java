package net.dhtedge.agent.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import javax.net.ssl.SSLContext;
import net.dhtedge.agent.testing.MosquittoBroker;
import net.dhtedge.agent.testing.StartTlsSmtpServer;
import net.dhtedge.agent.testing.TestPki;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class MailTestCommandIT {

  @TempDir Path dir;
  private GreenMail smtp;

  @AfterEach
  void down() {
    if (smtp != null) {
      smtp.stop();
    }
  }

  private record Run(int code, String out, String err) {}

  private static Run run(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    CommandLine cl = new CommandLine(new Main()).setCaseInsensitiveEnumValuesAllowed(true);
    cl.setOut(new PrintWriter(out, true));
    cl.setErr(new PrintWriter(err, true));
    int code = cl.execute(args);
    return new Run(code, out.toString(), err.toString());
  }

  private Path config(int port) throws Exception {
    return Files.writeString(
        dir.resolve("edge-agent.yml"),
        "agent:\n  name: gw1\n  data_dir: "
            + dir.resolve("data")
            + "\nmail:\n  enabled: true\n  host: 127.0.0.1\n  port: "
            + port
            + "\n  security: none\n  from: agent@example.org\n  to: [ops@example.org]\n");
  }

  @Test
  void aTestMailThatTheServerAcceptsExitsZeroAndSaysSo() throws Exception {
    int port = MosquittoBroker.freePort();
    smtp = new GreenMail(new ServerSetup(port, "127.0.0.1", ServerSetup.PROTOCOL_SMTP));
    smtp.start();
    Run r = run("mail-test", "--config", config(port).toString(), "--to", "me@example.org");
    assertThat(r.code()).as(r.out() + r.err()).isZero();
    assertThat(r.out())
        .contains("connected: yes")
        .contains("tls:       no")
        .contains("auth:      not configured")
        .contains("accepted:  250");
    assertThat(smtp.getReceivedMessages()).hasSize(1);
    assertThat(smtp.getReceivedMessages()[0].getAllRecipients()[0].toString())
        .isEqualTo("me@example.org");
  }

  @Test
  void aTestMailOverStarttlsWithALoginReportsTlsAndAuthAndArrivesEncrypted() throws Exception {
    TestPki pki = TestPki.create(dir.resolve("pki"), "mail");
    try (StartTlsSmtpServer starttls =
        StartTlsSmtpServer.start(
            pki.issue("smtp", "localhost", "DNS:localhost", "IP:127.0.0.1"), "agent", "s3cret")) {
      Path config = starttlsConfig(starttls.port());
      // The mail side trusts the JVM's trust store; users add a private CA to it (e.g.
      // -Djavax.net.ssl.trustStore in EDGE_AGENT_JAVA_OPTS). In-process, that is the default
      // SSLContext, set for this run only.
      SSLContext before = SSLContext.getDefault();
      CliRun r;
      try {
        SSLContext.setDefault(pki.trustingContext());
        r = CliRun.of("mail-test", "--config", config.toString(), "--to", "me@example.org");
      } finally {
        SSLContext.setDefault(before);
      }
      assertThat(r.exit()).as(r.lines() + r.err()).isZero();
      assertThat(r.lines())
          .containsSubsequence(
              "SMTP localhost:" + starttls.port() + " (starttls) as agent -> [me@example.org]",
              "connected: yes",
              "tls:       yes",
              "auth:      yes")
          .anyMatch(l -> l.startsWith("accepted:  250"));
      assertThat(starttls.logins())
          .containsExactly(new StartTlsSmtpServer.Login("agent", true, true));
      assertThat(starttls.received()).hasSize(1);
      assertThat(starttls.received().get(0).tls()).isTrue();
      assertThat(starttls.received().get(0).recipients()).containsExactly("me@example.org");
      assertThat(starttls.received().get(0).text()).contains("test mail from edge-agent mail-test");
    }
  }

  @Test
  void aStarttlsCertificateTheJvmDoesNotTrustIsReportedAsConnectedButTlsRefused() throws Exception {
    TestPki pki = TestPki.create(dir.resolve("pki"), "mail");
    try (StartTlsSmtpServer starttls =
        StartTlsSmtpServer.start(
            pki.issue("smtp", "localhost", "DNS:localhost", "IP:127.0.0.1"), "agent", "s3cret")) {
      Path config = starttlsConfig(starttls.port());
      // The JVM's trust store does not know the test CA: the server greets us, STARTTLS starts
      // and the handshake is refused on our side.
      CliRun r = CliRun.of("mail-test", "--config", config.toString(), "--to", "me@example.org");

      assertThat(r.exit()).as(r.lines() + r.err()).isEqualTo(1);
      assertThat(r.lines())
          .containsSubsequence(
              "connected: yes",
              "tls:       refused: server certificate not trusted by the JVM's trust store",
              "auth:      no")
          .anyMatch(
              l ->
                  l.startsWith("refused:   server certificate not trusted")
                      && l.contains("PKIX path building failed"));
      assertThat(starttls.logins()).as("no password sent").isEmpty();
      assertThat(starttls.received()).isEmpty();
    }
  }

  @Test
  void noServerListeningExitsOneWithTheReason() throws Exception {
    int port = MosquittoBroker.freePort();
    Run r = run("mail-test", "--config", config(port).toString());
    assertThat(r.code()).isEqualTo(1);
    assertThat(r.out())
        .contains("connected: no")
        .contains("refused:")
        .contains("Connection refused");
  }

  /** A config mailing through a STARTTLS server on {@code port} as user agent (password file). */
  private Path starttlsConfig(int port) throws Exception {
    Path pw = Files.writeString(dir.resolve("smtp-password"), "s3cret\n");
    Files.setPosixFilePermissions(pw, PosixFilePermissions.fromString("rw-------"));
    return Files.writeString(
        dir.resolve("starttls.yml"),
        "agent:\n  name: gw1\n  data_dir: "
            + dir.resolve("data")
            + "\nmail:\n  enabled: true\n  host: localhost\n  port: "
            + port
            + "\n  security: starttls\n  username: agent\n  password_file: "
            + pw
            + "\n  from: agent@example.org\n  to: [ops@example.org]\n");
  }
}
