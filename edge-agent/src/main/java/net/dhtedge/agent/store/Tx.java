package net.dhtedge.agent.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import net.dhtedge.agent.core.Reading;
import net.dhtedge.agent.rules.Incident;
import net.dhtedge.agent.rules.Transition;

/**
 * The writes of one batch transaction, on the writer thread: one connection, one commit, and one
 * writer per table group, each holding its part of the batch:
 *
 * <ul>
 *   <li>{@link ReadingWriter}: readings (and their dedup), devices, read failures, aggregates and
 *       row counts, buffered and written with JDBC batches at {@link #flush()};
 *   <li>{@link OutboxWriter}: outbox messages, confirmations and the capacity;
 *   <li>{@link IncidentWriter}: incidents, their events and alerts, written at once;
 *   <li>{@link MailWriter}: the mail queue, written at once.
 * </ul>
 *
 * In-memory effects (dedup cache, counters) reach the store's state only when the transaction
 * committed ({@link #committed()}).
 */
public final class Tx {

  private final Connection c;
  private final long now;
  private final ReadingWriter readings;
  private final OutboxWriter outbox;
  private final IncidentWriter incidents;
  private final MailWriter mail;

  Tx(Connection c, StoreState state, StoreOptions options, Dialect dialect, long nowMillis) {
    this.c = c;
    this.now = nowMillis;
    this.readings = new ReadingWriter(c, state, options, dialect, nowMillis);
    this.outbox = new OutboxWriter(c, state, options.outboxCapacity(), nowMillis);
    this.incidents = new IncidentWriter(c, state);
    this.mail = new MailWriter(c, nowMillis);
  }

  /** The transaction's time (epoch ms). */
  public long now() {
    return now;
  }

  /** How a reading is keyed, or that it is a duplicate. */
  public enum Key {
    /** Stored already: drop it. */
    DUPLICATE,
    /** New, keyed by (device, seq). */
    BY_SEQ,
    /** New, keyed by (device, ts): it has no seq, or its seq was reused after a device restart. */
    BY_TS
  }

  /**
   * Whether this reading is stored already, and if not how it is keyed: see {@link
   * ReadingWriter#dedup}.
   */
  public Key dedup(Reading r) throws SQLException {
    return readings.dedup(r);
  }

  /**
   * {@code r} itself when no reading of its device is stored at its ts, else {@code r} moved to the
   * first free millisecond after it, at most {@code maxShiftMs} ahead: see {@link
   * ReadingWriter#freeStamp}.
   */
  public Reading freeStamp(Reading r, int maxShiftMs) throws SQLException {
    return readings.freeStamp(r, maxShiftMs);
  }

  /** Buffers a new reading keyed as {@link #dedup} decided (not {@code DUPLICATE}). */
  public void insertReading(Reading r, Instant received, Key key) throws SQLException {
    readings.insertReading(r, received, key, false);
  }

  /**
   * Buffers a new reading keyed as {@link #dedup} decided; {@code stamped}: the agent stamped it
   * with its wall clock (see {@link ReadingWriter#insertReading(Reading, Instant, Key, boolean)}).
   */
  public void insertReading(Reading r, Instant received, Key key, boolean stamped)
      throws SQLException {
    readings.insertReading(r, received, key, stamped);
  }

  /** Closes the live aggregate buckets of devices that went quiet (at most once a minute). */
  void closeExpiredBuckets() throws SQLException {
    readings.closeExpiredBuckets();
  }

  /** Writes every live aggregate bucket into its table (a clean stop). */
  void closeAllLiveBuckets() throws SQLException {
    readings.closeAllLiveBuckets();
  }

  /** Whether the store has this device already (committed, or new in this batch). */
  public boolean knowsDevice(String deviceId) {
    return readings.knowsDevice(deviceId);
  }

  /** How many devices the store has, counting those new in this batch. */
  public int deviceCount() {
    return readings.deviceCount();
  }

  /** Records a failed local read. */
  public void insertFailure(String deviceId, Instant ts, String reason) throws SQLException {
    readings.insertFailure(deviceId, ts, reason);
  }

  /** Queues an outbox message in this transaction; returns its id. */
  public long enqueue(String topic, byte[] payload, int qos, boolean retained, int priority) {
    return outbox.enqueue(topic, payload, qos, retained, priority);
  }

  /** Marks an outbox message confirmed; {@code priority} -1 when unknown. */
  void confirm(long id, int priority) {
    outbox.confirm(id, priority);
  }

  /** Whether this transaction added outbox messages. */
  boolean enqueued() {
    return outbox.enqueued();
  }

  /** Inserts or updates an incident row. */
  public void saveIncident(Incident i) throws SQLException {
    incidents.saveIncident(i);
  }

  /** Stores a transition as an incident event and an alert; returns the alert id. */
  public long saveTransition(Transition t) throws SQLException {
    return incidents.saveTransition(t);
  }

  /** An incident as stored (any status), read inside this transaction. */
  public Optional<Incident> findIncident(long id) throws SQLException {
    return incidents.findIncident(id);
  }

  /**
   * Queues the mail of an opened or resolved incident in this transaction (an acknowledgement sends
   * none), once per (incident, change).
   *
   * @return whether a mail was queued
   */
  public boolean queueMail(Transition t) throws SQLException {
    return mail.queueMail(t);
  }

  /** Adds a mail unless its (incident, change) is there already; {@code sentAt} null = pending. */
  boolean insertMail(MailJob j, Instant sentAt) throws SQLException {
    return mail.insertMail(j, sentAt);
  }

  /** The SMTP server accepted these pending mails at {@code at}. */
  void markMailSent(List<MailJob> jobs, Instant at) throws SQLException {
    mail.markMailSent(jobs, at);
  }

  /** A send of these pending mails failed: one more attempt, and why. */
  void markMailFailed(List<MailJob> jobs, String error) throws SQLException {
    mail.markMailFailed(jobs, error);
  }

  /** Runs a limited DELETE (housekeeping) on {@code table}; returns rows deleted. */
  int delete(String table, String sql, long... params) throws SQLException {
    int n;
    try (PreparedStatement ps = c.prepareStatement(sql)) {
      for (int i = 0; i < params.length; i++) {
        ps.setLong(i + 1, params[i]);
      }
      n = ps.executeUpdate();
    }
    readings.deleted(table, n);
    return n;
  }

  /** The transaction's connection (housekeeping's partition upkeep). */
  Connection connection() {
    return c;
  }

  /** Rows of {@code table} that went with a dropped partition, for {@code row_counts}. */
  void dropped(String table, long n) {
    readings.deleted(table, Math.toIntExact(n));
  }

  /** Writes everything buffered: readings and devices, then the outbox, then the row counts. */
  void flush() throws SQLException {
    readings.flush();
    outbox.flush();
    readings.flushCounts();
  }

  /** The transaction committed: make its effects visible in the writer's state. */
  void committed() {
    readings.committed();
    outbox.committed();
  }

  void close() {
    readings.close();
  }
}
