package net.dhtedge.gpio.testing;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import net.dhtedge.gpio.clock.DriverClock;

/**
 * The one test clock of the project, shared with edge-agent's tests through gpio-driver's test-jar
 * (edge-agent wraps it with {@code AgentClock.over}). {@link #advance} lets time pass (the wall and
 * the monotonic clock move together); {@link #step} sets the wall clock back or forward the way NTP
 * or a person does, without the monotonic clock moving. It is a {@link Clock} too, for the parts
 * that take one.
 */
public final class MutableClock extends Clock implements DriverClock {

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
  public Instant wall() {
    return wall;
  }

  @Override
  public long nanos() {
    return nanos;
  }

  /** Sleeps on the system's clock: this clock's time does not pass while a thread sleeps. */
  @Override
  public void sleepNanos(long ns) throws InterruptedException {
    DriverClock.parkNanos(ns);
  }

  @Override
  public Instant instant() {
    return wall;
  }

  @Override
  public ZoneId getZone() {
    return ZoneOffset.UTC;
  }

  @Override
  public Clock withZone(ZoneId zone) {
    return this;
  }
}
