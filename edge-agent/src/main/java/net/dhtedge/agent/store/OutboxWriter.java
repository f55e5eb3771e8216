package net.dhtedge.agent.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import net.dhtedge.agent.outbox.OutboxPriority;

/**
 * The {@code outbox} table of one batch transaction, in the shape of Kura's message store: new
 * messages (pending, with their priority) are written with one JDBC batch, confirmations mark them
 * confirmed (and drop their payload), and the capacity drops the oldest pending readings (never
 * incidents or alerts) beyond {@link StoreOptions#outboxCapacity()}. The pending and droppable
 * counts reach the store's state only when the transaction committed.
 */
final class OutboxWriter {

  private static final byte[] NO_PAYLOAD = new byte[0];

  private record OutRow(
      long id, String topic, byte[] payload, int qos, boolean retained, int prio) {}

  private final Connection c;
  private final StoreState state;
  private final long capacity;
  private final long now;
  private final List<OutRow> outbox = new ArrayList<>();
  private final List<long[]> confirms = new ArrayList<>(); // {id, priority or -1}
  private long pendingDelta;
  private long droppableDelta;
  private long dropped;

  OutboxWriter(Connection c, StoreState state, long capacity, long nowMillis) {
    this.c = c;
    this.state = state;
    this.capacity = capacity;
    this.now = nowMillis;
  }

  /** Queues an outbox message in this transaction; returns its id. */
  long enqueue(String topic, byte[] payload, int qos, boolean retained, int priority) {
    if (qos < 0 || qos > 1) {
      throw new IllegalArgumentException("qos must be 0 or 1: " + qos);
    }
    long id = state.outboxIds.incrementAndGet();
    outbox.add(new OutRow(id, topic, payload, qos, retained, priority));
    pendingDelta++;
    if (OutboxPriority.isDroppable(priority)) {
      droppableDelta++;
    }
    return id;
  }

  /** Marks an outbox message confirmed; {@code priority} -1 when unknown. */
  void confirm(long id, int priority) {
    confirms.add(new long[] {id, priority});
  }

  /** Whether this transaction added outbox messages. */
  boolean enqueued() {
    return !outbox.isEmpty();
  }

  /** Writes the new messages, the confirmations, then drops what is over capacity. */
  void flush() throws SQLException {
    flushOutbox();
    flushConfirms();
    enforceCapacity();
  }

  private void flushOutbox() throws SQLException {
    if (outbox.isEmpty()) {
      return;
    }
    try (PreparedStatement ps =
        c.prepareStatement(
            "INSERT INTO outbox (id, topic, payload, qos, retained, priority, state, created_at)"
                + " VALUES (?,?,?,?,?,?,0,?)")) {
      for (OutRow o : outbox) {
        ps.setLong(1, o.id());
        ps.setString(2, o.topic());
        ps.setBytes(3, o.payload());
        ps.setInt(4, o.qos());
        ps.setBoolean(5, o.retained());
        ps.setInt(6, o.prio());
        ps.setLong(7, now);
        ps.addBatch();
      }
      ps.executeBatch();
    }
  }

  private void flushConfirms() throws SQLException {
    if (confirms.isEmpty()) {
      return;
    }
    for (long[] conf : confirms) {
      if (conf[1] < 0) {
        try (PreparedStatement q =
            c.prepareStatement("SELECT priority FROM outbox WHERE id = ? AND state = 0")) {
          q.setLong(1, conf[0]);
          try (ResultSet rs = q.executeQuery()) {
            conf[1] = rs.next() ? rs.getInt(1) : -2;
          }
        }
      }
    }
    // A confirmed message keeps its row (state 1, purged by housekeeping after
    // outboxKeepConfirmed) but not its payload, which nothing reads again. HSQLDB logs an UPDATE
    // as the old row's key deleted and the whole new row inserted: with the payload that was ~450
    // bytes of the log per message (the payload logged twice, as hex); without it, ~110.
    try (PreparedStatement ps =
        c.prepareStatement(
            "UPDATE outbox SET state = 1, published_at = COALESCE(published_at, ?),"
                + " confirmed_at = ?, payload = ? WHERE id = ? AND state = 0")) {
      List<long[]> sent = new ArrayList<>();
      for (long[] conf : confirms) {
        if (conf[1] == -2) {
          continue;
        }
        ps.setLong(1, now);
        ps.setLong(2, now);
        ps.setBytes(3, NO_PAYLOAD);
        ps.setLong(4, conf[0]);
        ps.addBatch();
        sent.add(conf);
      }
      if (sent.isEmpty()) {
        return;
      }
      int[] counts = ps.executeBatch();
      for (int i = 0; i < counts.length; i++) {
        if (counts[i] > 0) {
          pendingDelta--;
          if (OutboxPriority.isDroppable((int) sent.get(i)[1])) {
            droppableDelta--;
          }
        }
      }
    }
  }

  private void enforceCapacity() throws SQLException {
    long over = state.outboxDroppable.get() + droppableDelta - capacity;
    if (over <= 0) {
      return;
    }
    // the id of the over-th oldest pending reading message: everything up to it is dropped
    long threshold = -1;
    try (PreparedStatement q =
        c.prepareStatement(
            "SELECT id FROM outbox WHERE state = 0 AND priority = ?"
                + " ORDER BY state, priority, id"
                + " FETCH FIRST ? ROWS ONLY")) {
      q.setInt(1, OutboxPriority.READING);
      q.setLong(2, over);
      try (ResultSet rs = q.executeQuery()) {
        while (rs.next()) {
          threshold = rs.getLong(1);
        }
      }
    }
    if (threshold < 0) {
      return;
    }
    try (PreparedStatement up =
        c.prepareStatement(
            "UPDATE outbox SET state = 2, dropped_at = ? WHERE state = 0 AND priority = ?"
                + " AND id <= ?")) {
      up.setLong(1, now);
      up.setInt(2, OutboxPriority.READING);
      up.setLong(3, threshold);
      int n = up.executeUpdate();
      dropped += n;
      pendingDelta -= n;
      droppableDelta -= n;
    }
  }

  /** The transaction committed: its counts become the store's. */
  void committed() {
    // Confirming first, pending second: a reader in between sees one too many, never too few.
    state.outboxConfirming.addAndGet(-confirms.size());
    state.outboxPending.addAndGet(pendingDelta);
    state.outboxDroppable.addAndGet(droppableDelta);
    state.outboxDropped.addAndGet(dropped);
  }
}
