package net.dhtedge.gpio.loop;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Semaphore;
import net.dhtedge.gpio.clock.DriverClock;
import net.dhtedge.gpio.testing.MutableClock;

/**
 * Loop time under test control: a sleep advances the shared {@link MutableClock} at once and is
 * recorded; when gated, each sleep then waits until the test grants another round.
 */
final class TestLoopClock implements DriverClock {
  final MutableClock clock;
  final List<Duration> sleeps = new CopyOnWriteArrayList<>();
  private final Semaphore rounds;
  private volatile Duration wallStep = Duration.ZERO;

  TestLoopClock(MutableClock clock, boolean gated) {
    this.clock = clock;
    this.rounds = gated ? new Semaphore(0) : null;
  }

  void allowRounds(int n) {
    rounds.release(n);
  }

  /** The wall clock steps by {@code d} (negative: back); the monotonic clock does not. */
  void stepWall(Duration d) {
    wallStep = wallStep.plus(d);
  }

  @Override
  public Instant wall() {
    return clock.instant().plus(wallStep);
  }

  /** Follows the test's clock (which only moves forward), not the wall clock's steps. */
  @Override
  public long nanos() {
    return clock.millis() * 1_000_000;
  }

  @Override
  public void sleepNanos(long ns) throws InterruptedException {
    sleep(Duration.ofNanos(ns));
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
