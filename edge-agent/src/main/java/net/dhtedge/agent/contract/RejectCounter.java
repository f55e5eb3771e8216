package net.dhtedge.agent.contract;

import java.time.Duration;
import java.util.EnumMap;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.function.Consumer;
import net.dhtedge.agent.core.AgentClock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Counts rejected payloads by reason and logs each reason at most once per interval (a minute by
 * default), with the number suppressed since the last line: a storm of bad messages costs a few
 * atomic increments, not a flood of log lines. The interval runs on the monotonic clock (a wall
 * clock set back an hour does not silence the log for an hour). Thread-safe, lock-free.
 */
public final class RejectCounter {

  private static final Logger LOG = LoggerFactory.getLogger(RejectCounter.class);

  /** The default log interval per reason. */
  public static final Duration LOG_INTERVAL = Duration.ofMinutes(1);

  private final AgentClock clock;
  private final Duration interval;
  private final Consumer<String> log;
  private final AtomicLongArray counts = new AtomicLongArray(RejectReason.values().length);
  private final AtomicLongArray loggedCounts = new AtomicLongArray(RejectReason.values().length);
  private final AtomicLong[] nextLogNanos = new AtomicLong[RejectReason.values().length];

  /** Logs through SLF4J at WARN, at most once a minute per reason. */
  public RejectCounter(AgentClock clock) {
    this(clock, LOG_INTERVAL, LOG::warn);
  }

  /**
   * @param clock the time source for the log interval (its monotonic clock)
   * @param interval at most one log line per reason per interval
   * @param log where the lines go
   */
  public RejectCounter(AgentClock clock, Duration interval, Consumer<String> log) {
    this.clock = Objects.requireNonNull(clock, "clock");
    this.interval = Objects.requireNonNull(interval, "interval");
    this.log = Objects.requireNonNull(log, "log");
    long now = clock.nanos();
    for (int i = 0; i < nextLogNanos.length; i++) {
      nextLogNanos[i] = new AtomicLong(now); // due at once
    }
  }

  /**
   * Counts one reject.
   *
   * @param topic where it came from (for the log line)
   * @return true when this call wrote a log line
   */
  public boolean record(ParseResult.Reject reject, String topic) {
    int i = reject.reason().ordinal();
    long total = counts.incrementAndGet(i);
    long now = clock.nanos();
    AtomicLong next = nextLogNanos[i];
    long due = next.get();
    if (now - due < 0 || !next.compareAndSet(due, now + interval.toNanos())) {
      return false;
    }
    long before = loggedCounts.getAndSet(i, total);
    long suppressed = Math.max(0, total - before - 1);
    log.accept(
        "rejected MQTT payload on "
            + topic
            + ": "
            + reject.reason().id()
            + " ("
            + reject.detail()
            + ")"
            + (suppressed > 0 ? "; " + suppressed + " more since the last report" : "")
            + "; "
            + total
            + " "
            + reject.reason().id()
            + " in total");
    return true;
  }

  /** Rejects counted for one reason. */
  public long count(RejectReason reason) {
    return counts.get(reason.ordinal());
  }

  /** Rejects counted for all reasons. */
  public long total() {
    long sum = 0;
    for (int i = 0; i < counts.length(); i++) {
      sum += counts.get(i);
    }
    return sum;
  }

  /** A snapshot of every reason's count (reasons never seen have 0), for the status page. */
  public Map<RejectReason, Long> snapshot() {
    Map<RejectReason, Long> m = new EnumMap<>(RejectReason.class);
    for (RejectReason r : RejectReason.values()) {
      m.put(r, counts.get(r.ordinal()));
    }
    return m;
  }
}
