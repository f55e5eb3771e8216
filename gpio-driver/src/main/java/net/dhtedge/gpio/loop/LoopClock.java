package net.dhtedge.gpio.loop;

import java.time.Duration;
import java.time.Instant;

/** Wall time and waiting for the sensor loop (a seam: tests drive time themselves). */
public interface LoopClock {

  Instant now();

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
