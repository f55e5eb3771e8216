package net.dhtedge.gpio.gpiod;

import java.util.concurrent.locks.LockSupport;

/** Monotonic time and short sleeps for the capture (a seam so tests run on virtual time). */
public interface CaptureClock {

  long nanoTime();

  /** Sleeps about {@code ns} (never less); restores nothing, throws when interrupted. */
  void sleepNanos(long ns) throws InterruptedException;

  CaptureClock SYSTEM =
      new CaptureClock() {
        @Override
        public long nanoTime() {
          return System.nanoTime();
        }

        @Override
        public void sleepNanos(long ns) throws InterruptedException {
          long end = System.nanoTime() + ns;
          for (long left = ns; left > 0; left = end - System.nanoTime()) {
            LockSupport.parkNanos(left);
            if (Thread.interrupted()) {
              throw new InterruptedException("interrupted during the start pulse");
            }
          }
        }
      };
}
