package net.dhtedge.agent.testing;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import net.dhtedge.agent.core.Reading;
import net.dhtedge.agent.pipeline.ReadingIntake;

/**
 * A small honest in-memory {@link ReadingIntake} for the MQTT tests. It dedups like the contract
 * says ((device, seq), or (device, ts) without seq; a reading the agent stamped moves to the next
 * free millisecond instead of being a duplicate) and can be told to complete at once, to hold the
 * futures until {@link #completeHeld()}, or to fail (a broken store).
 */
public final class InMemoryIntake implements ReadingIntake {

  /** How submit answers. */
  public enum Mode {
    IMMEDIATE,
    HOLD,
    /** The future completes exceptionally (the store failed). */
    FAIL,
    /** submit itself throws (a bug in the pipeline). */
    THROW
  }

  private final List<Reading> stored = new ArrayList<>();
  private final List<Reading> submitted = new ArrayList<>();
  private final Set<String> keys = new HashSet<>();
  private final List<Held> held = new ArrayList<>();
  private volatile Mode mode = Mode.IMMEDIATE;

  private record Held(Reading reading, boolean stamped, CompletableFuture<Outcome> future) {}

  public void mode(Mode m) {
    mode = m;
  }

  @Override
  public CompletableFuture<Outcome> submit(Reading r) {
    return submit(r, false);
  }

  @Override
  public CompletableFuture<Outcome> submitStamped(Reading r) {
    return submit(r, r.seq() == null);
  }

  private CompletableFuture<Outcome> submit(Reading r, boolean stamped) {
    synchronized (this) {
      submitted.add(r);
      switch (mode) {
        case THROW -> throw new IllegalStateException("pipeline bug");
        case FAIL -> {
          return CompletableFuture.failedFuture(new IllegalStateException("store is broken"));
        }
        case HOLD -> {
          CompletableFuture<Outcome> f = new CompletableFuture<>();
          held.add(new Held(r, stamped, f));
          return f;
        }
        default -> {
          return CompletableFuture.completedFuture(store(r, stamped));
        }
      }
    }
  }

  private Outcome store(Reading r, boolean stamped) {
    while (stamped && keys.contains(key(r))) {
      r =
          new Reading(
              r.deviceId(), r.ts().plusMillis(1), null, r.temperature(), r.humidity(), r.source());
    }
    if (!keys.add(key(r))) {
      return Outcome.DUPLICATE;
    }
    stored.add(r);
    return Outcome.STORED;
  }

  private static String key(Reading r) {
    return r.deviceId()
        + "|"
        + (r.seq() != null ? "seq:" + r.seq() : "ts:" + r.ts().toEpochMilli());
  }

  /** Completes every held submit (storing it), outside the lock. */
  public void completeHeld() {
    List<Held> todo;
    List<Outcome> outcomes = new ArrayList<>();
    synchronized (this) {
      todo = new ArrayList<>(held);
      held.clear();
      for (Held h : todo) {
        outcomes.add(store(h.reading(), h.stamped()));
      }
    }
    for (int i = 0; i < todo.size(); i++) {
      todo.get(i).future().complete(outcomes.get(i));
    }
  }

  public synchronized int heldCount() {
    return held.size();
  }

  public synchronized List<Reading> stored() {
    return List.copyOf(stored);
  }

  public synchronized List<Reading> submitted() {
    return List.copyOf(submitted);
  }

  @Override
  public void recordFailure(String deviceId, Instant ts, String reason) {
    // Local sensor failures do not come through MQTT.
  }
}
