package net.dhtedge.agent.homeassistant;

import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;
import net.dhtedge.agent.core.Reading;
import net.dhtedge.agent.mqtt.MqttClientPort;
import net.dhtedge.agent.mqtt.MqttPortException;

/**
 * Home Assistant's view of each device: its newest stored reading on {@code
 * <prefix>/sensor/<device_id>/state}, at QoS 0, at most once per {@code interval} per device. The
 * first reading after a quiet interval goes out at once; readings that come faster are coalesced
 * and the newest of them goes out when the interval is over, so the last value of a burst is never
 * left out. A reading older than one already mirrored (an ESP32's backlog after a reconnect) is not
 * shown as the current state.
 *
 * <p>The state is not kept in the outbox: it is a copy of readings that are already stored (and,
 * for the agent's own sensors, queued on the readings topic), and Home Assistant only wants the
 * current value. While the broker is down a state is dropped and counted; the next reading brings a
 * new one. Thread-safe.
 */
final class StateMirror implements AutoCloseable {

  /** Where states go: the MQTT connection in the agent. */
  @FunctionalInterface
  interface Sink {
    void publish(String topic, byte[] payload) throws MqttPortException;
  }

  private static final class Slot {
    long lastSentNanos;
    boolean sentOnce;
    Instant newestTs; // newest reading mirrored or pending
    Reading pending;
    boolean scheduled;
  }

  private final DiscoveryOptions options;
  private final Sink sink;
  private final long intervalNanos;
  private final LongSupplier nanoTime;
  private final ScheduledExecutorService timer;
  private final Map<String, Slot> slots = new HashMap<>(); // guarded by this
  private final AtomicLong published = new AtomicLong();
  private final AtomicLong coalesced = new AtomicLong();
  private final AtomicLong dropped = new AtomicLong();
  private volatile boolean closed;

  StateMirror(DiscoveryOptions options, Sink sink, Duration interval, LongSupplier nanoTime) {
    this.options = Objects.requireNonNull(options, "options");
    this.sink = Objects.requireNonNull(sink, "sink");
    if (interval.isNegative()) {
      throw new IllegalArgumentException("homeassistant: state interval must be >= 0");
    }
    this.intervalNanos = interval.toNanos();
    this.nanoTime = Objects.requireNonNull(nanoTime, "nanoTime");
    this.timer =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "homeassistant-state");
              t.setDaemon(true);
              return t;
            });
  }

  /** A stored reading: mirror it now, or as soon as its device's interval is over. */
  void offer(Reading r) {
    if (closed) {
      return;
    }
    Reading now = null;
    synchronized (this) {
      Slot s = slots.computeIfAbsent(r.deviceId(), k -> new Slot());
      if (s.newestTs != null && r.ts().isBefore(s.newestTs)) {
        return; // older than what Home Assistant has (or will get): not the current state
      }
      s.newestTs = r.ts();
      long t = nanoTime.getAsLong();
      long due = s.lastSentNanos + intervalNanos;
      if (!s.scheduled && (!s.sentOnce || t - due >= 0)) {
        s.sentOnce = true;
        s.lastSentNanos = t;
        now = r;
      } else {
        if (s.pending != null) {
          coalesced.incrementAndGet();
        }
        s.pending = r;
        if (!s.scheduled) {
          s.scheduled = true;
          schedule(r.deviceId(), due - t);
        }
      }
    }
    if (now != null) {
      send(now);
    }
  }

  private void schedule(String deviceId, long delayNanos) {
    try {
      timer.schedule(() -> flush(deviceId), Math.max(0, delayNanos), TimeUnit.NANOSECONDS);
    } catch (RejectedExecutionException e) {
      // Closing.
    }
  }

  private void flush(String deviceId) {
    Reading r;
    synchronized (this) {
      Slot s = slots.get(deviceId);
      r = s.pending;
      s.pending = null;
      s.scheduled = false;
      s.lastSentNanos = nanoTime.getAsLong();
    }
    if (r != null) {
      send(r);
    }
  }

  private void send(Reading r) {
    try {
      sink.publish(options.stateTopic(r.deviceId()), DiscoveryPayloads.state(r));
      published.incrementAndGet();
    } catch (MqttPortException | RuntimeException e) {
      dropped.incrementAndGet();
    }
  }

  /** States published, readings coalesced into a later state, states dropped (broker down). */
  record Stats(long published, long coalesced, long dropped) {}

  Stats stats() {
    return new Stats(published.get(), coalesced.get(), dropped.get());
  }

  /** A {@link Sink} that publishes at QoS 0, not retained. */
  static Sink qos0(net.dhtedge.agent.mqtt.MqttConnection connection) {
    MqttClientPort.PublishCallback ignore =
        new MqttClientPort.PublishCallback() {
          @Override
          public void delivered() {}

          @Override
          public void failed(Throwable cause) {}
        };
    return (topic, payload) -> connection.publish(topic, payload, 0, false, ignore);
  }

  /** Stops the timer; pending states are not sent. Safe to call twice. */
  @Override
  public void close() {
    closed = true;
    timer.shutdownNow();
  }
}
