package net.dhtedge.agent.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import net.dhtedge.agent.core.AgentClock;
import net.dhtedge.agent.core.Reading;
import net.dhtedge.agent.core.Records;
import net.dhtedge.agent.pipeline.ReadingIntake.Outcome;
import net.dhtedge.agent.rules.TestRules;
import net.dhtedge.agent.rules.Threshold;
import net.dhtedge.agent.store.DeviceSummary;
import net.dhtedge.agent.store.HistoryPoint;
import net.dhtedge.agent.store.HousekeepingResult;
import net.dhtedge.agent.store.Step;
import net.dhtedge.agent.store.Store;
import net.dhtedge.agent.store.StoreOptions;
import net.dhtedge.gpio.testing.MutableClock;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PipelineStoreTest {

  static final Instant T0 = Instant.parse("2026-11-27T22:00:00Z");

  @TempDir Path dir;

  final MutableClock time = new MutableClock(T0);
  final AgentClock clock = AgentClock.over(time);

  /** The store under test: HSQLDB here, PostgreSQL in {@link PostgresPipelineStoreIT}. */
  Store openStore(StoreOptions so) {
    return Store.open(so, clock);
  }

  Pipeline open(StoreOptions so) {
    return Pipeline.open(
        openStore(so),
        Records.with(
            TestRules.classic(), "temperature", Threshold.none(), "humidity", Threshold.none()),
        PipelineOptions.defaults(),
        clock);
  }

  Pipeline open() {
    return open(StoreOptions.defaults(dir));
  }

  static Reading reading(String dev, Instant ts, Long seq, double t, double h, String source) {
    return new Reading(dev, ts, seq, t, h, source);
  }

  Pipeline openWithMaxDevices(int max) {
    return Pipeline.open(
        openStore(Records.with(StoreOptions.defaults(dir), "maxDevices", max)),
        Records.with(
            TestRules.classic(), "temperature", Threshold.none(), "humidity", Threshold.none()),
        PipelineOptions.defaults(),
        clock);
  }

  static List<String> deviceIds(Pipeline p) {
    return p.store().devices().stream().map(DeviceSummary::deviceId).sorted().toList();
  }

  @Test
  void newDevicesBeyondTheLimitAreRefusedWhileKnownDevicesAndLocalSensorsGetThrough() {
    try (Pipeline p = openWithMaxDevices(3)) {
      // submitted together, so most share one batch: the limit counts devices new in the batch
      List<CompletableFuture<Outcome>> first = new ArrayList<>();
      for (String dev : List.of("esp-a", "esp-b", "esp-c", "esp-d")) {
        first.add(p.submit(reading(dev, T0, 1L, 20, 50, "mqtt")));
      }
      assertThat(first.stream().map(CompletableFuture::join))
          .containsExactly(Outcome.STORED, Outcome.STORED, Outcome.STORED, Outcome.REFUSED);

      assertThat(p.submit(reading("esp-a", T0.plusSeconds(1), 2L, 20, 50, "mqtt")).join())
          .isEqualTo(Outcome.STORED);
      assertThat(p.submit(reading("esp-e", T0, 1L, 20, 50, "mqtt")).join())
          .isEqualTo(Outcome.REFUSED);
      assertThat(p.submit(reading("pi-kitchen", T0, 1L, 20, 50, "gpiod")).join())
          .as("a local sensor is always taken")
          .isEqualTo(Outcome.STORED);

      assertThat(deviceIds(p)).containsExactly("esp-a", "esp-b", "esp-c", "pi-kitchen");
      assertThat(p.counters().stored()).isEqualTo(5);
      assertThat(p.counters().duplicates()).isZero();
    }
    try (Pipeline p = openWithMaxDevices(3)) {
      assertThat(p.submit(reading("esp-f", T0, 1L, 20, 50, "mqtt")).join())
          .as("the devices stored before the restart count")
          .isEqualTo(Outcome.REFUSED);
      assertThat(p.submit(reading("esp-b", T0.plusSeconds(1), 2L, 20, 50, "mqtt")).join())
          .isEqualTo(Outcome.STORED);
    }
    try (Pipeline p = openWithMaxDevices(5)) {
      assertThat(p.submit(reading("esp-d", T0, 1L, 20, 50, "mqtt")).join())
          .isEqualTo(Outcome.STORED);
      assertThat(p.submit(reading("esp-e", T0, 1L, 20, 50, "mqtt")).join())
          .isEqualTo(Outcome.REFUSED);
      assertThat(deviceIds(p)).containsExactly("esp-a", "esp-b", "esp-c", "esp-d", "pi-kitchen");
    }
  }

  @Test
  void aSubmittedReadingIsStoredAndVisibleAfterItsFutureCompletes() {
    try (Pipeline p = open()) {
      Outcome o = p.submit(reading("pi-kitchen", T0, 1L, 21.5, 48.0, "gpiod")).join();
      assertThat(o).isEqualTo(Outcome.STORED);
      List<DeviceSummary> devices = p.store().devices();
      assertThat(devices).hasSize(1);
      DeviceSummary d = devices.get(0);
      assertThat(d.deviceId()).isEqualTo("pi-kitchen");
      assertThat(d.lastTs()).isEqualTo(T0);
      assertThat(d.temperature()).isEqualTo(21.5);
      assertThat(d.humidity()).isEqualTo(48.0);
      assertThat(d.readings()).isEqualTo(1);
      assertThat(p.store().counts().readingsKept()).isEqualTo(1);
      assertThat(p.counters().stored()).isEqualTo(1);
    }
  }

  @Test
  void aReadingWithTheSameSeqOrTheSameTsWithoutSeqIsADuplicate() {
    try (Pipeline p = open()) {
      assertThat(p.submit(reading("esp-1", T0, 7L, 20, 40, "mqtt")).join())
          .isEqualTo(Outcome.STORED);
      // same seq, other ts and values: a QoS 1 redelivery whose payload had no ts
      assertThat(p.submit(reading("esp-1", T0.plusSeconds(5), 7L, 20, 40, "mqtt")).join())
          .isEqualTo(Outcome.DUPLICATE);
      // same seq on another device is not a duplicate
      assertThat(p.submit(reading("esp-2", T0, 7L, 20, 40, "mqtt")).join())
          .isEqualTo(Outcome.STORED);
      // no seq: the ts is the key
      assertThat(p.submit(reading("bare", T0, null, 25, 60, "mqtt")).join())
          .isEqualTo(Outcome.STORED);
      assertThat(p.submit(reading("bare", T0, null, 25, 60, "mqtt")).join())
          .isEqualTo(Outcome.DUPLICATE);
      assertThat(p.submit(reading("bare", T0.plusMillis(1), null, 25, 60, "mqtt")).join())
          .isEqualTo(Outcome.STORED);
      assertThat(p.counters().duplicates()).isEqualTo(2);
      assertThat(p.store().counts().readingsKept()).isEqualTo(4);
    }
  }

  @Test
  void aDeviceThatRestartsItsSeqIsNotTakenForDuplicates() {
    Instant later = T0.plus(Duration.ofHours(2));
    try (Pipeline p = open()) {
      for (long s = 0; s < 10; s++) {
        p.submit(reading("esp-1", T0.plusSeconds(10 * s), s, 20, 40, "mqtt"));
      }
      // rebooted two hours later: seq starts at 0 again
      for (long s = 0; s < 5; s++) {
        assertThat(p.submit(reading("esp-1", later.plusSeconds(10 * s), s, 21, 41, "mqtt")).join())
            .as("seq %d after the restart", s)
            .isEqualTo(Outcome.STORED);
      }
      // redeliveries of both lives are still duplicates
      assertThat(p.submit(reading("esp-1", later.plusSeconds(20), 2L, 21, 41, "mqtt")).join())
          .isEqualTo(Outcome.DUPLICATE);
      assertThat(p.submit(reading("esp-1", T0.plusSeconds(30), 3L, 20, 40, "mqtt")).join())
          .isEqualTo(Outcome.DUPLICATE);
      // a redelivery whose payload had no ts gets the receive time: a few minutes later
      assertThat(p.submit(reading("esp-1", T0.plusSeconds(330), 3L, 20, 40, "mqtt")).join())
          .isEqualTo(Outcome.DUPLICATE);
    }
    try (Pipeline p = open()) {
      // the same decisions from the index alone after a restart of the agent
      assertThat(p.submit(reading("esp-1", later.plusSeconds(20), 2L, 21, 41, "mqtt")).join())
          .isEqualTo(Outcome.DUPLICATE);
      assertThat(p.submit(reading("esp-1", T0.plusSeconds(30), 3L, 20, 40, "mqtt")).join())
          .isEqualTo(Outcome.DUPLICATE);
      assertThat(p.submit(reading("esp-1", later.plusSeconds(50), 5L, 21, 41, "mqtt")).join())
          .isEqualTo(Outcome.STORED);
      assertThat(p.store().counts().readingsKept()).isEqualTo(16);
      assertThat(p.store().readings("esp-1", later, later.plusSeconds(3600), Step.RAW, 100))
          .hasSize(6);
    }
  }

  @Test
  void duplicatesInsideOneBatchAreRecognised() {
    try (Pipeline p = open(Records.with(StoreOptions.defaults(dir), "commitWindowMillis", 200))) {
      List<CompletableFuture<Outcome>> fs = new ArrayList<>();
      for (int i = 0; i < 3; i++) {
        fs.add(p.submit(reading("esp-1", T0, 1L, 20, 40, "mqtt")));
      }
      assertThat(fs.stream().map(CompletableFuture::join))
          .containsExactly(Outcome.STORED, Outcome.DUPLICATE, Outcome.DUPLICATE);
    }
  }

  @Test
  void anOldRedeliveryIsFoundInTheIndexAfterARestart() {
    try (Pipeline p = open()) {
      for (long s = 0; s < 600; s++) {
        p.submit(reading("esp-1", T0.plusSeconds(s), s, 20, 40, "mqtt"));
      }
      p.submit(reading("esp-1", T0.plusSeconds(601), 600L, 20, 40, "mqtt")).join();
    }
    try (Pipeline p = open()) {
      // seq 3 is far below the recent-key cache and the cache is empty after the restart
      assertThat(p.submit(reading("esp-1", T0.plusSeconds(3), 3L, 20, 40, "mqtt")).join())
          .isEqualTo(Outcome.DUPLICATE);
      assertThat(p.submit(reading("esp-1", T0.plusSeconds(700), 700L, 20, 40, "mqtt")).join())
          .isEqualTo(Outcome.STORED);
      assertThat(p.store().counts().readingsKept()).isEqualTo(602);
    }
  }

  @Test
  void minuteAndHourAggregatesHoldMinMaxAvgAndCount() {
    try (Pipeline p = open()) {
      // minute 0: 20, 22, 24; minute 1: 30; a late reading into minute 0: 18
      p.submit(reading("d", T0.plusSeconds(1), 1L, 20, 40, "sim"));
      p.submit(reading("d", T0.plusSeconds(20), 2L, 22, 50, "sim"));
      p.submit(reading("d", T0.plusSeconds(59), 3L, 24, 60, "sim")).join();
      p.submit(reading("d", T0.plusSeconds(61), 4L, 30, 70, "sim")).join();
      p.submit(reading("d", T0.plusSeconds(30), 5L, 18, 30, "sim")).join();

      List<HistoryPoint> m = p.store().readings("d", T0, T0.plusSeconds(3600), Step.MINUTE, 100);
      assertThat(m).hasSize(2);
      HistoryPoint m0 = m.get(0);
      assertThat(m0.ts()).isEqualTo(T0);
      assertThat(m0.count()).isEqualTo(4);
      assertThat(m0.temperatureMin()).isEqualTo(18);
      assertThat(m0.temperatureMax()).isEqualTo(24);
      assertThat(m0.temperatureAvg()).isEqualTo(21);
      assertThat(m0.humidityMin()).isEqualTo(30);
      assertThat(m0.humidityMax()).isEqualTo(60);
      assertThat(m0.humidityAvg()).isEqualTo(45);
      assertThat(m.get(1).ts()).isEqualTo(T0.plusSeconds(60));
      assertThat(m.get(1).count()).isEqualTo(1);

      List<HistoryPoint> h =
          p.store().readings("d", T0.plusSeconds(10), T0.plusSeconds(7200), Step.HOUR, 100);
      assertThat(h).hasSize(1);
      assertThat(h.get(0).ts()).isEqualTo(T0);
      assertThat(h.get(0).count()).isEqualTo(5);
      assertThat(h.get(0).temperatureAvg()).isEqualTo((20 + 22 + 24 + 30 + 18) / 5.0);

      List<HistoryPoint> raw = p.store().readings("d", T0, T0.plusSeconds(60), Step.RAW, 100);
      assertThat(raw)
          .extracting(HistoryPoint::temperatureAvg)
          .containsExactly(20.0, 22.0, 18.0, 24.0);
      assertThat(p.store().readings("d", T0, T0.plusSeconds(3600), Step.RAW, 2)).hasSize(2);
      assertThat(p.store().readings("nobody", T0, T0.plusSeconds(60), Step.RAW, 10)).isEmpty();
    }
  }

  @Test
  void retentionDeletesOldRawReadingsInSmallChunksAndKeepsAggregates() {
    StoreOptions so = Records.with(StoreOptions.defaults(dir), "housekeepingChunk", 7);
    try (Pipeline p = open(so)) {
      Instant old = T0.minus(Duration.ofDays(31));
      for (long s = 0; s < 50; s++) {
        p.submit(reading("d", old.plusSeconds(s), s, 20, 40, "sim"));
      }
      for (long s = 50; s < 60; s++) {
        p.submit(reading("d", T0.minusSeconds(100 - s), s, 20, 40, "sim"));
      }
      p.recordFailure("d", old, "checksum");
      p.recordFailure("d", T0, "timeout");
      p.submit(reading("d", T0, 60L, 20, 40, "sim")).join();

      HousekeepingResult r = p.store().runHousekeeping();

      assertThat(r.readings()).isEqualTo(50);
      assertThat(r.readFailures()).isEqualTo(1);
      assertThat(r.minuteAggregates()).isZero();
      assertThat(p.store().counts().readingsKept()).isEqualTo(11);
      assertThat(p.store().counts().readFailuresKept()).isEqualTo(1);
      assertThat(p.store().readings("d", old, old.plusSeconds(60), Step.MINUTE, 10)).hasSize(1);
      assertThat(p.store().readings("d", old, old.plusSeconds(60), Step.RAW, 10)).isEmpty();
    }
  }

  @Test
  void aggregatesExpireAfterTheirOwnRetention() {
    StoreOptions so =
        Records.with(
            StoreOptions.defaults(dir),
            "rawRetentionDays",
            1,
            "minuteRetentionDays",
            2,
            "hourRetentionDays",
            3);
    try (Pipeline p = open(so)) {
      p.submit(reading("d", T0.minus(Duration.ofDays(4)), 1L, 20, 40, "sim"));
      p.submit(reading("d", T0.minus(Duration.ofMinutes(150).multipliedBy(24)), 2L, 20, 40, "sim"));
      p.submit(reading("d", T0, 3L, 20, 40, "sim")).join();
      HousekeepingResult r = p.store().runHousekeeping();
      assertThat(r.readings()).isEqualTo(2);
      assertThat(r.minuteAggregates()).isEqualTo(2);
      assertThat(r.hourAggregates()).isEqualTo(1);
    }
  }

  @Test
  void aReopenedStoreStillHasEverythingAndTheSchemaVersion() {
    try (Pipeline p = open()) {
      p.submit(reading("d", T0, 1L, 20, 40, "sim")).join();
    }
    try (Pipeline p = open()) {
      assertThat(p.store().counts().readingsKept()).isEqualTo(1);
      assertThat(p.store().schemaVersion()).isEqualTo(5);
      assertThat(p.store().sizeOnDisk()).isPositive();
    }
  }

  @Test
  void closeIsSafeToCallTwice() {
    Pipeline p = open();
    p.submit(reading("d", T0, 1L, 20, 40, "sim")).join();
    p.close();
    p.close();
    assertThat(p.submit(reading("d", T0, 2L, 20, 40, "sim"))).isCompletedExceptionally();
  }
}
