package net.dhtedge.agent.outbox;

/**
 * Outbox priorities (lower = more important, published first). Only {@link #READING} messages count
 * against the outbox capacity and may be dropped when it is full; the others are never dropped.
 */
public final class OutboxPriority {

  public static final int ALERT = 0;
  public static final int INCIDENT = 1;
  public static final int STATUS = 2;
  public static final int READING = 5;

  private OutboxPriority() {}

  public static boolean isDroppable(int priority) {
    return priority == READING;
  }
}
