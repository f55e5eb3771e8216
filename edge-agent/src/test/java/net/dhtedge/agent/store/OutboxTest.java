package net.dhtedge.agent.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import net.dhtedge.agent.core.AgentClock;
import net.dhtedge.agent.core.Reading;
import net.dhtedge.agent.core.Records;
import net.dhtedge.agent.outbox.Outbox;
import net.dhtedge.agent.outbox.OutboxMessage;
import net.dhtedge.agent.outbox.OutboxPriority;
import net.dhtedge.agent.pipeline.Pipeline;
import net.dhtedge.agent.pipeline.PipelineOptions;
import net.dhtedge.agent.rules.RulesOptions;
import net.dhtedge.agent.rules.TestRules;
import net.dhtedge.agent.rules.Threshold;
import net.dhtedge.agent.testing.Writes;
import net.dhtedge.gpio.testing.MutableClock;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class OutboxTest {

  static final Instant T0 = Instant.parse("2026-11-27T22:00:00Z");

  @TempDir Path dir;
  final MutableClock time = new MutableClock(T0);
  final AgentClock clock = AgentClock.over(time);

  Store open(StoreOptions o) {
    return Store.open(o, clock);
  }

  static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  static String text(OutboxMessage m) {
    return new String(m.payload(), StandardCharsets.UTF_8);
  }

  @Test
  void messagesComeOutByPriorityThenInQueueOrderAndInFlightOnesAreSkipped() {
    try (Store s = open(StoreOptions.defaults(dir))) {
      Outbox o = s.outbox();
      o.enqueue("t/r", bytes("r1"), 0, false, OutboxPriority.READING);
      o.enqueue("t/a", bytes("a1"), 1, false, OutboxPriority.ALERT);
      o.enqueue("t/r", bytes("r2"), 0, false, OutboxPriority.READING);
      o.enqueue("t/s", bytes("s1"), 1, true, OutboxPriority.STATUS);
      assertThat(o.depth()).isEqualTo(4);

      List<OutboxMessage> first = o.next(2);
      assertThat(first).extracting(OutboxTest::text).containsExactly("a1", "s1");
      assertThat(first.get(1).retained()).isTrue();
      assertThat(first.get(1).qos()).isEqualTo(1);
      assertThat(o.next(10)).extracting(OutboxTest::text).containsExactly("r1", "r2");
      assertThat(o.next(10)).as("all in flight").isEmpty();

      o.confirm(first.get(0).id());
      o.release(first.get(1).id());
      Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> o.depth() == 3);
      assertThat(o.next(10)).extracting(OutboxTest::text).containsExactly("s1");
    }
  }

  @Test
  void manyMessagesQueuedTogetherShareOneCommitAndKeepTheirOrder() {
    try (Store s = open(StoreOptions.defaults(dir))) {
      Outbox o = s.outbox();
      List<Outbox.Entry> entries =
          java.util.stream.IntStream.range(0, 500)
              .mapToObj(
                  i -> new Outbox.Entry("t/c", bytes("c" + i), 1, true, OutboxPriority.STATUS))
              .toList();
      long commitsBefore = s.batchStats()[0];

      o.enqueueAll(entries);

      assertThat(s.batchStats()[0] - commitsBefore).isEqualTo(1);
      assertThat(o.next(1000))
          .extracting(OutboxTest::text)
          .containsExactlyElementsOf(
              java.util.stream.IntStream.range(0, 500).mapToObj(i -> "c" + i).toList());
    }
  }

  @Test
  void listenersHearOfEveryCommitThatQueuedMessagesAndOfNoOther() {
    try (Store s = open(StoreOptions.defaults(dir))) {
      Outbox o = s.outbox();
      java.util.concurrent.atomic.AtomicInteger heard =
          new java.util.concurrent.atomic.AtomicInteger();
      o.onEnqueued(heard::incrementAndGet);

      o.enqueue("t", bytes("m1"), 1, false, OutboxPriority.ALERT);
      assertThat(heard).as("told before enqueue returned").hasValue(1);

      Writes.write(
          s, tx -> tx.insertFailure("d", Instant.parse("2026-11-28T10:00:00Z"), "timeout"));
      assertThat(heard).as("a commit without outbox messages").hasValue(1);

      o.enqueue("t", bytes("m2"), 1, false, OutboxPriority.ALERT);
      assertThat(heard).hasValue(2);
    }
  }

  @Test
  void aConfirmationRidesInTheNextCommitInsteadOfSyncingAlone() throws InterruptedException {
    try (Store s = open(StoreOptions.defaults(dir))) {
      Outbox o = s.outbox();
      o.enqueue("t", bytes("m1"), 1, false, OutboxPriority.READING);
      long batchesBefore = s.batchStats()[0];
      long writesBefore = s.batchStats()[1];
      o.confirm(o.next(1).get(0).id());
      Thread.sleep(300); // a confirmation committed on its own would be done by now
      assertThat(s.batchStats()[0] - batchesBefore)
          .as("confirmation waits for the next commit")
          .isZero();
      assertThat(o.depth()).as("delivered, so not waiting (issue 18 item 3)").isZero();
      // enqueue returns only after its commit; the deferred confirmation must be in that commit
      o.enqueue("t", bytes("m2"), 1, false, OutboxPriority.READING);
      assertThat(o.depth()).as("m2 waits").isEqualTo(1);
      assertThat(s.batchStats()[0] - batchesBefore).as("one commit for both").isEqualTo(1);
      assertThat(s.batchStats()[1] - writesBefore).as("m1's confirmation and m2").isEqualTo(2);
      assertThat(o.next(10)).extracting(OutboxTest::text).containsExactly("m2");
    }
  }

  @Test
  void aDeferredConfirmationIsWrittenAtCloseAndAloneWhenNothingElseComes() {
    try (Store s = open(StoreOptions.defaults(dir))) {
      s.outbox().enqueue("t", bytes("m1"), 1, false, OutboxPriority.READING);
      s.outbox().enqueue("t", bytes("m2"), 1, false, OutboxPriority.READING);
      s.outbox().confirm(s.outbox().next(1).get(0).id());
      Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> s.outbox().depth() == 1);
      s.outbox().confirm(s.outbox().next(1).get(0).id());
    }
    try (Store s = open(StoreOptions.defaults(dir))) {
      assertThat(s.outbox().depth()).as("both confirmations stored").isZero();
    }
  }

  @Test
  void pendingMessagesSurviveARestartInOrder() {
    try (Store s = open(StoreOptions.defaults(dir))) {
      for (int i = 0; i < 20; i++) {
        s.outbox().enqueue("t", bytes("m" + i), 1, false, OutboxPriority.READING);
      }
      List<OutboxMessage> some = s.outbox().next(5);
      some.forEach(m -> s.outbox().confirm(m.id()));
      Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> s.outbox().depth() == 15);
    }
    try (Store s = open(StoreOptions.defaults(dir))) {
      assertThat(s.outbox().depth()).isEqualTo(15);
      List<OutboxMessage> left = s.outbox().next(100);
      assertThat(left)
          .extracting(OutboxTest::text)
          .containsExactly(
              "m5", "m6", "m7", "m8", "m9", "m10", "m11", "m12", "m13", "m14", "m15", "m16", "m17",
              "m18", "m19");
      assertThat(left).extracting(OutboxMessage::id).isSorted();
      s.outbox().enqueue("t", bytes("new"), 1, false, OutboxPriority.READING);
      assertThat(s.outbox().next(1))
          .singleElement()
          .satisfies(
              m -> {
                assertThat(text(m)).isEqualTo("new");
                assertThat(m.id()).isGreaterThan(left.get(left.size() - 1).id());
              });
    }
  }

  @Test
  void aFullOutboxDropsTheOldestReadingsButNeverAlertsOrIncidents() {
    StoreOptions so = Records.with(StoreOptions.defaults(dir), "outboxCapacity", 5);
    RulesOptions rules =
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
    try (Pipeline p = Pipeline.open(so, rules, PipelineOptions.defaults(), clock)) {
      for (long i = 0; i < 4; i++) {
        p.submit(new Reading("pi", T0.plusSeconds(i), i, 20, 50, "gpiod"));
      }
      p.submit(new Reading("pi", T0.plusSeconds(4), 4L, 31, 50, "gpiod")).join();
      for (long i = 5; i < 9; i++) {
        p.submit(new Reading("pi", T0.plusSeconds(i), i, 20, 50, "gpiod"));
      }
      p.submit(new Reading("pi", T0.plusSeconds(9), 9L, 20, 50, "gpiod")).join();

      Outbox o = p.outbox();
      assertThat(o.dropped()).isEqualTo(5);
      assertThat(o.depth()).isEqualTo(5 + 4); // 5 readings + open/resolve x incident/alert
      List<OutboxMessage> all = o.next(100);
      assertThat(all)
          .filteredOn(m -> m.topic().equals("dht11/sensor/data"))
          .extracting(m -> text(m).replaceAll(".*\"seq\":(\\d+).*", "$1"))
          .containsExactly("5", "6", "7", "8", "9");
      assertThat(all).filteredOn(m -> m.topic().equals("dht11/alerts")).hasSize(2);
      assertThat(all).filteredOn(m -> m.topic().equals("dht11/incidents")).hasSize(2);
      assertThat(p.store().counts().outboxDropped()).isEqualTo(5);
      assertThat(p.store().counts().readingsKept())
          .as("the readings themselves are kept")
          .isEqualTo(10);
    }
  }

  @Test
  void housekeepingPurgesConfirmedAndDroppedMessagesAfterTheirKeepTime() {
    try (Store s = open(Records.with(StoreOptions.defaults(dir), "outboxCapacity", 1))) {
      s.outbox().enqueue("t", bytes("a"), 1, false, OutboxPriority.READING);
      s.outbox().enqueue("t", bytes("b"), 1, false, OutboxPriority.READING); // drops a
      s.outbox().enqueue("t", bytes("c"), 1, false, OutboxPriority.ALERT);
      s.outbox().next(10).stream()
          .filter(m -> text(m).equals("c"))
          .forEach(m -> s.outbox().confirm(m.id()));
      Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> s.outbox().depth() == 1);
      assertThat(s.runHousekeeping().outbox()).isZero();
      time.advance(Duration.ofMinutes(61));
      assertThat(s.runHousekeeping().outbox()).isEqualTo(2);
      assertThat(s.outbox().depth()).isEqualTo(1);
    }
  }
}
