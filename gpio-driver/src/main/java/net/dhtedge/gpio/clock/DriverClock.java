package net.dhtedge.gpio.clock;

import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.locks.LockSupport;

/**
 * The driver's one clock seam: the wall clock that readings are stamped with, a monotonic clock for
 * everything that measures or waits (the start pulse, the capture deadline, the interval between
 * reads, ages), and sleeping. Tests drive time themselves; the agent hands in its own clock (which
 * implements this), so the sensor loop and the agent read one clock.
 */
public interface DriverClock {

  /** The wall clock: what readings are stamped with. It can step (NTP, a person). */
  Instant wall();

  /** A monotonic clock in nanoseconds (only differences mean anything); it never steps. */
  long nanos();

  /** Sleeps about {@code ns} (never less); throws when the thread is interrupted. */
  void sleepNanos(long ns) throws InterruptedException;

  /** Sleeps about {@code d} (never less); throws when the thread is interrupted. */
  default void sleep(Duration d) throws InterruptedException {
    sleepNanos(d.toNanos());
  }

  /** The system's clocks. */
  DriverClock SYSTEM =
      new DriverClock() {
        @Override
        public Instant wall() {
          return Instant.now();
        }

        @Override
        public long nanos() {
          return System.nanoTime();
        }

        @Override
        public void sleepNanos(long ns) throws InterruptedException {
          parkNanos(ns);
        }
      };

  /**
   * Parks the thread for at least {@code ns} of {@link System#nanoTime()}, waking early only to
   * throw on an interrupt (parkNanos may return early, and does at once when interrupted).
   */
  static void parkNanos(long ns) throws InterruptedException {
    long end = System.nanoTime() + ns;
    for (long left = ns; left > 0; left = end - System.nanoTime()) {
      LockSupport.parkNanos(left);
      if (Thread.interrupted()) {
        throw new InterruptedException("interrupted while sleeping");
      }
    }
  }
}
