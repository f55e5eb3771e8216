package net.dhtedge.agent.mail;

import jakarta.mail.internet.MimeMessage;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import javax.net.ssl.SSLSocketFactory;
import net.dhtedge.agent.config.Secret;
import net.dhtedge.agent.store.MailJob;

/** What the TLS mail tests (SMTPS, STARTTLS) send and with which options. */
final class TlsMailFixtures {

  private TlsMailFixtures() {}

  /** User {@code agent}, one recipient, no rate limit, short retries. */
  static MailOptions options(
      String host,
      int port,
      MailOptions.Security security,
      String password,
      Duration timeout,
      SSLSocketFactory trust) {
    return new MailOptions(
        true,
        host,
        port,
        security,
        "agent",
        password == null ? null : new Secret(password, Secret.Origin.INLINE),
        "agent@example.org",
        List.of("ops@example.org"),
        Duration.ZERO,
        "http://gw:8080/",
        Duration.ofMillis(50),
        Duration.ofMillis(200),
        timeout,
        trust);
  }

  /** The mail of an opened temperature incident on device {@code lab}. */
  static MimeMessage mail(
      SmtpTransport t, MailOptions o, long incidentId, double value, String text) throws Exception {
    Instant at = Instant.parse("2026-11-27T10:00:00Z");
    MailJob job =
        new MailJob(
            incidentId,
            "created",
            "lab",
            "temperature_max",
            "temperature",
            value,
            30.0,
            text,
            at,
            at);
    return new MailComposer(o, "gw1").single(t.session(), job);
  }
}
