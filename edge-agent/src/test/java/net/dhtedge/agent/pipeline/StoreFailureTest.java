package net.dhtedge.agent.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Path;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import net.dhtedge.agent.core.AgentClock;
import net.dhtedge.agent.core.Reading;
import net.dhtedge.agent.core.Records;
import net.dhtedge.agent.pipeline.ReadingIntake.Outcome;
import net.dhtedge.agent.rules.Incident;
import net.dhtedge.agent.rules.TestRules;
import net.dhtedge.agent.rules.Threshold;
import net.dhtedge.agent.store.Dialect;
import net.dhtedge.agent.store.DiskReserve;
import net.dhtedge.agent.store.FaultyConnections;
import net.dhtedge.agent.store.Store;
import net.dhtedge.agent.store.StoreOptions;
import net.dhtedge.agent.store.Tx;
import net.dhtedge.agent.store.WriteJob;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StoreFailureTest {

  static final Instant T0 = Instant.parse("2026-11-27T22:00:00Z");

  @TempDir Path dir;
  FaultyConnections connections;
  Store store;
  Pipeline pipeline;

  @BeforeEach
  void open() {
    StoreOptions so = StoreOptions.defaults(dir);
    connections = new FaultyConnections(so.dbDir());
    store = Store.open(so, AgentClock.system(), Dialect.hsqldb(), connections);
    pipeline =
        new Pipeline(
            store,
            Records.with(
                TestRules.classic(),
                "temperature",
                new Threshold(null, 30.0, 0.5),
                "humidity",
                Threshold.none(),
                "debounceCount",
                2,
                "debounceDuration",
                Duration.ZERO),
            PipelineOptions.defaults(),
            AgentClock.system());
  }

  @AfterEach
  void close() {
    pipeline.close();
    store.close();
  }

  Reading r(long seq, double t) {
    return new Reading("pi", T0.plusSeconds(seq), seq, t, 50, "gpiod");
  }

  @Test
  void aFullDiskFailsTheFuturesReportsItAndWritingResumesAfterwards() throws Exception {
    connections.full(true);
    List<CompletableFuture<Outcome>> failed = new ArrayList<>();
    for (long s = 1; s <= 5; s++) {
      failed.add(pipeline.submit(r(s, 31)));
    }
    for (CompletableFuture<Outcome> f : failed) {
      assertThat(f).failsWithin(Duration.ofSeconds(10));
    }
    assertThat(store.health().healthy()).isFalse();
    assertThat(store.health().failedWrites()).isEqualTo(5);
    assertThat(store.health().lastError()).contains("No space left on device");
    assertThat(pipeline.counters().storeFailures()).isEqualTo(5);
    assertThat(pipeline.counters().storeHealthy()).isFalse();

    connections.full(false);
    // the broker redelivers what was not acknowledged: stored now, not taken for duplicates
    assertThat(pipeline.submit(r(1, 31)).get(10, TimeUnit.SECONDS)).isEqualTo(Outcome.STORED);
    assertThat(pipeline.submit(r(2, 31)).get(10, TimeUnit.SECONDS)).isEqualTo(Outcome.STORED);
    assertThat(store.health().healthy()).isTrue();
    assertThat(store.counts().readingsKept()).isEqualTo(2);

    // the rules state of the failed batches was rolled back: the incident opens exactly once now
    List<Incident> open = store.notResolvedIncidents();
    assertThat(open)
        .extracting(i -> i.rule().id())
        .containsExactlyInAnyOrder("temperature_max", "store_failure");
    Incident storeFailure =
        open.stream().filter(i -> i.rule().id().equals("store_failure")).findFirst().orElseThrow();
    assertThat(storeFailure.deviceId()).isEqualTo("agent");
    assertThat(storeFailure.value()).isGreaterThanOrEqualTo(5.0);
    assertThat(storeFailure.message()).contains("No space left on device");
    var alerts =
        store.outbox().next(100).stream().filter(m -> m.topic().equals("dht11/alerts")).toList();
    assertThat(alerts)
        .extracting(m -> new ObjectMapper().readTree(m.payload()).get("rule").asText())
        .containsExactlyInAnyOrder("store_failure", "temperature_max");
  }

  @Test
  void aFailedBatchIsRetriedJobByJobSoOnlyTheAffectedFuturesFail() throws Exception {
    CountDownLatch holding = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    // hold the writer after a commit so the next ten readings queue up into one batch
    store.submit(
        new WriteJob() {
          @Override
          public void apply(Tx tx) {}

          @Override
          public void committed() {
            // the next three commits fail: the batch of ten, then its first two jobs alone
            connections.failNextCommits(3);
            holding.countDown();
            try {
              release.await(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
              Thread.currentThread().interrupt();
            }
          }

          @Override
          public void failed(Throwable cause) {}
        });
    assertThat(holding.await(10, TimeUnit.SECONDS)).isTrue();
    List<CompletableFuture<Outcome>> fs = new ArrayList<>();
    for (long s = 1; s <= 10; s++) {
      fs.add(pipeline.submit(r(s, 20)));
    }
    release.countDown();
    CompletableFuture.allOf(fs.toArray(CompletableFuture[]::new))
        .exceptionally(e -> null)
        .get(10, TimeUnit.SECONDS);
    assertThat(fs).filteredOn(CompletableFuture::isCompletedExceptionally).hasSize(2);
    assertThat(fs.subList(0, 2)).allMatch(CompletableFuture::isCompletedExceptionally);
    assertThat(fs.subList(2, 10)).allMatch(f -> f.join() == Outcome.STORED);
    assertThat(store.counts().readingsKept()).isEqualTo(8);
  }

  @Test
  void belowTheFreeSpaceReserveReadingsAreRefusedButHousekeepingStillRuns(@TempDir Path other)
      throws Exception {
    StoreOptions so =
        Records.with(
            StoreOptions.defaults(other), "diskReserve", DiskReserve.fixed(Long.MAX_VALUE));
    try (Pipeline p =
        Pipeline.open(so, TestRules.classic(), PipelineOptions.defaults(), AgentClock.system())) {
      CompletableFuture<Outcome> f = p.submit(r(1, 20));
      assertThat(f)
          .failsWithin(Duration.ofSeconds(10))
          .withThrowableThat()
          .withMessageContaining("disk full");
      assertThat(p.store().runHousekeeping().readings()).isZero();
      assertThat(p.store().health().healthy()).isFalse();
      assertThat(p.counters().storeFailures()).isEqualTo(1);
      assertThat(p.store().counts().readingsKept()).isZero();
    }
  }

  @Test
  void aConnectionClosedUnderTheWriterIsReopenedAndWritingGoesOn() throws SQLException {
    assertThat(pipeline.submit(r(1, 20)).join()).isEqualTo(Outcome.STORED);
    for (var c : connections.opened) {
      c.close();
    }
    assertThat(pipeline.submit(r(2, 20)).join()).isEqualTo(Outcome.STORED);
    assertThat(store.counts().readingsKept()).isEqualTo(2);
  }
}
