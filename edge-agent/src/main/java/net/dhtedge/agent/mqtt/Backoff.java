package net.dhtedge.agent.mqtt;

import java.time.Duration;
import java.util.Objects;
import java.util.random.RandomGenerator;

/**
 * Exponential reconnect backoff with jitter: the n-th delay is drawn uniformly from [base/2, base]
 * where base = min * 2^n capped at max, so a fleet of agents that lost the same broker does not
 * come back in lock-step. {@link #reset()} after a successful connect. Not thread-safe (used by the
 * one connect thread).
 */
final class Backoff {

  private final long minMs;
  private final long maxMs;
  private final RandomGenerator random;
  private int attempt;

  Backoff(Duration min, Duration max, RandomGenerator random) {
    this.minMs = min.toMillis();
    this.maxMs = max.toMillis();
    this.random = Objects.requireNonNull(random, "random");
  }

  /** The next delay; grows until max. */
  Duration next() {
    long base = minMs;
    for (int i = 0; i < attempt && base < maxMs; i++) {
      base *= 2;
    }
    base = Math.min(base, maxMs);
    if (attempt < 62) {
      attempt++;
    }
    long half = base / 2;
    long delay = half + (base - half == 0 ? 0 : random.nextLong(base - half + 1));
    return Duration.ofMillis(Math.max(1, delay));
  }

  void reset() {
    attempt = 0;
  }
}
