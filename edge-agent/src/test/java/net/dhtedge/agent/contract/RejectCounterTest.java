package net.dhtedge.agent.contract;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import net.dhtedge.agent.core.AgentClock;
import net.dhtedge.gpio.testing.MutableClock;
import org.junit.jupiter.api.Test;

class RejectCounterTest {

  final MutableClock time = new MutableClock(Instant.parse("2026-11-27T22:00:00Z"));
  final AgentClock clock = AgentClock.over(time);
  final List<String> lines = new CopyOnWriteArrayList<>();
  final RejectCounter counter = new RejectCounter(clock, Duration.ofMinutes(1), lines::add);

  static ParseResult.Reject reject(RejectReason r) {
    return new ParseResult.Reject(r, "detail");
  }

  @Test
  void eachReasonIsLoggedAtMostOnceAMinuteWithTheSuppressedCount() {
    assertThat(counter.record(reject(RejectReason.NOT_JSON), "t")).isTrue();
    for (int i = 0; i < 99; i++) {
      assertThat(counter.record(reject(RejectReason.NOT_JSON), "t")).isFalse();
    }
    assertThat(counter.record(reject(RejectReason.BAD_TS), "t")).isTrue();
    time.advance(Duration.ofSeconds(59));
    assertThat(counter.record(reject(RejectReason.NOT_JSON), "t")).isFalse();
    time.advance(Duration.ofSeconds(1));
    assertThat(counter.record(reject(RejectReason.NOT_JSON), "t")).isTrue();
    assertThat(lines).hasSize(3);
    assertThat(lines.get(0)).contains("not-json").doesNotContain("more since");
    assertThat(lines.get(2))
        .contains("not-json")
        .contains("100 more since")
        .contains("102 not-json in total");
    assertThat(counter.count(RejectReason.NOT_JSON)).isEqualTo(102);
    assertThat(counter.total()).isEqualTo(103);
    assertThat(counter.snapshot())
        .containsEntry(RejectReason.BAD_TS, 1L)
        .containsEntry(RejectReason.TOO_LARGE, 0L);
  }

  @Test
  void aWallClockSetBackAnHourDoesNotSilenceTheLogForAnHour() {
    assertThat(counter.record(reject(RejectReason.NOT_JSON), "t")).isTrue();
    time.step(Duration.ofHours(-1));
    time.advance(Duration.ofSeconds(60));

    assertThat(counter.record(reject(RejectReason.NOT_JSON), "t")).isTrue();
  }

  @Test
  void concurrentRecordsAreCountedExactlyAndLoggedOnce() throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(4);
    for (int t = 0; t < 4; t++) {
      pool.execute(
          () -> {
            for (int i = 0; i < 25_000; i++) {
              counter.record(reject(RejectReason.values()[i % RejectReason.values().length]), "t");
            }
          });
    }
    pool.shutdown();
    assertThat(pool.awaitTermination(60, TimeUnit.SECONDS)).isTrue();
    assertThat(counter.total()).isEqualTo(100_000);
    int reasons = RejectReason.values().length;
    // TOO_LARGE is reason 0: each thread records it for every i divisible by the reason count
    assertThat(counter.count(RejectReason.TOO_LARGE))
        .isEqualTo(4L * ((25_000 + reasons - 1) / reasons));
    assertThat(lines).hasSize(RejectReason.values().length);
  }
}
