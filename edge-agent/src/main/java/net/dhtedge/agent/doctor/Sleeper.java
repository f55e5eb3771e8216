package net.dhtedge.agent.doctor;

import java.time.Duration;

/** Waits; tests pass one that changes a fake file instead of sleeping. */
@FunctionalInterface
public interface Sleeper {

  /** Sleeps for {@code d}; an interrupt ends the sleep early and keeps the interrupt flag. */
  void sleep(Duration d);

  /** The real one. */
  static Sleeper system() {
    return d -> {
      try {
        Thread.sleep(d);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    };
  }
}
