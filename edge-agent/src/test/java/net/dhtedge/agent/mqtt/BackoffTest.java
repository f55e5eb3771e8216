package net.dhtedge.agent.mqtt;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.Random;
import org.junit.jupiter.api.Test;

class BackoffTest {

  @Test
  void delaysDoubleWithJitterUpToTheMaximumAndResetAfterSuccess() {
    Backoff b = new Backoff(Duration.ofSeconds(1), Duration.ofSeconds(60), new Random(7));
    long[] bases = {1000, 2000, 4000, 8000, 16000, 32000, 60000, 60000, 60000};
    for (long base : bases) {
      long d = b.next().toMillis();
      assertThat(d).isBetween(base / 2, base);
    }
    b.reset();
    assertThat(b.next().toMillis()).isBetween(500L, 1000L);
  }

  @Test
  void twoAgentsWithDifferentRandomnessDoNotRetryInLockStep() {
    Backoff a = new Backoff(Duration.ofSeconds(1), Duration.ofSeconds(60), new Random(1));
    Backoff c = new Backoff(Duration.ofSeconds(1), Duration.ofSeconds(60), new Random(2));
    int same = 0;
    for (int i = 0; i < 10; i++) {
      if (a.next().equals(c.next())) {
        same++;
      }
    }
    assertThat(same).isLessThan(10);
  }
}
