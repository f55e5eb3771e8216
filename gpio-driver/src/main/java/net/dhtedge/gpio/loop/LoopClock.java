package net.dhtedge.gpio.loop;

import java.time.Duration;
import java.time.Instant;

/**
 * Wall time, monotonic time and waiting for the sensor loop (a seam: tests drive time themselves).
 * Readings are stamped with {@link #now()}; the interval between reads and ages are measured with
 * {@link #nanoTime()}, so a wall clock set back an hour does not stop the loop for an hour.
 */
public interface LoopClock {

  /** The wall clock: what readings are stamped with. */
  Instant now();

  /** A monotonic clock in nanoseconds (only differences mean anything). */
  default long nanoTime() {
    return System.nanoTime();
  }

  /** Waits {@code d}; throws when the thread is interrupted (the loop is closing). */
  void sleep(Duration d) throws InterruptedException;

  LoopClock SYSTEM =
      new LoopClock() {
        @Override
        public Instant now() {
          return Instant.now();
        }

        @Override
        public void sleep(Duration d) throws InterruptedException {
          Thread.sleep(d);
        }
      };
}
