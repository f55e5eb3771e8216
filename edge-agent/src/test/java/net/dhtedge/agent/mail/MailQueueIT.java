package net.dhtedge.agent.mail;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import net.dhtedge.agent.core.AgentClock;
import net.dhtedge.agent.core.Reading;
import net.dhtedge.agent.core.Records;
import net.dhtedge.agent.pipeline.Pipeline;
import net.dhtedge.agent.pipeline.PipelineOptions;
import net.dhtedge.agent.rules.RulesOptions;
import net.dhtedge.agent.rules.TestRules;
import net.dhtedge.agent.rules.Threshold;
import net.dhtedge.agent.store.Dialect;
import net.dhtedge.agent.store.FaultyConnections;
import net.dhtedge.agent.store.MailJob;
import net.dhtedge.agent.store.MailQueue;
import net.dhtedge.agent.store.Store;
import net.dhtedge.agent.store.StoreOptions;
import net.dhtedge.agent.testing.MosquittoBroker;
import net.dhtedge.gpio.testing.MutableClock;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The mail queue in the store: queued in the transaction of the incident step, sent after a
 * restart, never twice, retention, and the import of the old file queue. Real HSQLDB files,
 * GreenMail.
 */
class MailQueueIT {

  private static final Instant T0 = Instant.parse("2026-11-27T10:00:00Z");
  private static final RulesOptions RULES =
      Records.with(
          TestRules.classic(),
          "temperature",
          new Threshold(null, 30.0, 0.5),
          "humidity",
          Threshold.none(),
          "debounceCount",
          1,
          "debounceDuration",
          Duration.ZERO);

  @TempDir Path dir;
  private GreenMail smtp;
  private MailSender sender;

  @AfterEach
  void down() {
    if (sender != null) {
      sender.close();
    }
    if (smtp != null) {
      smtp.stop();
    }
  }

  private MailOptions options(int port) {
    return new MailOptions(
        true,
        "127.0.0.1",
        port,
        MailOptions.Security.NONE,
        null,
        null,
        "agent@example.org",
        List.of("ops@example.org"),
        Duration.ZERO,
        "http://gateway:8080/",
        Duration.ofMillis(50),
        Duration.ofMillis(200),
        Duration.ofSeconds(5),
        null);
  }

  private int startSmtp() {
    int port = MosquittoBroker.freePort();
    smtp = new GreenMail(new ServerSetup(port, "127.0.0.1", ServerSetup.PROTOCOL_SMTP));
    smtp.start();
    return port;
  }

  private MailSender startSender(Store store, int port) {
    MailOptions o = options(port);
    sender =
        new MailSender(
            o,
            store.mailQueue(),
            new SmtpTransport(o),
            new MailComposer(o, "gw1"),
            AgentClock.system(),
            Duration.ZERO);
    sender.start();
    return sender;
  }

  private Pipeline pipeline(boolean mail) {
    return Pipeline.open(
        StoreOptions.defaults(dir),
        RULES,
        Records.with(PipelineOptions.defaults(), "mailEnabled", mail),
        AgentClock.system());
  }

  private static Reading hot(long seq) {
    return new Reading("cellar", T0.plusSeconds(seq), seq, 31.5, 50, "mqtt");
  }

  @Test
  void aCommittedIncidentHasItsMailInTheSameCommitSoAfterAStopItIsSentOnceAndNeverAgain()
      throws Exception {
    // No sender runs: only the commit can have queued the mail.
    try (Pipeline p = pipeline(true)) {
      p.submit(hot(1)).join();
      assertThat(p.store().notResolvedIncidents()).hasSize(1);
    }
    int port = startSmtp();
    try (Store store = Store.open(StoreOptions.defaults(dir))) {
      assertThat(store.mailQueue().pending())
          .extracting(MailJob::change, MailJob::deviceId)
          .containsExactly(org.assertj.core.groups.Tuple.tuple("created", "cellar"));
      MailSender s = startSender(store, port);
      await().atMost(Duration.ofSeconds(20)).until(() -> smtp.getReceivedMessages().length == 1);
      await().atMost(Duration.ofSeconds(5)).until(() -> s.stats().queued() == 0);
      s.close();
    }
    try (Store store = Store.open(StoreOptions.defaults(dir))) {
      assertThat(store.mailQueue().pending()).isEmpty();
      MailSender s = startSender(store, port);
      long passes = s.stats().passes();
      s.wake();
      await().atMost(Duration.ofSeconds(20)).until(() -> s.stats().passes() > passes);
      s.close();
    }
    assertThat(smtp.getReceivedMessages()).hasSize(1);
  }

  @Test
  void aFailedCommitLosesTheIncidentAndItsMailTogetherAndTheRedeliveryQueuesBoth() {
    StoreOptions so = StoreOptions.defaults(dir);
    FaultyConnections connections = new FaultyConnections(so.dbDir());
    try (Store store = Store.open(so, AgentClock.system(), Dialect.hsqldb(), connections);
        Pipeline p =
            new Pipeline(
                store,
                RULES,
                Records.with(PipelineOptions.defaults(), "mailEnabled", true),
                AgentClock.system())) {
      connections.failNextCommits(1);
      CompletableFuture<?> failed = p.submit(hot(1));
      assertThat(failed).failsWithin(Duration.ofSeconds(10));
      assertThat(store.notResolvedIncidents()).isEmpty();
      assertThat(store.mailQueue().depth()).isZero();

      p.submit(hot(1)).join(); // MQTT redelivers what was not acknowledged
      // (the failed commit also opens a store_failure incident for the agent, with its own mail)
      List<Long> cellar =
          store.notResolvedIncidents().stream()
              .filter(i -> i.deviceId().equals("cellar"))
              .map(i -> i.id())
              .toList();
      assertThat(cellar).hasSize(1);
      assertThat(store.mailQueue().pending())
          .filteredOn(j -> j.deviceId().equals("cellar"))
          .extracting(MailJob::incidentId)
          .containsExactlyElementsOf(cellar);
    }
  }

  @Test
  void withMailOffAnIncidentQueuesNoMail() {
    try (Pipeline p = pipeline(false)) {
      p.submit(hot(1)).join();
      assertThat(p.store().notResolvedIncidents()).hasSize(1);
      assertThat(p.store().mailQueue().depth()).isZero();
    }
  }

  @Test
  void sentMailsOlderThanThirtyDaysAreDeletedButTheRateLimitStillKnowsTheLastOne() {
    MutableClock time = new MutableClock(T0);
    AgentClock clock = AgentClock.over(time);
    try (Store store = Store.open(StoreOptions.defaults(dir), clock)) {
      MailJob job = MailJob.of(MailSenderIT.opened(1, "lab", 31.0));
      MailQueue q = store.mailQueue();
      assertThat(q.addAll(List.of(new MailQueue.Entry(job, null)))).isEqualTo(1);
      q.markSent(List.of(job), T0);
      assertThat(store.runHousekeeping().mails()).isZero();

      time.advance(MailQueue.KEEP_SENT.plus(Duration.ofDays(1)));
      assertThat(store.runHousekeeping().mails()).isEqualTo(1);
      assertThat(q.lastSent(List.of(job))).isEqualTo(Map.of(job.rateKey(), T0));
      assertThat(q.pending()).isEmpty();
    }
  }

  @Test
  void theOldFileQueueIsImportedOnceAndAMailFoundSentAsWellIsNotSentAgain() throws Exception {
    Path mail = dir.resolve("mail");
    Files.createDirectories(mail.resolve("pending"));
    Files.createDirectories(mail.resolve("sent"));
    String one =
        """
        {"incident_id":%d,"change":"%s","device_id":"%s","rule":"temperature_max",
         "metric":"temperature","value":31.0,"threshold":30.0,"message":"hot",
         "opened_at":"2026-11-27T10:00:00Z","ts":"2026-11-27T10:00:00Z"%s}
        """;
    Files.writeString(mail.resolve("pending/1-created.json"), one.formatted(1, "created", "a", ""));
    Files.writeString(mail.resolve("pending/2-created.json"), one.formatted(2, "created", "b", ""));
    // A crash inside the old markSent left mail 2 in both directories: it was sent.
    Files.writeString(
        mail.resolve("sent/2-created.json"),
        one.formatted(2, "created", "b", ",\"sent_at\":\"2026-11-27T10:00:05Z\""));
    Files.writeString(mail.resolve("pending/3-created.json"), "not json");

    try (Store store = Store.open(StoreOptions.defaults(dir))) {
      assertThat(FileQueueImport.run(mail, store.mailQueue())).isEqualTo(2);
      assertThat(mail).doesNotExist();
      assertThat(dir.resolve("mail.imported/pending/3-created.json")).exists();
      assertThat(store.mailQueue().pending()).extracting(MailJob::key).containsExactly("1-created");
      MailJob b = MailJob.of(MailSenderIT.opened(9, "b", 31.0));
      assertThat(store.mailQueue().lastSent(List.of(b)))
          .containsEntry(b.rateKey(), Instant.parse("2026-11-27T10:00:05Z"));
      assertThat(FileQueueImport.run(mail, store.mailQueue())).isZero(); // nothing left to import

      // An import that is run again (it crashed before the rename) adds nothing.
      Files.move(dir.resolve("mail.imported"), mail);
      assertThat(FileQueueImport.run(mail, store.mailQueue())).isZero();
      assertThat(dir.resolve("mail.imported")).exists();
      assertThat(store.mailQueue().depth()).isEqualTo(1);

      int port = startSmtp();
      MailSender s = startSender(store, port);
      await().atMost(Duration.ofSeconds(20)).until(() -> s.stats().queued() == 0);
      assertThat(smtp.getReceivedMessages()).hasSize(1);
      assertThat(smtp.getReceivedMessages()[0].getMessageID())
          .isEqualTo("<incident-1-created.1795773600000.edge-agent@gw1>");
      s.close();
    }
  }
}
