package net.dhtedge.agent.mail;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;
import jakarta.mail.Message;
import jakarta.mail.internet.MimeMessage;
import jakarta.mail.internet.MimeMultipart;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import net.dhtedge.agent.config.Secret;
import net.dhtedge.agent.core.AgentClock;
import net.dhtedge.agent.core.Records;
import net.dhtedge.agent.rules.Incident;
import net.dhtedge.agent.rules.Rule;
import net.dhtedge.agent.rules.Transition;
import net.dhtedge.agent.store.MailJob;
import net.dhtedge.agent.store.Store;
import net.dhtedge.agent.store.StoreOptions;
import net.dhtedge.agent.store.Tx;
import net.dhtedge.agent.testing.MosquittoBroker;
import net.dhtedge.agent.testing.Writes;
import net.dhtedge.gpio.testing.MutableClock;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The mail path against GreenMail, a real SMTP server on a private port, with the mail queue in a
 * real store (HSQLDB files in a temporary directory).
 */
class MailSenderIT {

  private static final Instant T0 = Instant.parse("2026-11-27T10:00:00Z");

  @TempDir Path dir;
  private final List<AutoCloseable> closeables = new ArrayList<>();
  private GreenMail smtp;
  private int port;
  private Store store;

  @AfterEach
  void down() throws Exception {
    for (AutoCloseable c : closeables.reversed()) {
      c.close();
    }
    if (store != null) {
      store.close();
    }
    if (smtp != null) {
      smtp.stop();
    }
  }

  private Store store(Clock clock) {
    if (store == null) {
      store = Store.open(StoreOptions.defaults(dir), clock);
    }
    return store;
  }

  /** The agent stops (cleanly) and starts again: the store is closed and opened. */
  private void restartStore(Clock clock) {
    store.close();
    store = null;
    store(clock);
  }

  /** What the pipeline does for an incident step: queue its mail in a commit, then announce it. */
  private void step(MailSender s, Transition t) {
    queue(store, t);
    s.onIncident(t);
  }

  /** Queues the step's mail the way the pipeline does ({@link Tx#queueMail}); waits for commit. */
  static void queue(Store store, Transition t) {
    Writes.write(store, tx -> tx.queueMail(t));
  }

  private GreenMail startSmtp(int onPort) {
    smtp = new GreenMail(new ServerSetup(onPort, "127.0.0.1", ServerSetup.PROTOCOL_SMTP));
    smtp.setUser("agent@example.org", "agent", "s3cret");
    smtp.start();
    return smtp;
  }

  private MailOptions options(Duration rateLimit) {
    return new MailOptions(
        true,
        "127.0.0.1",
        port,
        MailOptions.Security.NONE,
        "agent",
        new Secret("s3cret", Secret.Origin.INLINE),
        "agent@example.org",
        List.of("ops@example.org"),
        rateLimit,
        "http://gateway:8080/",
        Duration.ofMillis(50),
        Duration.ofMillis(200),
        Duration.ofSeconds(5),
        null);
  }

  private MailSender sender(MailOptions o, AgentClock clock, Duration gather) {
    MailSender s =
        new MailSender(
            o,
            store(clock).mailQueue(),
            new SmtpTransport(o),
            new MailComposer(o, "gw1"),
            clock,
            gather);
    closeables.add(s);
    return s;
  }

  static Transition opened(long id, String device, double value) {
    Incident i =
        Incident.open(
            id,
            device,
            Rule.TEMPERATURE_MAX,
            value,
            30.0,
            "temperature " + value + " °C above maximum 30.0 °C",
            T0);
    return new Transition(i, Transition.Change.CREATED, T0, Transition.RULES, value, i.message());
  }

  static Transition resolved(Transition opened, Instant at) {
    Incident o = opened.incident();
    Incident r =
        new Incident(
            o.id(),
            o.deviceId(),
            o.rule(),
            net.dhtedge.agent.rules.IncidentStatus.RESOLVED,
            o.value(),
            o.threshold(),
            o.message(),
            o.openedAt(),
            null,
            null,
            at,
            Transition.RULES);
    return new Transition(
        r, Transition.Change.RESOLVED, at, Transition.RULES, 29.0, "temperature back to 29.0 °C");
  }

  private static String text(MimeMessage m, int part) throws Exception {
    return (String) ((MimeMultipart) m.getContent()).getBodyPart(part).getContent();
  }

  @Test
  void anOpenedAndAResolvedIncidentEachSendOneMailWithTheDetails() throws Exception {
    port = MosquittoBroker.freePort();
    startSmtp(port);
    MailSender s = sender(options(Duration.ZERO), AgentClock.system(), Duration.ZERO);
    s.start();
    Transition open = opened(7, "greenhouse", 31.25);
    step(s, open);
    await().atMost(Duration.ofSeconds(20)).until(() -> smtp.getReceivedMessages().length == 1);
    step(s, resolved(open, T0.plusSeconds(600)));
    await().atMost(Duration.ofSeconds(20)).until(() -> smtp.getReceivedMessages().length == 2);

    MimeMessage first = smtp.getReceivedMessages()[0];
    assertThat(first.getSubject()).isEqualTo("[gw1] greenhouse: temperature_max opened (31.3)");
    assertThat(first.getFrom()[0].toString()).isEqualTo("agent@example.org");
    assertThat(first.getMessageID()).isEqualTo("<incident-7-created.1795773600000.edge-agent@gw1>");
    String plain = text(first, 0);
    assertThat(plain)
        .contains("Incident 7 opened")
        .contains("greenhouse")
        .contains("31.3")
        .contains("30.0")
        .contains("2026-11-27T10:00:00Z")
        .contains("http://gateway:8080/");
    assertThat(text(first, 1)).contains("<a href=\"http://gateway:8080/\">").contains("°C");
    MimeMessage second = smtp.getReceivedMessages()[1];
    assertThat(second.getSubject()).isEqualTo("[gw1] greenhouse: temperature_max resolved (29.0)");
    assertThat(text(second, 0)).contains("Resolved:").contains("2026-11-27T10:10:00Z");
    assertThat(second.getMessageID())
        .isEqualTo("<incident-7-resolved.1795773600000.edge-agent@gw1>");
    // The server has the mail a moment before the sender counts it.
    await().atMost(Duration.ofSeconds(20)).until(() -> s.stats().sent() == 2);
  }

  @Test
  void anAcknowledgementSendsNoMail() {
    port = MosquittoBroker.freePort();
    MailSender s = sender(options(Duration.ZERO), AgentClock.system(), Duration.ZERO);
    Transition open = opened(8, "lab", 31.0);
    Transition ack =
        new Transition(
            open.incident(), Transition.Change.ACKNOWLEDGED, T0, "alice", null, "acknowledged");
    step(s, ack);
    assertThat(s.stats().queued()).isZero();
  }

  @Test
  void aMailQueuedWhileSmtpIsDownArrivesExactlyOnceEvenAfterARestartAndARedelivery()
      throws Exception {
    port = MosquittoBroker.freePort();
    MailSender s = sender(options(Duration.ZERO), AgentClock.system(), Duration.ZERO);
    s.start();
    Transition open = opened(9, "cellar", 33.0);
    step(s, open);
    await().atMost(Duration.ofSeconds(20)).until(() -> s.stats().failures() >= 2);
    assertThat(s.stats().queued()).isEqualTo(1);
    assertThat(s.stats().lastError()).contains("Couldn't connect");

    startSmtp(port);
    await().atMost(Duration.ofSeconds(20)).until(() -> smtp.getReceivedMessages().length == 1);
    await().atMost(Duration.ofSeconds(5)).until(() -> s.stats().queued() == 0);

    // The pipeline delivers the same transition again, and the agent restarts.
    step(s, open);
    s.close();
    restartStore(AgentClock.system());
    MailSender again = sender(options(Duration.ZERO), AgentClock.system(), Duration.ZERO);
    step(again, open);
    again.start();
    long passes = again.stats().passes();
    again.wake();
    await().atMost(Duration.ofSeconds(20)).until(() -> again.stats().passes() > passes);
    assertThat(again.stats().queued()).isZero();
    assertThat(smtp.getReceivedMessages()).hasSize(1);
  }

  @Test
  void withinTheRateLimitFurtherStepsWaitAndThenGoOutAsOneDigest() throws Exception {
    port = MosquittoBroker.freePort();
    startSmtp(port);
    MutableClock time = new MutableClock(T0);
    AgentClock clock = AgentClock.over(time);
    MailSender s = sender(options(Duration.ofMinutes(15)), clock, Duration.ZERO);
    s.start();
    Transition first = opened(10, "greenhouse", 31.0);
    step(s, first);
    await().atMost(Duration.ofSeconds(20)).until(() -> smtp.getReceivedMessages().length == 1);

    time.advance(Duration.ofMinutes(2));
    step(s, resolved(first, clock.instant()));
    step(s, opened(11, "greenhouse", 32.0));
    long passes = s.stats().passes();
    s.wake();
    await().atMost(Duration.ofSeconds(20)).until(() -> s.stats().passes() > passes);
    assertThat(smtp.getReceivedMessages()).hasSize(1);
    assertThat(s.stats().queued()).isEqualTo(2);

    time.advance(Duration.ofMinutes(14));
    s.wake();
    await().atMost(Duration.ofSeconds(20)).until(() -> smtp.getReceivedMessages().length == 2);
    MimeMessage digest = smtp.getReceivedMessages()[1];
    assertThat(digest.getSubject()).isEqualTo("[gw1] 2 incident updates (digest)");
    assertThat(text(digest, 0)).contains("Incident 10 resolved").contains("Incident 11 opened");
    // Its Message-ID comes from its steps, whatever their order: a resend is recognisable.
    MailOptions o = options(Duration.ofMinutes(15));
    assertThat(digest.getMessageID())
        .startsWith("<digest-")
        .endsWith(".edge-agent@gw1>")
        .isEqualTo(
            new MailComposer(o, "gw1")
                .digestMessageId(
                    List.of(
                        MailJob.of(opened(11, "greenhouse", 32.0)),
                        MailJob.of(resolved(first, T0)))));
  }

  @Test
  void aWallClockSetBackAnHourDoesNotHoldTheNextMailBackForAnHour() throws Exception {
    port = MosquittoBroker.freePort();
    startSmtp(port);
    MutableClock time = new MutableClock(T0);
    AgentClock clock = AgentClock.over(time);
    MailSender s = sender(options(Duration.ofMinutes(15)), clock, Duration.ZERO);
    s.start();
    step(s, opened(50, "cellar", 31.0));
    await().atMost(Duration.ofSeconds(20)).until(() -> smtp.getReceivedMessages().length == 1);
    await().atMost(Duration.ofSeconds(5)).until(() -> s.stats().queued() == 0);

    time.step(Duration.ofHours(-1));
    time.advance(Duration.ofMinutes(14));
    step(s, opened(51, "cellar", 32.0));
    long passes = s.stats().passes();
    s.wake();
    await().atMost(Duration.ofSeconds(20)).until(() -> s.stats().passes() > passes);
    assertThat(smtp.getReceivedMessages()).as("14 min: within the rate limit").hasSize(1);

    time.advance(Duration.ofMinutes(1));
    s.wake();
    await().atMost(Duration.ofSeconds(20)).until(() -> smtp.getReceivedMessages().length == 2);
  }

  @Test
  void theRateLimitSurvivesARestartBecauseTheLastMailIsReadFromTheStore() throws Exception {
    port = MosquittoBroker.freePort();
    startSmtp(port);
    MutableClock time = new MutableClock(T0);
    AgentClock clock = AgentClock.over(time);
    MailSender s = sender(options(Duration.ofMinutes(15)), clock, Duration.ZERO);
    s.start();
    step(s, opened(40, "attic", 31.0));
    await().atMost(Duration.ofSeconds(20)).until(() -> smtp.getReceivedMessages().length == 1);
    await().atMost(Duration.ofSeconds(5)).until(() -> s.stats().queued() == 0);

    s.close();
    restartStore(clock);
    time.advance(Duration.ofMinutes(2));
    MailSender again = sender(options(Duration.ofMinutes(15)), clock, Duration.ZERO);
    step(again, opened(41, "attic", 32.0));
    again.start();
    long passes = again.stats().passes();
    again.wake();
    await().atMost(Duration.ofSeconds(20)).until(() -> again.stats().passes() > passes);
    assertThat(smtp.getReceivedMessages()).hasSize(1);
    assertThat(again.stats().queued()).isEqualTo(1);

    time.advance(Duration.ofMinutes(14));
    again.wake();
    await().atMost(Duration.ofSeconds(20)).until(() -> smtp.getReceivedMessages().length == 2);
    assertThat(smtp.getReceivedMessages()[1].getSubject())
        .isEqualTo("[gw1] attic: temperature_max opened (32.0)");
  }

  @Test
  void aBurstOnSeveralDevicesBecomesOneDigest() throws Exception {
    port = MosquittoBroker.freePort();
    startSmtp(port);
    MailSender s =
        sender(options(Duration.ofMinutes(15)), AgentClock.system(), Duration.ofMillis(300));
    for (int i = 0; i < 5; i++) {
      step(s, opened(20 + i, "room" + i, 31.0 + i));
    }
    s.start();
    await().atMost(Duration.ofSeconds(20)).until(() -> smtp.getReceivedMessages().length == 1);
    await().atMost(Duration.ofSeconds(5)).until(() -> s.stats().queued() == 0);
    assertThat(smtp.getReceivedMessages()[0].getSubject()).contains("5 incident updates");
    assertThat(s.stats().mails()).isEqualTo(1);
    assertThat(s.stats().sent()).isEqualTo(5);
  }

  @Test
  void aDeviceNameWithLineBreaksCannotAddHeadersOrRecipients() throws Exception {
    port = MosquittoBroker.freePort();
    startSmtp(port);
    MailSender s = sender(options(Duration.ZERO), AgentClock.system(), Duration.ZERO);
    s.start();
    String evil = "x\r\nBcc: attacker@evil.example\r\nX-Injected: yes\r\n\r\n<script>";
    Incident i =
        Incident.open(30, evil, Rule.TEMPERATURE_MAX, 31.0, 30.0, "hot\r\nCc: a@evil.example", T0);
    step(s, new Transition(i, Transition.Change.CREATED, T0, Transition.RULES, 31.0, i.message()));
    await().atMost(Duration.ofSeconds(20)).until(() -> smtp.getReceivedMessages().length >= 1);
    await().atMost(Duration.ofSeconds(5)).until(() -> s.stats().queued() == 0);

    MimeMessage m = smtp.getReceivedMessages()[0];
    assertThat(smtp.getReceivedMessages()).hasSize(1);
    assertThat(m.getHeader("Bcc")).isNull();
    assertThat(m.getHeader("Cc")).isNull();
    assertThat(m.getHeader("X-Injected")).isNull();
    assertThat(m.getRecipients(Message.RecipientType.TO))
        .extracting(Object::toString)
        .containsExactly("ops@example.org");
    assertThat(m.getSubject()).doesNotContain("\r").doesNotContain("\n").startsWith("[gw1] x Bcc");
    assertThat(text(m, 1)).contains("&lt;script&gt;").doesNotContain("<script>");
    assertThat(m.getMessageID()).isEqualTo("<incident-30-created.1795773600000.edge-agent@gw1>");
    // The agent name in the Message-ID is reduced to safe characters too.
    String id =
        new MailComposer(options(Duration.ZERO), "gw 1>\r\nBcc: a@evil.example")
            .messageId(MailJob.of(opened(1, "a", 31)));
    // An incident numbered 1 again (a new database) opened at another time gets another id.
    MailComposer c = new MailComposer(options(Duration.ZERO), "gw1");
    Incident again =
        Incident.open(1, "a", Rule.TEMPERATURE_MAX, 31.0, 30.0, "hot", T0.plusSeconds(1));
    assertThat(
            c.messageId(
                MailJob.of(
                    new Transition(
                        again, Transition.Change.CREATED, T0, Transition.RULES, 31.0, "hot"))))
        .isNotEqualTo(c.messageId(MailJob.of(opened(1, "a", 31))));
    assertThat(id).matches("<incident-1-created\\.1795773600000\\.edge-agent@[A-Za-z0-9._-]+>");
  }

  @Test
  void aWrongPasswordIsReportedAsARefusedLoginAndNothingIsSent() throws Exception {
    port = MosquittoBroker.freePort();
    startSmtp(port);
    MailOptions good = options(Duration.ZERO);
    MailOptions bad =
        Records.with(
            good, "username", "agent", "password", new Secret("wrong", Secret.Origin.INLINE));
    SmtpTransport t = new SmtpTransport(bad);
    MimeMessage m =
        new MailComposer(bad, "gw1").single(t.session(), MailJob.of(opened(1, "a", 31)));
    MailTransport.SendException e =
        org.junit.jupiter.api.Assertions.assertThrows(
            MailTransport.SendException.class, () -> t.send(m));
    assertThat(e.outcome().connected()).isTrue();
    assertThat(e.outcome().authenticated()).isFalse();
    assertThat(e.outcome().reply()).startsWith("login refused for user 'agent'");
    assertThat(smtp.getReceivedMessages()).isEmpty();
  }

  @Test
  void starttlsIsRequiredSoAServerWithoutItGetsNeitherPasswordNorMail() throws Exception {
    port = MosquittoBroker.freePort();
    startSmtp(port); // GreenMail 2.1 offers no STARTTLS
    MailOptions plain = options(Duration.ZERO);
    MailOptions o =
        Records.with(
            plain,
            "security",
            MailOptions.Security.STARTTLS,
            "username",
            "agent",
            "password",
            new Secret("s3cret", Secret.Origin.INLINE),
            "socketFactory",
            null);
    SmtpTransport t = new SmtpTransport(o);
    MimeMessage m = new MailComposer(o, "gw1").single(t.session(), MailJob.of(opened(1, "a", 31)));
    MailTransport.SendException e =
        org.junit.jupiter.api.Assertions.assertThrows(
            MailTransport.SendException.class, () -> t.send(m));
    assertThat(e.outcome().accepted()).isFalse();
    assertThat(e.outcome().tls()).isFalse();
    assertThat(e.getMessage()).containsIgnoringCase("STARTTLS");
    assertThat(smtp.getReceivedMessages()).isEmpty();
  }
}
