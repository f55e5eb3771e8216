package net.dhtedge.agent.mqtt;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import net.dhtedge.agent.outbox.Outbox;
import net.dhtedge.agent.outbox.OutboxMessage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Drains the {@link Outbox} to the broker, oldest first, while connected: at most {@code
 * inflightWindow} publishes awaiting confirmation and at most {@code drainRatePerSecond} per second
 * (so a backlog after an outage does not flood the broker or the Pi). A message is confirmed in the
 * outbox only when the broker acknowledged it (QoS 1) or it was written to the socket (QoS 0); a
 * failed publish is released back to the outbox and sent again.
 *
 * <p>When the connection drops, QoS 1 messages already handed to Paho stay in flight: Paho resends
 * them first on the reconnect of the same session, so order is kept. Anything still unconfirmed
 * after {@code stuckTimeout} of being connected is released and republished (at-least-once: a
 * subscriber may see a duplicate, never a gap). One thread does all outbox calls; Paho's threads
 * only queue completions. {@link #signal()} wakes it when something was enqueued; otherwise it
 * polls every {@code pollInterval}.
 */
public final class Publisher implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(Publisher.class);

  /** Default poll interval when nobody signals. */
  public static final Duration POLL_INTERVAL = Duration.ofSeconds(1);

  /** Default time a publish may stay unconfirmed while connected before it is sent again. */
  public static final Duration STUCK_TIMEOUT = Duration.ofMinutes(2);

  /** Counters for the status page and the tests. */
  public record Stats(
      long published, long confirmed, long failed, long republished, int inFlight) {}

  private record Completion(long id, long attempt, Throwable failure) {}

  private static final class InFlight {
    final OutboxMessage message;
    final long attempt;
    final long epoch;
    final long sentNanos;

    InFlight(OutboxMessage message, long attempt, long epoch, long sentNanos) {
      this.message = message;
      this.attempt = attempt;
      this.epoch = epoch;
      this.sentNanos = sentNanos;
    }
  }

  private final MqttConnection connection;
  private final Outbox outbox;
  private final Duration pollInterval;
  private final Duration stuckTimeout;
  private final int window;
  private final long intervalNanos;
  private final Map<Long, InFlight> inFlight = new LinkedHashMap<>(); // publisher thread only
  private final List<Long> unconfirmed = new ArrayList<>(); // delivered, confirm failed
  private final ConcurrentLinkedQueue<Completion> completions = new ConcurrentLinkedQueue<>();
  private final AtomicBoolean started = new AtomicBoolean();
  private final AtomicBoolean closed = new AtomicBoolean();
  private final AtomicLong attempts = new AtomicLong();
  private final AtomicLong published = new AtomicLong();
  private final AtomicLong confirmed = new AtomicLong();
  private final AtomicLong failed = new AtomicLong();
  private final AtomicLong republished = new AtomicLong();
  private volatile int inFlightCount;
  private volatile boolean reconnected;
  private long connectedSinceNanos;
  private long nextSendNanos;
  private final Thread thread;

  public Publisher(MqttConnection connection, Outbox outbox) {
    this(connection, outbox, POLL_INTERVAL, STUCK_TIMEOUT);
  }

  /**
   * @param connection the session (its options give the window and the drain rate)
   * @param outbox what to publish
   * @param pollInterval how often to look at the outbox without a signal
   * @param stuckTimeout how long a publish may stay unconfirmed while connected
   */
  public Publisher(
      MqttConnection connection, Outbox outbox, Duration pollInterval, Duration stuckTimeout) {
    this.connection = Objects.requireNonNull(connection, "connection");
    this.outbox = Objects.requireNonNull(outbox, "outbox");
    this.pollInterval = Objects.requireNonNull(pollInterval, "pollInterval");
    this.stuckTimeout = Objects.requireNonNull(stuckTimeout, "stuckTimeout");
    this.window = connection.options().inflightWindow();
    this.intervalNanos = TimeUnit.SECONDS.toNanos(1) / connection.options().drainRatePerSecond();
    this.nextSendNanos = System.nanoTime();
    this.thread = new Thread(this::run, "mqtt-publisher");
    thread.setDaemon(true);
  }

  /** Starts the publishing thread and follows the connection. */
  public void start() {
    if (closed.get()) {
      throw new IllegalStateException("closed");
    }
    if (started.compareAndSet(false, true)) {
      outbox.onEnqueued(this::signal);
      connection.addListener(
          new MqttConnection.Listener() {
            @Override
            public void connected(String serverUri) {
              reconnected = true;
              signal();
            }

            @Override
            public void disconnected(String cause) {
              signal();
            }
          });
      thread.start();
    }
  }

  /** Something was enqueued: look at the outbox now. Cheap; call from any thread. */
  public void signal() {
    LockSupport.unpark(thread);
  }

  public Stats stats() {
    return new Stats(
        published.get(), confirmed.get(), failed.get(), republished.get(), inFlightCount);
  }

  private void run() {
    while (!closed.get()) {
      try {
        step();
      } catch (RuntimeException e) {
        // The outbox failed (store trouble): keep the thread alive and try again later.
        LOG.warn("MQTT publisher: {}; retrying in {} ms", e.toString(), pollInterval.toMillis());
        park(pollInterval.toNanos());
      }
    }
  }

  private void step() {
    settleCompletions();
    if (!connection.isConnected()) {
      park(pollInterval.toNanos());
      return;
    }
    long now = System.nanoTime();
    if (reconnected) {
      reconnected = false;
      connectedSinceNanos = now;
      // A clean session forgets what Paho had in flight: send it again.
      if (connection.options().cleanSession()) {
        releaseAll(inFlight.values().stream().filter(f -> f.epoch != connection.epoch()).toList());
      }
    }
    releaseStuck(now);
    int room = window - inFlight.size();
    if (room <= 0) {
      park(pollInterval.toNanos());
      return;
    }
    // The outbox marks what it hands out as in flight until confirm or release: everything it
    // returns here is either sent or released again.
    List<OutboxMessage> batch = outbox.next(room);
    int sent = 0;
    for (int i = 0; i < batch.size(); i++) {
      OutboxMessage m = batch.get(i);
      if (inFlight.containsKey(m.id())) {
        continue; // Already ours (an outbox that handed it out twice): never publish it twice.
      }
      if (closed.get() || !connection.isConnected()) {
        release(batch.subList(i, batch.size()));
        break;
      }
      pace();
      if (!send(m)) {
        release(batch.subList(i + 1, batch.size()));
        break;
      }
      sent++;
    }
    if (sent == 0) {
      park(pollInterval.toNanos());
    }
  }

  private boolean send(OutboxMessage m) {
    long attempt = attempts.incrementAndGet();
    inFlight.put(m.id(), new InFlight(m, attempt, connection.epoch(), System.nanoTime()));
    inFlightCount = inFlight.size();
    try {
      connection.publish(
          m.topic(),
          m.payload(),
          m.qos(),
          m.retained(),
          new MqttClientPort.PublishCallback() {
            @Override
            public void delivered() {
              completions.add(new Completion(m.id(), attempt, null));
              signal();
            }

            @Override
            public void failed(Throwable cause) {
              completions.add(
                  new Completion(
                      m.id(),
                      attempt,
                      cause == null ? new IllegalStateException("failed") : cause));
              signal();
            }
          });
      published.incrementAndGet();
      return true;
    } catch (MqttPortException e) {
      inFlight.remove(m.id());
      inFlightCount = inFlight.size();
      failed.incrementAndGet();
      outbox.release(m.id());
      LOG.debug("publish of outbox message {} failed: {}", m.id(), e.getMessage());
      return false;
    }
  }

  private void settleCompletions() {
    while (!unconfirmed.isEmpty()) {
      confirm(unconfirmed.get(0)); // throws on store trouble: retried on the next step
      unconfirmed.remove(0);
    }
    Completion c;
    while ((c = completions.poll()) != null) {
      InFlight f = inFlight.get(c.id());
      if (c.failure() == null) {
        // Delivered (even if by an older attempt): the broker has it.
        try {
          confirm(c.id());
        } catch (RuntimeException e) {
          unconfirmed.add(c.id()); // stays in flight so it is not sent again meanwhile
          throw e;
        }
      } else if (f != null && f.attempt == c.attempt()) {
        inFlight.remove(c.id());
        inFlightCount = inFlight.size();
        failed.incrementAndGet();
        outbox.release(c.id());
      }
    }
  }

  private void confirm(long id) {
    outbox.confirm(id);
    inFlight.remove(id);
    inFlightCount = inFlight.size();
    confirmed.incrementAndGet();
  }

  private void release(List<OutboxMessage> unsent) {
    for (OutboxMessage m : unsent) {
      if (!inFlight.containsKey(m.id())) {
        outbox.release(m.id());
      }
    }
  }

  private void releaseStuck(long now) {
    if (inFlight.isEmpty() || now - connectedSinceNanos < stuckTimeout.toNanos()) {
      return;
    }
    List<InFlight> stuck =
        inFlight.values().stream()
            .filter(f -> now - f.sentNanos > stuckTimeout.toNanos())
            .filter(f -> !unconfirmed.contains(f.message.id()))
            .toList();
    if (!stuck.isEmpty()) {
      LOG.warn(
          "MQTT: {} publishes unconfirmed for over {} s; sending them again",
          stuck.size(),
          stuckTimeout.toSeconds());
      releaseAll(stuck);
    }
  }

  private void releaseAll(List<InFlight> list) {
    for (InFlight f : list) {
      inFlight.remove(f.message.id());
      outbox.release(f.message.id());
      republished.incrementAndGet();
    }
    inFlightCount = inFlight.size();
  }

  private void pace() {
    long now = System.nanoTime();
    while (nextSendNanos - now > 0 && !closed.get()) {
      LockSupport.parkNanos(nextSendNanos - now);
      now = System.nanoTime();
    }
    nextSendNanos = Math.max(now, nextSendNanos) + intervalNanos;
  }

  private static void park(long nanos) {
    LockSupport.parkNanos(nanos);
  }

  /** Stops the thread (what is in flight stays in the outbox). Safe to call twice. */
  @Override
  public void close() {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    LockSupport.unpark(thread);
    if (started.get()) {
      try {
        thread.join(5_000);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }
}
