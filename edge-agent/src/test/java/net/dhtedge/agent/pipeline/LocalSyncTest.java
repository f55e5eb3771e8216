package net.dhtedge.agent.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import net.dhtedge.agent.core.AgentClock;
import net.dhtedge.agent.core.Reading;
import net.dhtedge.agent.core.Records;
import net.dhtedge.agent.pipeline.ReadingIntake.Outcome;
import net.dhtedge.agent.rules.TestRules;
import net.dhtedge.agent.rules.Threshold;
import net.dhtedge.agent.store.DeviceSummary;
import net.dhtedge.agent.store.Store;
import net.dhtedge.agent.store.StoreException;
import net.dhtedge.agent.store.StoreOptions;
import net.dhtedge.gpio.testing.MutableClock;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code store.local_sync_interval} against real HSQLDB files: readings of the agent's own sensors
 * are committed without a sync and reach the disk within the interval, or at close; anything else
 * is in the log file on disk before its future completes. (A kill of the whole agent, with its loss
 * counted, is {@code LocalSyncKillIT}.)
 */
class LocalSyncTest {

  static final Instant T0 = Instant.parse("2026-12-04T18:00:00Z");

  @TempDir Path dir;

  final MutableClock time = new MutableClock(T0);
  final AgentClock clock = AgentClock.over(time);

  Pipeline open(StoreOptions so) {
    return Pipeline.open(
        so,
        Records.with(
            TestRules.classic(), "temperature", Threshold.none(), "humidity", Threshold.none()),
        PipelineOptions.defaults(),
        clock);
  }

  static Reading local(int i) {
    return new Reading("pi-local", T0.plusMillis(1000L * i + 7), null, 20, 50, "sim");
  }

  static Reading mqtt(int i) {
    return new Reading("esp-1", T0.plusMillis(1000L * i + 3), (long) i, 21, 40, "mqtt");
  }

  /** What the database's commit log holds on disk now (not what HSQLDB buffers). */
  String logOnDisk() throws IOException {
    try {
      return Files.readString(dir.resolve("db").resolve("agent.log"), StandardCharsets.ISO_8859_1);
    } catch (NoSuchFileException e) {
      return "";
    }
  }

  static String millis(Reading r) {
    return Long.toString(r.ts().toEpochMilli());
  }

  @Test
  void anMqttReadingIsInTheLogFileWhenItsFutureCompletesAndTakesTheWaitingLocalReadingsAlong()
      throws Exception {
    try (Pipeline p =
        open(Records.with(StoreOptions.defaults(dir), "localSyncIntervalMillis", 10_000))) {
      assertThat(p.submitLocal(local(1)).join()).isEqualTo(Outcome.STORED);
      assertThat(p.submit(mqtt(1)).join()).isEqualTo(Outcome.STORED);
      String log = logOnDisk();
      assertThat(log)
          .as(
              "the MQTT reading (ts %s) is in the log file once it is acknowledged",
              millis(mqtt(1)))
          .contains(millis(mqtt(1)));
      assertThat(log)
          .as("the local reading committed before it went to disk with it")
          .contains(millis(local(1)));
    }
  }

  @Test
  void localReadingsReachTheLogFileWithinTheIntervalWithoutAnyOtherWrite() {
    try (Pipeline p =
        open(Records.with(StoreOptions.defaults(dir), "localSyncIntervalMillis", 200))) {
      for (int i = 1; i <= 3; i++) {
        assertThat(p.submitLocal(local(i)).join()).isEqualTo(Outcome.STORED);
      }
      Awaitility.await()
          .atMost(Duration.ofSeconds(30))
          .until(() -> logOnDisk().contains(millis(local(3))));
    }
  }

  @Test
  void localReadingsCommittedJustBeforeACleanCloseAreAllThereAfterTheReopen() {
    int n = 20;
    try (Pipeline p =
        open(Records.with(StoreOptions.defaults(dir), "localSyncIntervalMillis", 10_000))) {
      for (int i = 1; i <= n; i++) {
        assertThat(p.submitLocal(local(i)).join()).isEqualTo(Outcome.STORED);
      }
    }
    try (Pipeline p = open(StoreOptions.defaults(dir))) {
      assertThat(readingsOf(p, "pi-local"))
          .as("local readings after close and reopen")
          .isEqualTo(n);
    }
  }

  @Test
  void withAZeroIntervalEveryLocalReadingIsInTheLogFileBeforeItsFutureCompletes() throws Exception {
    try (Pipeline p =
        open(Records.with(StoreOptions.defaults(dir), "localSyncIntervalMillis", 0))) {
      for (int i = 1; i <= 3; i++) {
        assertThat(p.submitLocal(local(i)).join()).isEqualTo(Outcome.STORED);
        assertThat(logOnDisk())
            .as("local reading %d in the log file", i)
            .contains(millis(local(i)));
      }
    }
  }

  @Test
  void aSecondStoreOnTheSameDataDirectoryIsRefusedUntilTheFirstIsClosed() {
    StoreOptions o = StoreOptions.defaults(dir);
    try (Store first = Store.open(o)) {
      assertThatThrownBy(() -> Store.open(o))
          .isInstanceOf(StoreException.class)
          .hasMessageContaining("is open in another store in this process");
      assertThat(first.devices()).isEmpty();
    }
    try (Store again = Store.open(o)) {
      assertThat(again.devices()).isEmpty();
    }
    assertThat(dir.resolve("db").resolve("agent.lck"))
        .as("HSQLDB's own lock file (rewritten every 10 s) is not used")
        .doesNotExist();
  }

  static long readingsOf(Pipeline p, String device) {
    return p.store().devices().stream()
        .filter(d -> d.deviceId().equals(device))
        .mapToLong(DeviceSummary::readings)
        .sum();
  }
}
