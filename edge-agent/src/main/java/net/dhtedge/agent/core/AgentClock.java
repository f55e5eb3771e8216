package net.dhtedge.agent.core;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import net.dhtedge.gpio.clock.DriverClock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The agent's one clock seam: the wall clock for timestamps and a monotonic clock for durations.
 *
 * <p>The wall clock ({@link #instant()}, {@link #wall()}) says what time it is: readings are
 * stamped with it, incidents carry it, the store's retention counts in it. It can step: NTP, a
 * person or a real-time clock that comes up late sets it back or forward at once. The monotonic
 * clock ({@link #nanos()}) never steps, so everything that waits or measures how long (debounce,
 * stale, failure windows, back-off, rate limits, ages and uptime) runs on it: a wall clock set back
 * an hour must not delay an incident by an hour, and one set forward must not make every device
 * stale at once.
 *
 * <p>Every {@link #now()} reads both clocks and compares how far each moved since the previous
 * read: when they differ by more than {@link #STEP_THRESHOLD} the wall clock stepped. Such a step
 * is logged once, counted ({@link #steps()}) and kept ({@link #lastStep()}) for the status page,
 * {@code /api/status} and {@code /metrics}. NTP's gradual slewing (at most 0.05 %) never adds up to
 * the threshold between two reads.
 *
 * <p>It is a {@link Clock}, so it goes wherever a {@code Clock} is taken (the store, mail), and the
 * driver's {@link DriverClock}, so the sensor loops read it too; the parts that measure durations
 * take an {@code AgentClock}. Tests build it {@link #over} the shared test clock (gpio-driver's
 * {@code testing.MutableClock}) and step its wall clock without moving its monotonic clock.
 */
public final class AgentClock extends Clock implements DriverClock {

  private static final Logger LOG = LoggerFactory.getLogger(AgentClock.class);

  /** A wall clock that moved this much more or less than the monotonic clock has stepped. */
  public static final Duration STEP_THRESHOLD = Duration.ofSeconds(2);

  /**
   * One reading of both clocks, taken together.
   *
   * @param wall the wall-clock time (timestamps)
   * @param nanos the monotonic clock in nanoseconds (only differences mean anything)
   */
  public record Moment(Instant wall, long nanos) {

    /** Monotonic time from {@code earlier} to this moment (negative when it is later). */
    public Duration since(Moment earlier) {
      return Duration.ofNanos(nanos - earlier.nanos);
    }
  }

  /**
   * A step of the wall clock as the agent noticed it.
   *
   * @param noticedAt the wall-clock time just after the step
   * @param by how far the wall clock jumped beyond the time that passed (negative: back)
   */
  public record Step(Instant noticedAt, Duration by) {

    /** {@code back 3600.0 s} or {@code forward 5.2 s}. */
    public String describe() {
      return String.format(
          Locale.ROOT, "%s %.1f s", by.isNegative() ? "back" : "forward", Math.abs(seconds()));
    }

    /** The step in seconds, negative when back. */
    public double seconds() {
      return by.toMillis() / 1000.0;
    }
  }

  private final Object lock = new Object();
  private boolean primed;
  private long lastWallMillis;
  private long lastNanos;
  private long steps;
  private Step lastStep;

  private final DriverClock source;

  private AgentClock(DriverClock source) {
    this.source = source;
  }

  /** The machine's clocks: the system's wall clock and {@code System.nanoTime()}. */
  public static AgentClock system() {
    return over(DriverClock.SYSTEM);
  }

  /**
   * The agent's clock over another source of wall and monotonic time (tests: the shared {@code
   * MutableClock}). Sleeps stay on the system's clock.
   */
  public static AgentClock over(DriverClock source) {
    return new AgentClock(Objects.requireNonNull(source, "source"));
  }

  /** Both clocks now, compared with the previous read (which may log and count a step). */
  public final Moment now() {
    Step step = null;
    Moment m;
    synchronized (lock) {
      Instant wall = source.wall();
      long nanos = source.nanos();
      long wallMillis = wall.toEpochMilli();
      if (primed) {
        long drift = (wallMillis - lastWallMillis) - (nanos - lastNanos) / 1_000_000;
        if (Math.abs(drift) > STEP_THRESHOLD.toMillis()) {
          steps++;
          step = lastStep = new Step(wall, Duration.ofMillis(drift));
        }
      }
      primed = true;
      lastWallMillis = wallMillis;
      lastNanos = nanos;
      m = new Moment(wall, nanos);
    }
    if (step != null) {
      LOG.warn(
          "the wall clock stepped {} (the monotonic clock did not): readings are stamped with the"
              + " new time; debounce, stale, failure windows, back-off and rate limits keep running"
              + " on the monotonic clock ({} step(s) since start)",
          step.describe(),
          steps());
    }
    return m;
  }

  /** The wall-clock time: what timestamps carry. */
  public final Instant wall() {
    return now().wall();
  }

  @Override
  public final Instant instant() {
    return wall();
  }

  /** The monotonic clock in nanoseconds: what durations are measured on. */
  public final long nanos() {
    return now().nanos();
  }

  /** Sleeps on the system's clock; a test clock's time does not pass while its thread sleeps. */
  @Override
  public void sleepNanos(long ns) throws InterruptedException {
    DriverClock.parkNanos(ns);
  }

  /** Steps of the wall clock noticed since this clock was made. */
  public final long steps() {
    synchronized (lock) {
      return steps;
    }
  }

  /** The latest step noticed, if any. */
  public final Optional<Step> lastStep() {
    synchronized (lock) {
      return Optional.ofNullable(lastStep);
    }
  }

  @Override
  public final ZoneId getZone() {
    return ZoneOffset.UTC;
  }

  @Override
  public final Clock withZone(ZoneId zone) {
    return this;
  }
}
