package net.dhtedge.agent.outbox;

import java.util.List;

/**
 * Durable queue of messages to publish. The MQTT publisher drains it in order; a message leaves
 * only when the broker confirmed it (QoS 1) or it was written to the socket (QoS 0). Survives
 * broker outages, restarts and power cuts because it lives in the store.
 */
public interface Outbox {

  /** Queues a message; it is durable once the enclosing store commit returns. */
  void enqueue(String topic, byte[] payload, int qos, boolean retained, int priority);

  /** A message to queue with {@link #enqueueAll}. */
  record Entry(String topic, byte[] payload, int qos, boolean retained, int priority) {}

  /**
   * Queues several messages, in order, durable together: one commit instead of one per message (a
   * gateway that knows hundreds of devices announces them all at start-up).
   */
  default void enqueueAll(List<Entry> entries) {
    for (Entry e : entries) {
      enqueue(e.topic(), e.payload(), e.qos(), e.retained(), e.priority());
    }
  }

  /** Up to {@code max} unconfirmed messages, oldest first, skipping ids in flight. */
  List<OutboxMessage> next(int max);

  /**
   * The broker has the message: remove it (or mark it confirmed for housekeeping). Idempotent: a
   * second confirm of the same id does nothing.
   */
  void confirm(long id);

  /**
   * The publish of a message handed out by {@link #next} failed (disconnected, refused): it is no
   * longer in flight and {@link #next} returns it again, in its original place in the order.
   */
  void release(long id);

  /**
   * Calls {@code listener} after each commit that added messages (on the committing thread: it must
   * not block). The publisher uses it to wake up instead of polling.
   */
  default void onEnqueued(Runnable listener) {}

  /** Unconfirmed messages right now. */
  long depth();

  /** Reading messages dropped because the outbox was full, since start. */
  default long dropped() {
    return 0;
  }
}
