package net.dhtedge.agent.testing;

import java.time.Duration;
import java.time.Instant;
import net.dhtedge.agent.core.AgentClock;

/**
 * The agent's clock under test control. {@link #advance} lets time pass (wall and monotonic clock
 * move together); {@link #step} sets the wall clock back or forward the way NTP or a person does,
 * without the monotonic clock moving.
 */
public final class MutableClock extends AgentClock {

  private volatile Instant wall;
  private volatile long nanos;

  public MutableClock(Instant start) {
    this.wall = start;
    this.nanos = 1_000_000_000_000L; // arbitrary, as System.nanoTime's origin is
  }

  /** Time passes: both clocks move by {@code d}. */
  public synchronized void advance(Duration d) {
    if (d.isNegative()) {
      throw new IllegalArgumentException("time does not pass backwards; use step()");
    }
    wall = wall.plus(d);
    nanos += d.toNanos();
  }

  /** Time passes until the wall clock shows {@code t} (which must not be earlier). */
  public synchronized void set(Instant t) {
    advance(Duration.between(wall, t));
  }

  /** The wall clock steps by {@code d} (negative: back); no time passes. */
  public synchronized void step(Duration d) {
    wall = wall.plus(d);
  }

  @Override
  protected Instant readWall() {
    return wall;
  }

  @Override
  protected long readNanos() {
    return nanos;
  }
}
