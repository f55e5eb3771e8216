package net.dhtedge.agent.pipeline;

import java.util.List;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import net.dhtedge.agent.core.Reading;
import net.dhtedge.agent.rules.Transition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Tells the pipeline's listeners (live views, Home Assistant) about committed readings and
 * incidents, on a thread of its own so a slow listener never holds up the store's writer. At most
 * {@link #MAX_PENDING} readings wait; beyond that a burst's further readings are not passed on
 * (counted in {@link #dropped()}), so a slow listener can never fill the heap. Incidents always
 * are.
 */
final class ListenerFanOut implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(ListenerFanOut.class);

  /** How many committed readings may wait for the listeners. */
  static final int MAX_PENDING = 2_000;

  private final List<PipelineListener> listeners = new CopyOnWriteArrayList<>();
  private final ExecutorService events =
      Executors.newSingleThreadExecutor(
          r -> {
            Thread t = new Thread(r, "pipeline-events");
            t.setDaemon(true);
            return t;
          });
  private final AtomicInteger pending = new AtomicInteger();
  private final AtomicLong dropped = new AtomicLong();

  void add(PipelineListener l) {
    listeners.add(Objects.requireNonNull(l, "listener"));
  }

  void remove(PipelineListener l) {
    listeners.remove(l);
  }

  boolean isEmpty() {
    return listeners.isEmpty();
  }

  /** Readings not passed on because the listeners were {@link #MAX_PENDING} behind. */
  long dropped() {
    return dropped.get();
  }

  /** Passes on a committed reading ({@code r} null: none) and its transitions. */
  void announce(Reading r, ReadingIntake.Outcome o, List<Transition> transitions) {
    if (listeners.isEmpty()) {
      return;
    }
    if (transitions.isEmpty() && pending.get() >= MAX_PENDING) {
      dropped.incrementAndGet();
      return;
    }
    pending.incrementAndGet();
    try {
      events.execute(
          () -> {
            pending.decrementAndGet();
            for (PipelineListener l : listeners) {
              try {
                if (r != null) {
                  l.onReading(r, o);
                }
                for (Transition t : transitions) {
                  l.onIncident(t);
                }
              } catch (RuntimeException e) {
                LOG.warn("pipeline listener failed", e);
              }
            }
          });
    } catch (RejectedExecutionException e) {
      // closing: listeners are not told any more
    }
  }

  /** Lets what is queued run for up to 2 s, then stops. Safe to call twice. */
  @Override
  public void close() {
    events.shutdown();
    try {
      events.awaitTermination(2, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
