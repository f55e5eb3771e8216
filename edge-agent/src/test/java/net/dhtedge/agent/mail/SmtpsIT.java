package net.dhtedge.agent.mail;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;
import jakarta.mail.internet.MimeMessage;
import java.nio.file.Path;
import java.time.Duration;
import net.dhtedge.agent.testing.MosquittoBroker;
import net.dhtedge.agent.testing.TestPki;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * SMTPS against GreenMail with a certificate from a test CA (SAN 127.0.0.1): trusted only in this
 * test, and the host name is checked.
 */
class SmtpsIT {

  @TempDir static Path dir;
  static GreenMail smtp;
  static TestPki pki;
  static int port;

  @BeforeAll
  static void up() {
    pki = TestPki.create(dir, "mail");
    TestPki.Issued server = pki.issue("smtp-server", "mail.test", "IP:127.0.0.1", "DNS:localhost");
    // GreenMail reads its key store once per JVM, from these properties.
    System.setProperty("greenmail.tls.keystore.file", server.p12().toString());
    System.setProperty("greenmail.tls.keystore.password", server.p12Password());
    System.setProperty("greenmail.tls.key.password", server.p12Password());
    port = MosquittoBroker.freePort();
    smtp = new GreenMail(new ServerSetup(port, "127.0.0.1", ServerSetup.PROTOCOL_SMTPS));
    smtp.setUser("agent@example.org", "agent", "s3cret");
    smtp.start();
  }

  @AfterAll
  static void down() {
    if (smtp != null) {
      smtp.stop();
    }
  }

  private static MailOptions options(String host, javax.net.ssl.SSLSocketFactory f) {
    return TlsMailFixtures.options(
        host, port, MailOptions.Security.SMTPS, "s3cret", Duration.ofSeconds(5), f);
  }

  private static MimeMessage mail(SmtpTransport t, MailOptions o) throws Exception {
    return TlsMailFixtures.mail(t, o, 1, 31.0, "hot");
  }

  @Test
  void smtpsWithATrustedCertificateAndLoginIsAcceptedOverTls() throws Exception {
    MailOptions o = options("127.0.0.1", pki.trustingSocketFactory());
    SmtpTransport t = new SmtpTransport(o);
    MailTransport.Outcome out = t.send(mail(t, o));
    assertThat(out.connected()).isTrue();
    assertThat(out.tls()).isTrue();
    assertThat(out.authenticated()).isTrue();
    assertThat(out.accepted()).isTrue();
    assertThat(out.reply()).startsWith("250");
    assertThat(smtp.getReceivedMessages()).isNotEmpty();
  }

  @Test
  void anUntrustedServerCertificateIsRefusedBeforeTheLogin() throws Exception {
    MailOptions o = options("127.0.0.1", null); // the JVM's trust store does not know the test CA
    SmtpTransport t = new SmtpTransport(o);
    MimeMessage m = mail(t, o);
    MailTransport.SendException e =
        assertThrows(MailTransport.SendException.class, () -> t.send(m));
    assertThat(e.outcome().connected()).as("the TCP connection was made").isTrue();
    assertThat(e.outcome().tls()).isFalse();
    assertThat(e.outcome().tlsRefused())
        .isEqualTo("server certificate not trusted by the JVM's trust store");
    assertThat(e.getMessage()).contains("PKIX path building failed");
  }
}
