package net.dhtedge.agent.doctor;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import javax.net.ssl.SSLContext;
import net.dhtedge.agent.testing.StartTlsSmtpServer;
import net.dhtedge.agent.testing.TestPki;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The SMTP check against a real STARTTLS server (SubEthaSMTP with a {@link TestPki} certificate).
 * The doctor, like the agent, trusts the JVM's trust store, where users add a private CA ({@code
 * -Djavax.net.ssl.trustStore}); in-process that is the default SSLContext, set to trust the test CA
 * for each test and put back after it. The server would take AUTH in clear text too, so what it
 * records about TLS at login is the doctor's doing.
 */
class SmtpCheckStartTlsTest {

  @TempDir static Path pkiDir;
  static TestPki pki;
  static TestPki.Issued localhost;
  static TestPki.Issued otherHost;

  @TempDir Path dir;
  private SSLContext before;
  private StartTlsSmtpServer smtp;

  @BeforeAll
  static void certificates() {
    pki = TestPki.create(pkiDir.resolve("pki"), "mail");
    localhost = pki.issue("smtp", "localhost", "DNS:localhost", "IP:127.0.0.1");
    otherHost = pki.issue("smtp-other", "mail.other.example", "DNS:mail.other.example");
  }

  @BeforeEach
  void trustTheTestCa() throws Exception {
    before = SSLContext.getDefault();
    SSLContext.setDefault(pki.trustingContext());
  }

  @AfterEach
  void down() {
    SSLContext.setDefault(before);
    if (smtp != null) {
      smtp.close();
    }
  }

  private Finding check(String password) throws Exception {
    Path pw = Files.writeString(dir.resolve("smtp-password"), password + "\n");
    Files.setPosixFilePermissions(pw, PosixFilePermissions.fromString("rw-------"));
    String yaml =
        "mail:\n  enabled: true\n  host: localhost\n  port: "
            + smtp.port()
            + "\n  security: starttls\n  username: agent\n  password_file: "
            + pw
            + "\n  from: agent@example.org\n  to: [ops@example.org]\n";
    return new SmtpCheck(new FakeMachine(dir).env()).run(FakeMachine.config(yaml)).get(0);
  }

  @Test
  void starttlsWithTheRightTrustPassesSaysTlsAndLogsInOnlyAfterTheUpgrade() throws Exception {
    smtp = StartTlsSmtpServer.start(localhost, "agent", "s3cret");

    Finding f = check("s3cret");

    assertThat(f.status()).as(f.toString()).isEqualTo(Status.OK);
    assertThat(f.message())
        .isEqualTo(
            "localhost:" + smtp.port() + " (starttls): connected over TLS, user agent accepted");
    assertThat(smtp.logins()).containsExactly(new StartTlsSmtpServer.Login("agent", true, true));
    assertThat(smtp.received()).as("the doctor sends no mail").isEmpty();
  }

  @Test
  void aCertificateForAnotherHostFailsNamingTheHostAndSendsNoPassword() throws Exception {
    smtp = StartTlsSmtpServer.start(otherHost, "agent", "s3cret");

    Finding f = check("s3cret");

    assertThat(f.status()).isEqualTo(Status.FAIL);
    assertThat(f.message())
        .startsWith(
            "localhost:"
                + smtp.port()
                + " (starttls): the server's TLS certificate is not valid for host name"
                + " 'localhost' (")
        .contains("No subject alternative DNS name matching localhost found");
    assertThat(f.fix()).contains("mail.host");
    assertThat(smtp.logins()).as("no password sent").isEmpty();
  }

  @Test
  void aWrongPasswordOverStarttlsFailsAsRefusedCredentials() throws Exception {
    smtp = StartTlsSmtpServer.start(localhost, "agent", "s3cret");

    Finding f = check("wrong");

    assertThat(f.status()).isEqualTo(Status.FAIL);
    assertThat(f.message())
        .isEqualTo(
            "localhost:"
                + smtp.port()
                + " (starttls): the server refused the credentials (user"
                + " agent)");
    assertThat(f.fix()).contains("mail.password_file");
    assertThat(smtp.logins()).containsExactly(new StartTlsSmtpServer.Login("agent", false, true));
  }
}
