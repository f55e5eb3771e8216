package net.dhtedge.gpio.loop;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Semaphore;
import net.dhtedge.gpio.testing.MutableClock;

/**
 * Loop time under test control: a sleep advances the shared {@link MutableClock} at once and is
 * recorded; when gated, each sleep then waits until the test grants another round.
 */
final class TestLoopClock implements LoopClock {
  final MutableClock clock;
  final List<Duration> sleeps = new CopyOnWriteArrayList<>();
  private final Semaphore rounds;

  TestLoopClock(MutableClock clock, boolean gated) {
    this.clock = clock;
    this.rounds = gated ? new Semaphore(0) : null;
  }

  void allowRounds(int n) {
    rounds.release(n);
  }

  @Override
  public Instant now() {
    return clock.instant();
  }

  /** Follows the test's clock, which only moves forward here. */
  @Override
  public long nanoTime() {
    return clock.millis() * 1_000_000;
  }

  @Override
  public void sleep(Duration d) throws InterruptedException {
    sleeps.add(d);
    clock.advance(d);
    if (rounds != null) {
      rounds.acquire();
    }
  }
}
