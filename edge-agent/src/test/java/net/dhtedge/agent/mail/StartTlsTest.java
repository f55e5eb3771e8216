package net.dhtedge.agent.mail;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertThrows;

import jakarta.mail.internet.MimeMessage;
import java.nio.file.Path;
import java.time.Duration;
import javax.net.ssl.SSLSocketFactory;
import net.dhtedge.agent.testing.StartTlsSmtpServer;
import net.dhtedge.agent.testing.TestPki;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * STARTTLS against a real SMTP server that offers it (SubEthaSMTP, which GreenMail 2.1 is not): the
 * plain connection on the submission port is upgraded, the certificate from a test CA is checked
 * against the CA and the host name, and only then are the password and the mail sent. The server
 * would also take AUTH and mail in clear text, so what it records about TLS is the agent's doing.
 */
class StartTlsTest {

  @TempDir static Path dir;
  static TestPki pki;
  static TestPki rogue;
  static TestPki.Issued localhost;
  static TestPki.Issued otherHost;
  static TestPki.Issued fromRogue;
  private StartTlsSmtpServer smtp;

  @BeforeAll
  static void pki() {
    pki = TestPki.create(dir.resolve("pki"), "mail");
    rogue = TestPki.create(dir.resolve("rogue"), "rogue");
    localhost = pki.issue("smtp", "localhost", "DNS:localhost", "IP:127.0.0.1");
    otherHost = pki.issue("smtp-other", "mail.other.example", "DNS:mail.other.example");
    fromRogue = rogue.issue("smtp-rogue", "localhost", "DNS:localhost", "IP:127.0.0.1");
  }

  @AfterEach
  void down() {
    if (smtp != null) {
      smtp.close();
    }
  }

  private MailOptions options(String host, String password, SSLSocketFactory trust) {
    return TlsMailFixtures.options(
        host, smtp.port(), MailOptions.Security.STARTTLS, password, Duration.ofSeconds(10), trust);
  }

  private static MimeMessage mail(SmtpTransport t, MailOptions o) throws Exception {
    return TlsMailFixtures.mail(t, o, 7, 31.5, "too hot in the lab");
  }

  private static MailTransport.SendException refused(MailOptions o) throws Exception {
    SmtpTransport t = new SmtpTransport(o);
    MimeMessage m = mail(t, o);
    return assertThrows(MailTransport.SendException.class, () -> t.send(m));
  }

  @Test
  void starttlsWithTheRightCaAndHostNameDeliversTheMailAfterUpgradingBeforeTheLogin()
      throws Exception {
    smtp = StartTlsSmtpServer.start(localhost, "agent", "s3cret");
    MailOptions o = options("localhost", "s3cret", pki.trustingSocketFactory());
    SmtpTransport t = new SmtpTransport(o);
    MimeMessage sent = mail(t, o);

    MailTransport.Outcome out = t.send(sent);

    assertThat(out.connected()).isTrue();
    assertThat(out.tls()).isTrue();
    assertThat(out.authenticated()).isTrue();
    assertThat(out.accepted()).isTrue();
    assertThat(out.reply()).startsWith("250");
    assertThat(smtp.logins()).containsExactly(new StartTlsSmtpServer.Login("agent", true, true));
    assertThat(smtp.received()).hasSize(1);
    StartTlsSmtpServer.Received r = smtp.received().get(0);
    assertThat(r.tls()).as("TLS active on the server's side at DATA").isTrue();
    assertThat(r.user()).isEqualTo("agent");
    assertThat(r.from()).isEqualTo("agent@example.org");
    assertThat(r.recipients()).containsExactly("ops@example.org");
    assertThat(r.subject()).isEqualTo(sent.getSubject()).contains("gw1").contains("lab");
    assertThat(r.text()).contains("temperature_max").contains("31.5").contains("http://gw:8080/");
  }

  @Test
  void starttlsToAServerWhoseCertificateIsForAnotherHostIsRefusedNamingTheHostNameCheck()
      throws Exception {
    smtp = StartTlsSmtpServer.start(otherHost, "agent", "s3cret");
    MailTransport.SendException e =
        refused(options("localhost", "s3cret", pki.trustingSocketFactory()));
    assertThat(e.outcome().accepted()).isFalse();
    assertThat(e.outcome().authenticated()).isFalse();
    assertThat(e.outcome().connected()).as("connected before STARTTLS").isTrue();
    assertThat(e.outcome().tls()).isFalse();
    assertThat(e.outcome().tlsRefused())
        .isEqualTo("server certificate not valid for host name 'localhost'");
    assertThat(e.getMessage())
        .startsWith(
            "server certificate is not valid for host name 'localhost' (host-name verification"
                + " failed; set mail.host to a name in the certificate): ")
        .contains("No subject alternative DNS name matching localhost found");
    assertThat(smtp.logins()).as("no password sent").isEmpty();
    assertThat(smtp.received()).isEmpty();
  }

  @Test
  void starttlsToAServerWithACertificateFromAnUntrustedCaIsRefused() throws Exception {
    smtp = StartTlsSmtpServer.start(fromRogue, "agent", "s3cret");
    MailTransport.SendException e =
        refused(options("localhost", "s3cret", pki.trustingSocketFactory()));
    assertThat(e.outcome().accepted()).isFalse();
    assertThat(e.outcome().authenticated()).isFalse();
    assertThat(e.outcome().connected()).as("connected before STARTTLS").isTrue();
    assertThat(e.outcome().tlsRefused())
        .isEqualTo("server certificate not trusted by the configured CA");
    assertThat(e.getMessage())
        .startsWith("server certificate not trusted by the configured CA: ")
        .contains("PKIX path building failed");
    assertThat(smtp.logins()).as("no password sent").isEmpty();
    assertThat(smtp.received()).isEmpty();
  }

  @Test
  void aWrongPasswordOverStarttlsIsRefusedAsALoginFailureAndNothingIsDelivered() throws Exception {
    smtp = StartTlsSmtpServer.start(localhost, "agent", "s3cret");
    MailTransport.SendException e =
        refused(options("localhost", "wrong", pki.trustingSocketFactory()));
    assertThat(e.outcome().connected()).isTrue();
    assertThat(e.outcome().tls()).isTrue();
    assertThat(e.outcome().authenticated()).isFalse();
    assertThat(e.outcome().accepted()).isFalse();
    assertThat(e.outcome().reply()).startsWith("login refused for user 'agent': ").contains("535");
    assertThat(smtp.logins()).isNotEmpty().allMatch(l -> !l.accepted() && l.tls());
    assertThat(smtp.received()).isEmpty();
  }
}
