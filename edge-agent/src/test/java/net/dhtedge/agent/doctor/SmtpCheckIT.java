package net.dhtedge.agent.doctor;

import static org.assertj.core.api.Assertions.assertThat;

import com.icegreen.greenmail.configuration.GreenMailConfiguration;
import com.icegreen.greenmail.junit5.GreenMailExtension;
import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** The SMTP check against GreenMail (plain SMTP on a free port, one user). */
class SmtpCheckIT {

  @RegisterExtension
  static final GreenMailExtension mail =
      new GreenMailExtension(new ServerSetup(0, "127.0.0.1", ServerSetup.PROTOCOL_SMTP))
          .withConfiguration(
              GreenMailConfiguration.aConfig().withUser("alerts@example.org", "alerts", "pw"));

  @TempDir Path dir;

  private Finding check(String security, String user, String password) throws Exception {
    StringBuilder yaml =
        new StringBuilder("mail:\n  enabled: true\n  host: 127.0.0.1\n")
            .append("  port: ")
            .append(mail.getSmtp().getPort())
            .append("\n  security: ")
            .append(security)
            .append("\n  from: alerts@example.org\n  to: [me@example.org]\n");
    if (user != null) {
      Path pw = Files.writeString(dir.resolve("smtp-password"), password);
      Files.setPosixFilePermissions(pw, PosixFilePermissions.fromString("rw-------"));
      yaml.append("  username: ").append(user).append("\n  password_file: ").append(pw);
      yaml.append('\n');
    }
    return new SmtpCheck(new FakeMachine(dir).env())
        .run(FakeMachine.config(yaml.toString()))
        .get(0);
  }

  @Test
  void theRightLoginIsAccepted() throws Exception {
    Finding f = check("none", "alerts", "pw");

    assertThat(f.status()).isEqualTo(Status.OK);
    assertThat(f.message()).endsWith("(none): connected, user alerts accepted");
    assertThat(mail.getReceivedMessages()).isEmpty();
  }

  @Test
  void aWrongPasswordIsReportedAsRefusedCredentials() throws Exception {
    Finding f = check("none", "alerts", "wrong");

    assertThat(f.status()).isEqualTo(Status.FAIL);
    assertThat(f.message()).endsWith("the server refused the credentials (user alerts)");
    assertThat(f.fix()).contains("mail.password_file");
  }

  @Test
  void aServerWithoutStarttlsFailsWhenStarttlsIsRequired() throws Exception {
    Finding f = check("starttls", "alerts", "pw");

    assertThat(f.status()).isEqualTo(Status.FAIL);
    assertThat(f.message()).endsWith("the server does not offer STARTTLS");
  }

  @Test
  void aPortWhereNothingListensIsUnreachable() throws Exception {
    int closed = net.dhtedge.agent.testing.MosquittoBroker.freePort();
    String yaml =
        "mail:\n  enabled: true\n  host: 127.0.0.1\n  port: "
            + closed
            + "\n  security: none\n  from: a@example.org\n  to: b@example.org\n";

    Finding f = new SmtpCheck(new FakeMachine(dir).env()).run(FakeMachine.config(yaml)).get(0);

    assertThat(f.status()).isEqualTo(Status.FAIL);
    assertThat(f.message()).startsWith("127.0.0.1:" + closed + " (none): unreachable");
  }

  @Test
  void smtpsWithACertificateNoCaVouchesForIsNotTrusted() throws Exception {
    GreenMail smtps = new GreenMail(new ServerSetup(0, "127.0.0.1", ServerSetup.PROTOCOL_SMTPS));
    smtps.start();
    try {
      String yaml =
          "mail:\n  enabled: true\n  host: 127.0.0.1\n  port: "
              + smtps.getSmtps().getPort()
              + "\n  security: smtps\n  from: a@example.org\n  to: b@example.org\n";

      Finding f = new SmtpCheck(new FakeMachine(dir).env()).run(FakeMachine.config(yaml)).get(0);

      assertThat(f.status()).isEqualTo(Status.FAIL);
      assertThat(f.message())
          .endsWith("(smtps): the server's TLS certificate is not signed by a CA the JVM trusts");
    } finally {
      smtps.stop();
    }
  }

  @Test
  void mailOffNeedsNoServer() {
    Finding f = new SmtpCheck(new FakeMachine(dir).env()).run(FakeMachine.config("{}\n")).get(0);

    assertThat(f.status()).isEqualTo(Status.OK);
    assertThat(f.message()).isEqualTo("mail is off (mail.enabled: false)");
  }
}
