package net.dhtedge.agent.testing;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeMap;
import net.dhtedge.agent.outbox.Outbox;
import net.dhtedge.agent.outbox.OutboxMessage;

/**
 * A small honest in-memory {@link Outbox} for the MQTT tests: ordered by id, in-flight marks set by
 * {@link #next} and cleared by confirm/release. Not durable (the real one is in the store).
 */
public final class InMemoryOutbox implements Outbox {

  private final TreeMap<Long, OutboxMessage> pending = new TreeMap<>();
  private final Set<Long> inFlight = new HashSet<>();
  private long nextId = 1;
  private long confirms;
  private long releases;
  private int maxInFlight;

  private final List<Runnable> enqueued = new java.util.concurrent.CopyOnWriteArrayList<>();

  @Override
  public void enqueue(String topic, byte[] payload, int qos, boolean retained, int priority) {
    synchronized (this) {
      long id = nextId++;
      pending.put(
          id,
          new OutboxMessage(id, topic, payload.clone(), qos, retained, priority, Instant.now()));
    }
    enqueued.forEach(Runnable::run);
  }

  @Override
  public void onEnqueued(Runnable listener) {
    enqueued.add(listener);
  }

  @Override
  public synchronized List<OutboxMessage> next(int max) {
    List<OutboxMessage> out = new ArrayList<>();
    for (OutboxMessage m : pending.values()) {
      if (out.size() >= max) {
        break;
      }
      if (inFlight.add(m.id())) {
        out.add(m);
      }
      maxInFlight = Math.max(maxInFlight, inFlight.size());
    }
    return out;
  }

  @Override
  public synchronized void confirm(long id) {
    pending.remove(id);
    inFlight.remove(id);
    confirms++;
  }

  @Override
  public synchronized void release(long id) {
    inFlight.remove(id);
    releases++;
  }

  @Override
  public synchronized long depth() {
    return pending.size();
  }

  public synchronized long confirms() {
    return confirms;
  }

  /** The most messages ever handed out and not yet confirmed or released. */
  public synchronized int maxInFlight() {
    return maxInFlight;
  }

  public synchronized long releases() {
    return releases;
  }
}
