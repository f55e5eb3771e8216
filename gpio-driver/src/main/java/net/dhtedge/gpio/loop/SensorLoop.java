package net.dhtedge.gpio.loop;

import java.time.Duration;
import java.time.Instant;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import net.dhtedge.gpio.DhtBackend;
import net.dhtedge.gpio.DhtResult;
import net.dhtedge.gpio.FailureReason;
import net.dhtedge.gpio.clock.DriverClock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Polls one sensor on its own thread: a read every {@code interval} (start to start, never faster
 * than the model allows), after a failure a retry after the interval, doubling with each further
 * failure up to {@code maxBackoff}. Good readings optionally pass a {@link SpikeFilter}. Every
 * attempt is counted and delivered to the listeners ({@link SensorUpdate}).
 *
 * <pre>{@code
 * SensorLoop loop = SensorLoop.create(options);   // backend opened lazily from the options
 * loop.addListener(update -> queue.offer(update));
 * loop.start();
 * SensorStatus s = loop.status();                  // any thread, any time
 * loop.close();                                    // stops the thread, closes the backend
 * }</pre>
 */
public final class SensorLoop implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(SensorLoop.class);
  private static final int SPIKE_WINDOW_INTERVALS = 10;

  private final SensorOptions options;
  private final DhtBackend backend;
  private final DriverClock clock;
  private final SpikeFilter spikeFilter;
  private final List<SensorListener> listeners = new CopyOnWriteArrayList<>();
  private final Object lock = new Object();

  // state guarded by lock
  private long attempts;
  private long successes;
  private final Map<FailureReason, Long> failures = new EnumMap<>(FailureReason.class);
  private int consecutiveFailures;
  private long spikesRejected;
  private boolean valid;
  private DhtResult.Reading lastGood;
  private Instant lastGoodAt;
  private long lastGoodNanos; // when lastGood was measured, on clock.nanos()
  private DhtResult.Failure lastFailure;
  private Instant lastFailureAt;
  private Thread thread;
  private boolean closed;

  /**
   * @param backend the loop owns it and closes it on {@link #close()}
   */
  public SensorLoop(SensorOptions options, DhtBackend backend, DriverClock clock) {
    this.options = options;
    this.backend = backend;
    this.clock = clock;
    this.spikeFilter =
        options.spikeFilter()
            ? new SpikeFilter(options.interval().multipliedBy(SPIKE_WINDOW_INTERVALS))
            : null;
    for (FailureReason r : FailureReason.values()) {
      failures.put(r, 0L);
    }
  }

  /** A loop on the backend the options name, opened lazily ({@link DhtBackends#openLazily}). */
  public static SensorLoop create(SensorOptions options) {
    return create(options, DriverClock.SYSTEM);
  }

  /** The same on {@code clock}: the agent hands in its own, so the loop and the agent read one. */
  public static SensorLoop create(SensorOptions options, DriverClock clock) {
    return new SensorLoop(options, DhtBackends.openLazily(options), clock);
  }

  public void addListener(SensorListener listener) {
    listeners.add(listener);
  }

  public void removeListener(SensorListener listener) {
    listeners.remove(listener);
  }

  public SensorOptions options() {
    return options;
  }

  /** Starts the loop's thread; the first read happens at once. */
  public void start() {
    synchronized (lock) {
      if (closed) {
        throw new IllegalStateException("sensor loop " + options.id() + " is closed");
      }
      if (thread != null) {
        throw new IllegalStateException("sensor loop " + options.id() + " already started");
      }
      thread = Thread.ofPlatform().daemon().name("dht-loop-" + options.id()).start(this::run);
    }
  }

  private void run() {
    while (!Thread.currentThread().isInterrupted()) {
      long started = clock.nanos();
      try {
        Duration delay = readOnce();
        Duration left = delay.minusNanos(clock.nanos() - started);
        if (left.isPositive()) {
          clock.sleep(left);
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt(); // closing: leave the loop with the flag set
      }
    }
  }

  /**
   * One attempt: reads, counts, filters, notifies. Returns how long to wait (start to start) before
   * the next attempt. The loop thread calls it; tests may call it directly.
   */
  public Duration readOnce() throws InterruptedException {
    DhtResult result;
    try {
      result = backend.read();
    } catch (RuntimeException e) {
      result = DhtResult.fail(FailureReason.IO, "backend error: " + e);
    }
    Instant at = clock.wall();
    long atNanos = clock.nanos();
    SensorUpdate update;
    Duration delay;
    synchronized (lock) {
      attempts++;
      if (result instanceof DhtResult.Reading r) {
        successes++;
        consecutiveFailures = 0;
        SpikeFilter.Entry chosen =
            spikeFilter == null ? new SpikeFilter.Entry(r, at) : spikeFilter.offer(r, at);
        boolean filtered = chosen.reading() != r;
        if (filtered) {
          spikesRejected++;
        }
        valid = true;
        lastGood = chosen.reading();
        lastGoodAt = chosen.at();
        Duration older =
            Duration.between(chosen.at(), at); // the spike filter may keep an older one
        lastGoodNanos = atNanos - (older.isNegative() ? 0 : older.toNanos());
        update = new SensorUpdate.Good(options.id(), chosen.at(), chosen.reading(), filtered);
        delay = options.interval();
      } else {
        DhtResult.Failure f = (DhtResult.Failure) result;
        failures.merge(f.reason(), 1L, Long::sum);
        consecutiveFailures++;
        valid = false;
        lastFailure = f;
        lastFailureAt = at;
        update =
            new SensorUpdate.Invalid(options.id(), at, f.reason(), f.detail(), consecutiveFailures);
        delay = backoff(consecutiveFailures);
      }
    }
    notifyListeners(update);
    return delay;
  }

  /** interval x 2^(n-1), capped at maxBackoff. */
  Duration backoff(int failuresInARow) {
    Duration d = options.interval();
    for (int i = 1; i < failuresInARow && d.compareTo(options.maxBackoff()) < 0; i++) {
      d = d.multipliedBy(2);
    }
    return d.compareTo(options.maxBackoff()) > 0 ? options.maxBackoff() : d;
  }

  private void notifyListeners(SensorUpdate update) {
    for (SensorListener l : listeners) {
      try {
        l.onUpdate(update);
      } catch (RuntimeException e) {
        log.warn("sensor {}: listener {} failed: {}", options.id(), l, e.toString());
      }
    }
  }

  /** A consistent snapshot of the counters and last values; safe from any thread. */
  public SensorStatus status() {
    long nowNanos = clock.nanos();
    String describe = backend.describe();
    synchronized (lock) {
      return new SensorStatus(
          options.id(),
          describe,
          thread != null && thread.isAlive(),
          valid,
          attempts,
          successes,
          failures,
          consecutiveFailures,
          spikesRejected,
          lastGood,
          lastGoodAt,
          lastGoodAt == null ? null : Duration.ofNanos(Math.max(0, nowNanos - lastGoodNanos)),
          lastFailure,
          lastFailureAt);
    }
  }

  /** Stops the thread (waits up to 2 s for a read in flight) and closes the backend; idempotent. */
  @Override
  public void close() {
    Thread t;
    synchronized (lock) {
      if (closed) {
        return;
      }
      closed = true;
      t = thread;
    }
    try {
      if (t != null) {
        t.interrupt();
        t.join(Duration.ofSeconds(2));
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } finally {
      backend.close();
    }
  }
}
