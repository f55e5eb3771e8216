package net.dhtedge.agent.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import net.dhtedge.agent.core.Reading;
import net.dhtedge.agent.outbox.OutboxPriority;
import net.dhtedge.agent.rules.Incident;
import net.dhtedge.agent.rules.Transition;

/**
 * The writes of one batch transaction, on the writer thread. Readings, outbox messages and
 * aggregates are buffered and written with JDBC batches at {@link #flush()}; incidents, events,
 * alerts and mails ({@link #queueMail}) are written at once. In-memory effects (dedup cache,
 * counters) reach the store's state only when the transaction committed.
 */
public final class Tx {

  private record DedupKey(String deviceId, int kind, long value) {}

  private record Row(int device, Reading r, long received, int kind) {}

  private record OutRow(
      long id, String topic, byte[] payload, int qos, boolean retained, int prio) {}

  private record Failure(long id, int device, long ts, String reason) {}

  /** A device's changes in this batch. */
  private static final class Delta {
    final int ref;
    final String deviceId;
    final boolean isNew;
    long count;
    Long maxSeq;
    Long maxTsKey;
    Long lastTs;
    boolean lastStamped; // the last reading was stamped by the agent: the newest, whatever its ts
    Long lastSeq;
    Double lastTemperature;
    Double lastHumidity;
    String lastSource;
    Long lastSeen;
    final List<long[]> seqKeys = new ArrayList<>(); // {seq, ts}
    final List<Long> tsKeys = new ArrayList<>();
    LiveBucket[] live;
    boolean liveChanged;

    Delta(int ref, String deviceId, boolean isNew) {
      this.ref = ref;
      this.deviceId = deviceId;
      this.isNew = isNew;
    }
  }

  private final Connection c;
  private final StoreState state;
  private final StoreOptions options;
  private final long now;
  private final Map<DedupKey, Long> batchKeys = new HashMap<>(); // -> ts
  private final Map<String, Delta> deltas = new LinkedHashMap<>();
  private final List<Row> readings = new ArrayList<>();
  private final List<Failure> failures = new ArrayList<>();
  private long readingsDeleted;
  private long failuresDeleted;
  private final List<OutRow> outbox = new ArrayList<>();
  private final List<long[]> confirms = new ArrayList<>(); // {id, priority or -1}
  private final LiveAggregates aggregates;
  private boolean swept;
  private int newDevices;
  private long pendingDelta;
  private boolean enqueued;
  private long droppableDelta;
  private long dropped;
  private PreparedStatement seqStatement;
  private PreparedStatement tsStatement;

  Tx(Connection c, StoreState state, StoreOptions options, long nowMillis) {
    this.c = c;
    this.state = state;
    this.options = options;
    this.now = nowMillis;
    this.aggregates = new LiveAggregates(c, nowMillis);
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
   * Whether this reading is stored already: same (device, seq) with a ts within {@link
   * StoreOptions#seqReuseAfter()} of the stored one, or same (device, ts) when it has no seq. A seq
   * seen before with a ts further apart is a device that restarted its counter: that reading is new
   * and keyed by its ts. Checks this batch, the highest key stored, the recent-key cache, then the
   * index.
   */
  public Key dedup(Reading r) throws SQLException {
    long ts = r.ts().toEpochMilli();
    if (r.seq() != null) {
      Long seenAt = seqSeenAt(r.deviceId(), r.seq());
      if (seenAt == null) {
        return Key.BY_SEQ;
      }
      if (Math.abs(ts - seenAt) <= options.seqReuseAfter().toMillis()) {
        return Key.DUPLICATE;
      }
    }
    return tsSeen(r.deviceId(), ts) ? Key.DUPLICATE : Key.BY_TS;
  }

  /**
   * {@code r} itself when no reading of its device is stored (or buffered in this batch) at its ts,
   * else {@code r} moved to the first free millisecond after it, at most {@code maxShiftMs} ahead
   * (beyond that, {@code r} unchanged: {@link #dedup} then calls it a duplicate). For readings the
   * agent stamped itself, which have no identity but that stamp.
   */
  public Reading freeStamp(Reading r, int maxShiftMs) throws SQLException {
    long ts = r.ts().toEpochMilli();
    for (int shift = 0; shift <= maxShiftMs; shift++) {
      if (!tsSeen(r.deviceId(), ts + shift)) {
        return shift == 0
            ? r
            : new Reading(
                r.deviceId(),
                Instant.ofEpochMilli(ts + shift),
                r.seq(),
                r.temperature(),
                r.humidity(),
                r.source());
      }
    }
    return r;
  }

  /** The ts of the stored reading with this seq, or null. */
  private Long seqSeenAt(String deviceId, long seq) throws SQLException {
    Long inBatch = batchKeys.get(new DedupKey(deviceId, 0, seq));
    if (inBatch != null) {
      return inBatch;
    }
    DeviceState d = state.devices.get(deviceId);
    if (d == null) {
      return null;
    }
    if (d.maxSeq == null || seq > d.maxSeq) {
      return null; // the common case, checked first: recent keys are never above the maximum
    }
    Long recent = d.recentSeq.get(seq);
    if (recent != null) {
      return recent;
    }
    if (seqStatement == null) {
      seqStatement =
          c.prepareStatement(
              "SELECT ts FROM readings WHERE dedup_kind = 0 AND device = ? AND dedup_value = ?");
    }
    seqStatement.setInt(1, d.ref);
    seqStatement.setLong(2, seq);
    try (ResultSet rs = seqStatement.executeQuery()) {
      return rs.next() ? rs.getLong(1) : null;
    }
  }

  private boolean tsSeen(String deviceId, long ts) throws SQLException {
    if (batchKeys.containsKey(new DedupKey(deviceId, 1, ts))) {
      return true;
    }
    DeviceState d = state.devices.get(deviceId);
    if (d == null) {
      return false;
    }
    if (d.maxTsKey == null || ts > d.maxTsKey) {
      return false;
    }
    if (d.recentTs.contains(ts)) {
      return true;
    }
    if (tsStatement == null) {
      tsStatement =
          c.prepareStatement(
              "SELECT 1 FROM readings WHERE dedup_kind = 1 AND device = ? AND dedup_value = ?");
    }
    tsStatement.setInt(1, d.ref);
    tsStatement.setLong(2, ts);
    try (ResultSet rs = tsStatement.executeQuery()) {
      return rs.next();
    }
  }

  /** Buffers a new reading keyed as {@link #dedup} decided (not {@code DUPLICATE}). */
  public void insertReading(Reading r, Instant received, Key key) throws SQLException {
    insertReading(r, received, key, false);
  }

  /**
   * Buffers a new reading keyed as {@link #dedup} decided (not {@code DUPLICATE}).
   *
   * @param stamped the agent stamped it with its wall clock as it was read or received: it becomes
   *     the device's last reading even when an earlier one has a later ts (the wall clock was set
   *     back); other readings become the last one only with a ts at or after it (a backlog sent
   *     late does not hide the newest value)
   */
  public void insertReading(Reading r, Instant received, Key key, boolean stamped)
      throws SQLException {
    if (key == Key.DUPLICATE) {
      throw new IllegalArgumentException("a duplicate is not inserted");
    }
    Delta d = delta(r.deviceId());
    long ts = r.ts().toEpochMilli();
    if (key == Key.BY_SEQ) {
      batchKeys.put(new DedupKey(r.deviceId(), 0, r.seq()), ts);
      d.maxSeq = max(d.maxSeq, r.seq());
      d.seqKeys.add(new long[] {r.seq(), ts});
    } else {
      batchKeys.put(new DedupKey(r.deviceId(), 1, ts), ts);
      d.maxTsKey = max(d.maxTsKey, ts);
      d.tsKeys.add(ts);
    }
    d.count++;
    long rec = received.toEpochMilli();
    d.lastSeen = d.lastSeen == null ? rec : Math.max(d.lastSeen, rec);
    if (stamped || d.lastTs == null || ts >= d.lastTs) {
      d.lastTs = ts;
      d.lastStamped = stamped;
      d.lastSeq = r.seq();
      d.lastTemperature = r.temperature();
      d.lastHumidity = r.humidity();
      d.lastSource = r.source();
    }
    readings.add(new Row(d.ref, r, rec, key == Key.BY_SEQ ? 0 : 1));
    if (aggregates.add(d.ref, d.live, ts, r.temperature(), r.humidity())) {
      d.liveChanged = true;
    }
  }

  /**
   * Closes the live aggregate buckets of devices that went quiet (at most once a minute). Runs
   * before the batch's jobs, so before any housekeeping delete of the batch.
   */
  void closeExpiredBuckets() throws SQLException {
    if (now < state.nextBucketSweep) {
      return;
    }
    for (DeviceState s : state.devices.values()) {
      if (LiveAggregates.anyExpired(s.live, now)) {
        Delta d = delta(s.deviceId);
        if (aggregates.closeExpired(d.ref, d.live)) {
          d.liveChanged = true;
        }
      }
    }
    swept = true;
  }

  /** Writes every live aggregate bucket into its table (a clean stop). */
  void closeAllLiveBuckets() throws SQLException {
    for (DeviceState s : state.devices.values()) {
      if (s.live[0] != null || s.live[1] != null) {
        Delta d = delta(s.deviceId);
        aggregates.closeAll(d.ref, d.live);
        d.liveChanged = true;
      }
    }
  }

  /** Whether the store has this device already (committed, or new in this batch). */
  public boolean knowsDevice(String deviceId) {
    return deltas.containsKey(deviceId) || state.devices.containsKey(deviceId);
  }

  /** How many devices the store has, counting those new in this batch. */
  public int deviceCount() {
    return state.devices.size() + newDevices;
  }

  /** Records a failed local read. */
  public void insertFailure(String deviceId, Instant ts, String reason) {
    Delta d = delta(deviceId);
    String why = reason == null || reason.isBlank() ? "unknown" : reason;
    failures.add(
        new Failure(
            state.failureIds.incrementAndGet(),
            d.ref,
            ts.toEpochMilli(),
            why.length() > 64 ? why.substring(0, 64) : why));
  }

  /** Queues an outbox message in this transaction; returns its id. */
  public long enqueue(String topic, byte[] payload, int qos, boolean retained, int priority) {
    if (qos < 0 || qos > 1) {
      throw new IllegalArgumentException("qos must be 0 or 1: " + qos);
    }
    long id = state.outboxIds.incrementAndGet();
    outbox.add(new OutRow(id, topic, payload, qos, retained, priority));
    pendingDelta++;
    enqueued = true;
    if (OutboxPriority.isDroppable(priority)) {
      droppableDelta++;
    }
    return id;
  }

  /** Marks an outbox message confirmed; {@code priority} -1 when unknown. */
  void confirm(long id, int priority) {
    confirms.add(new long[] {id, priority});
  }

  /** Inserts or updates an incident row. */
  public void saveIncident(Incident i) throws SQLException {
    try (PreparedStatement up =
        c.prepareStatement(
            "UPDATE incidents SET status = ?, acknowledged_at = ?, acknowledged_by = ?,"
                + " resolved_at = ?, resolved_by = ? WHERE id = ?")) {
      up.setString(1, i.status().id());
      setMillis(up, 2, i.acknowledgedAt());
      up.setString(3, i.acknowledgedBy());
      setMillis(up, 4, i.resolvedAt());
      up.setString(5, i.resolvedBy());
      up.setLong(6, i.id());
      if (up.executeUpdate() == 1) {
        return;
      }
    }
    try (PreparedStatement in =
        c.prepareStatement(
            "INSERT INTO incidents (id, device_id, rule, metric, status, severity, value,"
                + " threshold, message, opened_at, acknowledged_at, acknowledged_by, resolved_at,"
                + " resolved_by) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?)")) {
      in.setLong(1, i.id());
      in.setString(2, i.deviceId());
      in.setString(3, i.rule().id());
      in.setString(4, i.rule().metric());
      in.setString(5, i.status().id());
      in.setString(6, i.rule().severity());
      setDouble(in, 7, i.value());
      setDouble(in, 8, i.threshold());
      in.setString(9, clip(i.message()));
      in.setLong(10, i.openedAt().toEpochMilli());
      setMillis(in, 11, i.acknowledgedAt());
      in.setString(12, i.acknowledgedBy());
      setMillis(in, 13, i.resolvedAt());
      in.setString(14, i.resolvedBy());
      in.executeUpdate();
    }
  }

  /** Stores a transition as an incident event and an alert; returns the alert id. */
  public long saveTransition(Transition t) throws SQLException {
    saveIncident(t.incident());
    try (PreparedStatement ev =
        c.prepareStatement(
            "INSERT INTO incident_events (id, incident_id, ts, event, actor, value, message)"
                + " VALUES (?,?,?,?,?,?,?)")) {
      ev.setLong(1, state.eventIds.incrementAndGet());
      ev.setLong(2, t.incident().id());
      ev.setLong(3, t.ts().toEpochMilli());
      ev.setString(4, t.change().id());
      ev.setString(5, t.actor());
      setDouble(ev, 6, t.value());
      ev.setString(7, clip(t.message()));
      ev.executeUpdate();
    }
    long alertId = state.alertIds.incrementAndGet();
    try (PreparedStatement al =
        c.prepareStatement(
            "INSERT INTO alerts (id, incident_id, alert_type, severity, value, message, ts)"
                + " VALUES (?,?,?,?,?,?,?)")) {
      al.setLong(1, alertId);
      al.setLong(2, t.incident().id());
      al.setString(3, t.change().id());
      al.setString(4, t.incident().rule().severity());
      setDouble(al, 5, t.value());
      al.setString(6, clip(t.message()));
      al.setLong(7, t.ts().toEpochMilli());
      al.executeUpdate();
    }
    return alertId;
  }

  /**
   * Queues the mail of an opened or resolved incident in this transaction (an acknowledgement sends
   * none). Once per (incident, change): a transition seen again queues nothing.
   *
   * @return whether a mail was queued
   */
  public boolean queueMail(Transition t) throws SQLException {
    MailJob job = MailJob.of(t);
    return job != null && insertMail(job, null);
  }

  /** Adds a mail unless its (incident, change) is there already; {@code sentAt} null = pending. */
  boolean insertMail(MailJob j, Instant sentAt) throws SQLException {
    try (PreparedStatement ps =
        c.prepareStatement("SELECT 1 FROM mail_queue WHERE incident_id = ? AND change = ?")) {
      ps.setLong(1, j.incidentId());
      ps.setString(2, j.change());
      try (ResultSet rs = ps.executeQuery()) {
        if (rs.next()) {
          return false; // the writer is the only one inserting: no race between check and insert
        }
      }
    }
    try (PreparedStatement in =
        c.prepareStatement(
            "INSERT INTO mail_queue (incident_id, change, device_id, rule, metric, value,"
                + " threshold, message, opened_at, ts, created_at, attempts, last_error, sent_at)"
                + " VALUES (?,?,?,?,?,?,?,?,?,?,?,0,NULL,?)")) {
      in.setLong(1, j.incidentId());
      in.setString(2, j.change());
      in.setString(3, j.deviceId());
      in.setString(4, j.rule());
      in.setString(5, j.metric());
      setDouble(in, 6, j.value());
      setDouble(in, 7, j.threshold());
      in.setString(8, clip(j.message()));
      in.setLong(9, j.openedAt().toEpochMilli());
      in.setLong(10, j.ts().toEpochMilli());
      in.setLong(11, now);
      setMillis(in, 12, sentAt);
      in.executeUpdate();
    }
    if (sentAt != null) {
      noteMailSent(j, sentAt.toEpochMilli());
    }
    return true;
  }

  /** The SMTP server accepted these pending mails at {@code at}. */
  void markMailSent(List<MailJob> jobs, Instant at) throws SQLException {
    try (PreparedStatement up =
        c.prepareStatement(
            "UPDATE mail_queue SET sent_at = ?, attempts = attempts + 1, last_error = NULL"
                + " WHERE incident_id = ? AND change = ? AND sent_at IS NULL")) {
      for (MailJob j : jobs) {
        up.setLong(1, at.toEpochMilli());
        up.setLong(2, j.incidentId());
        up.setString(3, j.change());
        up.executeUpdate();
        noteMailSent(j, at.toEpochMilli());
      }
    }
  }

  /** A send of these pending mails failed: one more attempt, and why. */
  void markMailFailed(List<MailJob> jobs, String error) throws SQLException {
    try (PreparedStatement up =
        c.prepareStatement(
            "UPDATE mail_queue SET attempts = attempts + 1, last_error = ?"
                + " WHERE incident_id = ? AND change = ? AND sent_at IS NULL")) {
      for (MailJob j : jobs) {
        up.setString(1, error == null ? null : clip(error));
        up.setLong(2, j.incidentId());
        up.setString(3, j.change());
        up.executeUpdate();
      }
    }
  }

  /** The rate limit's memory: the latest mail per (device, rule). */
  private void noteMailSent(MailJob j, long at) throws SQLException {
    try (PreparedStatement up =
        c.prepareStatement(
            "UPDATE mail_last_sent SET sent_at = GREATEST(sent_at, ?)"
                + " WHERE device_id = ? AND rule = ?")) {
      up.setLong(1, at);
      up.setString(2, j.deviceId());
      up.setString(3, j.rule());
      if (up.executeUpdate() == 1) {
        return;
      }
    }
    try (PreparedStatement in =
        c.prepareStatement(
            "INSERT INTO mail_last_sent (device_id, rule, sent_at) VALUES (?,?,?)")) {
      in.setString(1, j.deviceId());
      in.setString(2, j.rule());
      in.setLong(3, at);
      in.executeUpdate();
    }
  }

  /** An incident as stored (any status), read inside this transaction. */
  public Optional<Incident> findIncident(long id) throws SQLException {
    return Queries.incident(c, id);
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
    switch (table) {
      case "readings" -> readingsDeleted += n;
      case "read_failures" -> failuresDeleted += n;
      default -> {}
    }
    return n;
  }

  private Delta delta(String deviceId) {
    Delta d = deltas.get(deviceId);
    if (d == null) {
      DeviceState s = state.devices.get(deviceId);
      d =
          s != null
              ? new Delta(s.ref, deviceId, false)
              : new Delta(state.deviceIds.incrementAndGet(), deviceId, true);
      if (s != null) {
        d.maxSeq = s.maxSeq;
        d.maxTsKey = s.maxTsKey;
      } else {
        newDevices++;
      }
      d.live = s != null ? LiveBucket.copy(s.live) : new LiveBucket[LiveAggregates.TABLES.length];
      deltas.put(deviceId, d);
    }
    return d;
  }

  /** Writes everything buffered. */
  void flush() throws SQLException {
    flushDevices();
    flushReadings();
    flushFailures();
    aggregates.flush();
    flushOutbox();
    flushConfirms();
    enforceCapacity();
    flushRowCounts();
  }

  private void flushRowCounts() throws SQLException {
    addRowCount("readings", readings.size() - readingsDeleted);
    addRowCount("read_failures", failures.size() - failuresDeleted);
  }

  private void addRowCount(String name, long delta) throws SQLException {
    if (delta == 0) {
      return;
    }
    try (PreparedStatement ps =
        c.prepareStatement("UPDATE row_counts SET n = n + ? WHERE name = ?")) {
      ps.setLong(1, delta);
      ps.setString(2, name);
      ps.executeUpdate();
    }
  }

  private void flushDevices() throws SQLException {
    if (deltas.isEmpty()) {
      return;
    }
    try (PreparedStatement in =
            c.prepareStatement(
                "INSERT INTO devices (id, device_id, first_seen, last_seen, last_ts, last_seq,"
                    + " last_temperature, last_humidity, last_source, readings, max_seq,"
                    + " max_ts_key, agg_1m_live, agg_1h_live) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?)");
        PreparedStatement up =
            c.prepareStatement(
                "UPDATE devices SET last_seen = COALESCE(?, last_seen), readings = readings + ?,"
                    + " max_seq = ?, max_ts_key = ?, agg_1m_live = ?, agg_1h_live = ?"
                    + " WHERE id = ?");
        PreparedStatement upLast =
            c.prepareStatement(
                "UPDATE devices SET last_seen = COALESCE(?, last_seen), readings = readings + ?,"
                    + " max_seq = ?, max_ts_key = ?, agg_1m_live = ?, agg_1h_live = ?,"
                    + " last_ts = ?, last_seq = ?, last_temperature = ?, last_humidity = ?,"
                    + " last_source = ? WHERE id = ?")) {
      // One UPDATE per device and batch (a second one doubles the row versions HSQLDB writes).
      boolean upBatched = false;
      boolean lastBatched = false;
      for (Delta d : deltas.values()) {
        if (d.isNew) {
          in.setInt(1, d.ref);
          in.setString(2, d.deviceId);
          in.setLong(3, now);
          setLong(in, 4, d.lastSeen);
          setLong(in, 5, d.lastTs);
          setLong(in, 6, d.lastSeq);
          setDouble(in, 7, d.lastTemperature);
          setDouble(in, 8, d.lastHumidity);
          in.setString(9, d.lastSource);
          in.setLong(10, d.count);
          setLong(in, 11, d.maxSeq);
          setLong(in, 12, d.maxTsKey);
          setLong(in, 13, liveStart(d, 0));
          setLong(in, 14, liveStart(d, 1));
          in.executeUpdate();
          continue;
        }
        if (d.count == 0 && !d.liveChanged) {
          continue;
        }
        Long storedLast = state.devices.get(d.deviceId).lastTs;
        boolean newer =
            d.lastTs != null && (d.lastStamped || storedLast == null || d.lastTs >= storedLast);
        PreparedStatement ps = newer ? upLast : up;
        setLong(ps, 1, d.lastSeen);
        ps.setLong(2, d.count);
        setLong(ps, 3, d.maxSeq);
        setLong(ps, 4, d.maxTsKey);
        setLong(ps, 5, liveStart(d, 0));
        setLong(ps, 6, liveStart(d, 1));
        if (newer) {
          ps.setLong(7, d.lastTs);
          setLong(ps, 8, d.lastSeq);
          ps.setDouble(9, d.lastTemperature);
          ps.setDouble(10, d.lastHumidity);
          ps.setString(11, d.lastSource);
          ps.setInt(12, d.ref);
        } else {
          ps.setInt(7, d.ref);
        }
        ps.addBatch();
        if (newer) {
          lastBatched = true;
        } else {
          upBatched = true;
        }
      }
      // HSQLDB refuses executeBatch() on a statement without any batch entry
      if (upBatched) {
        up.executeBatch();
      }
      if (lastBatched) {
        upLast.executeBatch();
      }
    }
  }

  private static Long liveStart(Delta d, int g) {
    return d.live[g] == null ? null : d.live[g].start;
  }

  private void flushReadings() throws SQLException {
    if (readings.isEmpty()) {
      return;
    }
    try (PreparedStatement ps =
        c.prepareStatement(
            "INSERT INTO readings (device, dedup_kind, dedup_value, ts, seq, temperature,"
                + " humidity, source, received) VALUES (?,?,?,?,?,?,?,?,?)")) {
      for (Row row : readings) {
        Reading r = row.r();
        long ts = r.ts().toEpochMilli();
        ps.setInt(1, row.device());
        ps.setInt(2, row.kind());
        ps.setLong(3, row.kind() == 0 ? r.seq() : ts);
        ps.setLong(4, ts);
        setLong(ps, 5, r.seq());
        ps.setDouble(6, r.temperature());
        ps.setDouble(7, r.humidity());
        ps.setString(8, r.source().length() > 32 ? r.source().substring(0, 32) : r.source());
        ps.setLong(9, row.received());
        ps.addBatch();
      }
      ps.executeBatch();
    }
  }

  private void flushFailures() throws SQLException {
    if (failures.isEmpty()) {
      return;
    }
    try (PreparedStatement ps =
        c.prepareStatement("INSERT INTO read_failures (id, device, ts, reason) VALUES (?,?,?,?)")) {
      for (Failure f : failures) {
        ps.setLong(1, f.id());
        ps.setInt(2, f.device());
        ps.setLong(3, f.ts());
        ps.setString(4, f.reason());
        ps.addBatch();
      }
      ps.executeBatch();
    }
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
    try (PreparedStatement ps =
        c.prepareStatement(
            "UPDATE outbox SET state = 1, published_at = COALESCE(published_at, ?),"
                + " confirmed_at = ? WHERE id = ? AND state = 0")) {
      List<long[]> sent = new ArrayList<>();
      for (long[] conf : confirms) {
        if (conf[1] == -2) {
          continue;
        }
        ps.setLong(1, now);
        ps.setLong(2, now);
        ps.setLong(3, conf[0]);
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
    long over = state.outboxDroppable.get() + droppableDelta - options.outboxCapacity();
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

  /** The transaction committed: make its effects visible in the writer's state. */
  /** Whether this transaction added outbox messages. */
  boolean enqueued() {
    return enqueued;
  }

  void committed() {
    for (Delta d : deltas.values()) {
      DeviceState s = state.devices.get(d.deviceId);
      if (s == null) {
        s = new DeviceState(d.ref, d.deviceId, d.maxSeq, d.maxTsKey, d.lastTs, d.live);
        state.devices.put(d.deviceId, s);
      } else {
        s.maxSeq = d.maxSeq;
        s.maxTsKey = d.maxTsKey;
        if (d.lastTs != null && (d.lastStamped || s.lastTs == null || d.lastTs > s.lastTs)) {
          s.lastTs = d.lastTs;
        }
        s.live = d.live;
      }
      for (long[] k : d.seqKeys) {
        s.recentSeq.put(k[0], k[1]);
      }
      for (Long k : d.tsKeys) {
        s.recentTs.put(k, k);
      }
    }
    state.readingsStored.addAndGet(readings.size());
    state.readingsKept.addAndGet(readings.size() - readingsDeleted);
    state.failuresKept.addAndGet(failures.size() - failuresDeleted);
    // Confirming first, pending second: a reader in between sees one too many, never too few.
    state.outboxConfirming.addAndGet(-confirms.size());
    state.outboxPending.addAndGet(pendingDelta);
    state.outboxDroppable.addAndGet(droppableDelta);
    state.outboxDropped.addAndGet(dropped);
    if (swept) {
      state.nextBucketSweep = now + LiveAggregates.WIDTHS[0];
    }
  }

  void close() {
    aggregates.close();
    for (PreparedStatement ps : new PreparedStatement[] {seqStatement, tsStatement}) {
      if (ps != null) {
        try {
          ps.close();
        } catch (SQLException ignored) {
          // closing a statement of a connection that failed; nothing to do
        }
      }
    }
  }

  private static Long max(Long a, long b) {
    return a == null ? b : Math.max(a, b);
  }

  private static String clip(String s) {
    return s.length() > 500 ? s.substring(0, 500) : s;
  }

  private static void setMillis(PreparedStatement ps, int i, Instant t) throws SQLException {
    if (t == null) {
      ps.setNull(i, Types.BIGINT);
    } else {
      ps.setLong(i, t.toEpochMilli());
    }
  }

  private static void setLong(PreparedStatement ps, int i, Long v) throws SQLException {
    if (v == null) {
      ps.setNull(i, Types.BIGINT);
    } else {
      ps.setLong(i, v);
    }
  }

  private static void setDouble(PreparedStatement ps, int i, Double v) throws SQLException {
    if (v == null) {
      ps.setNull(i, Types.DOUBLE);
    } else {
      ps.setDouble(i, v);
    }
  }
}
