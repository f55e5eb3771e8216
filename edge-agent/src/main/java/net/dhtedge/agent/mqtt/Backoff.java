package net.dhtedge.agent.mqtt;

import java.time.Duration;
import java.util.Objects;
import java.util.random.RandomGenerator;

/**
 * Reconnect back-off with full jitter: the n-th delay after a connect (n = 0, 1, ...) is drawn
 * uniformly from [0, min(max, min * 2^n)], so a fleet of agents that lost the same broker spreads
 * its reconnects over the whole window instead of coming back in lock-step. {@link #reset()} on
 * every successful connect, so the first retry after a loss is at most {@code min}; while the
 * broker stays away no delay exceeds {@code max}, so an agent tries at least once every {@code max}
 * whatever the length of the outage. Not thread-safe (used by the one connect thread).
 */
final class Backoff {

  private final long minMs;
  private final long maxMs;
  private final RandomGenerator random;
  private int attempt;

  Backoff(Duration min, Duration max, RandomGenerator random) {
    this.minMs = Math.max(1, min.toMillis());
    this.maxMs = Math.max(minMs, max.toMillis());
    this.random = Objects.requireNonNull(random, "random");
  }

  /** The upper bound of the next delay: min * 2^attempts, capped at max. */
  long ceilingMs() {
    long ceiling = minMs;
    for (int i = 0; i < attempt && ceiling < maxMs; i++) {
      ceiling *= 2;
    }
    return Math.min(ceiling, maxMs);
  }

  /** The next delay, uniform in [0, {@link #ceilingMs()}]; the ceiling doubles until max. */
  Duration next() {
    long ceiling = ceilingMs();
    if (ceiling < maxMs) {
      attempt++;
    }
    return Duration.ofMillis(random.nextLong(ceiling + 1));
  }

  /** After a successful connect: the next delay is drawn from [0, min] again. */
  void reset() {
    attempt = 0;
  }
}
