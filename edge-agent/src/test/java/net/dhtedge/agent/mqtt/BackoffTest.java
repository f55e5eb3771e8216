package net.dhtedge.agent.mqtt;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.random.RandomGenerator;
import org.junit.jupiter.api.Test;

class BackoffTest {

  /** Answers every draw with the given end of the range and remembers the ranges asked for. */
  static final class ScriptedRandom implements RandomGenerator {
    final List<Long> bounds = new ArrayList<>();
    final boolean top;

    ScriptedRandom(boolean top) {
      this.top = top;
    }

    @Override
    public long nextLong() {
      return 0;
    }

    @Override
    public synchronized long nextLong(long bound) {
      bounds.add(bound);
      return top ? bound - 1 : 0;
    }

    synchronized List<Long> ceilings() {
      return bounds.stream().map(b -> b - 1).toList();
    }
  }

  @Test
  void theCeilingDoublesFromTheMinimumToTheCapAndEveryDelayLiesInZeroToTheCeiling() {
    ScriptedRandom highest = new ScriptedRandom(true);
    Backoff b = new Backoff(Duration.ofMillis(500), Duration.ofSeconds(8), highest);
    List<Long> delays = new ArrayList<>();
    for (int i = 0; i < 10; i++) {
      delays.add(b.next().toMillis());
    }
    // the largest draw is the ceiling itself: min * 2^n, capped at 8 s
    assertThat(delays)
        .containsExactly(500L, 1000L, 2000L, 4000L, 8000L, 8000L, 8000L, 8000L, 8000L, 8000L);
    ScriptedRandom lowest = new ScriptedRandom(false);
    Backoff z = new Backoff(Duration.ofMillis(500), Duration.ofSeconds(8), lowest);
    for (int i = 0; i < 10; i++) {
      assertThat(z.next()).isEqualTo(Duration.ZERO); // full jitter: the range starts at 0
    }
    assertThat(lowest.ceilings()).isEqualTo(highest.ceilings());
  }

  @Test
  void aResetStartsFromTheMinimumAgainAndAnHourOfFailuresNeverWaitsLongerThanTheCap() {
    ScriptedRandom r = new ScriptedRandom(true);
    Backoff b = new Backoff(Duration.ofSeconds(1), Duration.ofSeconds(8), r);
    long waited = 0;
    int attempts = 0;
    while (waited < Duration.ofHours(1).toMillis()) {
      long d = b.next().toMillis();
      assertThat(d).isLessThanOrEqualTo(8_000);
      waited += d;
      attempts++;
    }
    assertThat(attempts).isGreaterThanOrEqualTo(450); // at least one try every 8 s
    b.reset();
    assertThat(b.next().toMillis()).isEqualTo(1_000);
    assertThat(b.next().toMillis()).isEqualTo(2_000);
  }

  @Test
  void drawsSpreadUniformlyOverTheWholeWindow() {
    Backoff b = new Backoff(Duration.ofSeconds(1), Duration.ofSeconds(8), new Random(42));
    int n = 20_000;
    long sum = 0;
    long min = Long.MAX_VALUE;
    long max = 0;
    int[] buckets = new int[4];
    for (int i = 0; i < n; i++) {
      b.next();
      b.next();
      b.next(); // ceiling now 8 s
      long d = b.next().toMillis();
      b.reset();
      sum += d;
      min = Math.min(min, d);
      max = Math.max(max, d);
      buckets[(int) Math.min(3, d / 2_000)]++;
    }
    assertThat(min).isLessThan(50);
    assertThat(max).isGreaterThan(7_950).isLessThanOrEqualTo(8_000);
    assertThat((double) sum / n).isBetween(3_900.0, 4_100.0);
    for (int count : buckets) {
      assertThat(count).isBetween(n / 4 - n / 40, n / 4 + n / 40);
    }
  }

  @Test
  void twoAgentsWithDifferentRandomnessDoNotRetryInLockStep() {
    Backoff a = new Backoff(Duration.ofSeconds(1), Duration.ofSeconds(8), new Random(1));
    Backoff c = new Backoff(Duration.ofSeconds(1), Duration.ofSeconds(8), new Random(2));
    int same = 0;
    for (int i = 0; i < 10; i++) {
      if (a.next().equals(c.next())) {
        same++;
      }
    }
    assertThat(same).isLessThan(10);
  }
}
