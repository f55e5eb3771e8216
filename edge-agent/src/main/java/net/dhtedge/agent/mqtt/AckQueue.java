package net.dhtedge.agent.mqtt;

import java.util.ArrayDeque;
import java.util.function.LongSupplier;

/**
 * Sends manual acks in the order the messages arrived (MQTT 3.1.1 section 4.6), each only once the
 * message is settled. Entries from an older socket are dropped unacknowledged: the broker will
 * redeliver them. A message whose storing failed is dropped unacknowledged too and does not hold up
 * the ones behind it.
 */
final class AckQueue {

  /** Sends one ack; returns false when it could not be sent. */
  interface Acker {
    boolean ack(long epoch, int messageId, int qos);
  }

  static final class Entry {
    final long epoch;
    final int messageId;
    final int qos;
    private boolean settled;
    private boolean ack;

    Entry(long epoch, int messageId, int qos) {
      this.epoch = epoch;
      this.messageId = messageId;
      this.qos = qos;
    }
  }

  private final ArrayDeque<Entry> queue = new ArrayDeque<>();
  private final Acker acker;
  private final LongSupplier currentEpoch;
  private long acked;
  private long skipped;

  AckQueue(Acker acker, LongSupplier currentEpoch) {
    this.acker = acker;
    this.currentEpoch = currentEpoch;
  }

  /** Registers an arrived message; call in arrival order. */
  synchronized Entry arrived(long epoch, int messageId, int qos) {
    Entry e = new Entry(epoch, messageId, qos);
    queue.addLast(e);
    return e;
  }

  /**
   * Settles a message: ack it (stored, duplicate, rejected, own) or not (store failed). Sends every
   * ack that is now due, in arrival order.
   */
  synchronized void settle(Entry e, boolean ack) {
    e.settled = true;
    e.ack = ack;
    flush();
  }

  private void flush() {
    long now = currentEpoch.getAsLong();
    Entry head;
    while ((head = queue.peekFirst()) != null) {
      if (head.epoch != now) {
        queue.pollFirst();
        skipped++;
        continue;
      }
      if (!head.settled) {
        return;
      }
      queue.pollFirst();
      if (head.ack && acker.ack(head.epoch, head.messageId, head.qos)) {
        acked++;
      } else {
        skipped++;
      }
    }
  }

  /** Messages waiting for their turn or their outcome. */
  synchronized int pending() {
    return queue.size();
  }

  synchronized long acked() {
    return acked;
  }

  /** Messages left unacknowledged (store failed or socket gone): the broker redelivers them. */
  synchronized long skipped() {
    return skipped;
  }
}
