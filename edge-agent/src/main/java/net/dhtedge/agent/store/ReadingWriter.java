package net.dhtedge.agent.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import net.dhtedge.agent.core.Reading;

/**
 * The reading tables of one batch transaction: {@code readings} (with the dedup decision), {@code
 * devices}, {@code read_failures}, the live aggregates ({@link LiveAggregates}) and {@code
 * row_counts}. Readings and failures are buffered and written with JDBC batches at {@link
 * #flush()}; one UPDATE per device and batch. The dedup cache and device state reach the store's
 * state only when the transaction committed.
 *
 * <p>Why it is ~510 lines: the readings, devices, failures and aggregates of a batch change
 * together (one device row and its aggregate rows per reading), so they stay one writer; on a
 * database that several hubs share it also learns which rows another hub inserted first, and those
 * must not count for the device.
 */
final class ReadingWriter {

  private record Row(int device, Reading r, long received, int kind) {}

  private record Failure(long id, int device, long ts, String reason) {}

  /** A device's changes in this batch. */
  private static final class Delta {
    final int ref;
    final String deviceId;
    final boolean isNew;
    Long storedLastTs; // the device's last_ts as this store knows it
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
  private final Dialect dialect;
  private final long now;
  private final Map<String, Delta> deltas = new LinkedHashMap<>();
  private final List<Row> readings = new ArrayList<>();
  private final List<Failure> failures = new ArrayList<>();
  private final LiveAggregates aggregates;
  private long readingsDeleted;
  private int skipped; // readings another store had stored already (shared database)
  private long failuresDeleted;
  private boolean swept;
  private int newDevices;
  private final ReadingDedup dedup;

  ReadingWriter(
      Connection c, StoreState state, StoreOptions options, Dialect dialect, long nowMillis) {
    this.c = c;
    this.state = state;
    this.options = options;
    this.dialect = dialect;
    this.now = nowMillis;
    this.aggregates = new LiveAggregates(c, nowMillis);
    this.dedup = new ReadingDedup(c, state, options.seqReuseAfter().toMillis());
  }

  /** Whether this reading is stored already, and if not how it is keyed: {@link ReadingDedup}. */
  Tx.Key dedup(Reading r) throws SQLException {
    return dedup.dedup(r);
  }

  /** {@code r} at the first free millisecond of its device: {@link ReadingDedup#freeStamp}. */
  Reading freeStamp(Reading r, int maxShiftMs) throws SQLException {
    return dedup.freeStamp(r, maxShiftMs);
  }

  /** Buffers a new reading keyed as {@link #dedup} decided (not {@code DUPLICATE}). */
  void insertReading(Reading r, Instant received, Tx.Key key) throws SQLException {
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
  void insertReading(Reading r, Instant received, Tx.Key key, boolean stamped) throws SQLException {
    if (key == Tx.Key.DUPLICATE) {
      throw new IllegalArgumentException("a duplicate is not inserted");
    }
    Delta d = delta(r.deviceId());
    long ts = r.ts().toEpochMilli();
    if (key == Tx.Key.BY_SEQ) {
      dedup.remember(r.deviceId(), true, r.seq(), ts);
      d.maxSeq = max(d.maxSeq, r.seq());
      d.seqKeys.add(new long[] {r.seq(), ts});
    } else {
      dedup.remember(r.deviceId(), false, ts, ts);
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
    readings.add(new Row(d.ref, r, rec, key == Tx.Key.BY_SEQ ? 0 : 1));
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
  boolean knowsDevice(String deviceId) {
    return deltas.containsKey(deviceId) || state.devices.containsKey(deviceId);
  }

  /** How many devices the store has, counting those new in this batch. */
  int deviceCount() {
    return state.devices.size() + newDevices;
  }

  /** Records a failed local read. */
  void insertFailure(String deviceId, Instant ts, String reason) throws SQLException {
    Delta d = delta(deviceId);
    String why = reason == null || reason.isBlank() ? "unknown" : reason;
    failures.add(
        new Failure(
            state.failureIds.incrementAndGet(),
            d.ref,
            ts.toEpochMilli(),
            why.length() > 64 ? why.substring(0, 64) : why));
  }

  private Delta delta(String deviceId) throws SQLException {
    Delta d = deltas.get(deviceId);
    if (d == null) {
      DeviceState s = state.devices.get(deviceId);
      if (s == null && dialect.shared()) {
        s = claimDevice(deviceId); // another store may have made it, or make it now
      }
      d =
          s != null
              ? new Delta(s.ref, deviceId, false)
              : new Delta(state.deviceIds.incrementAndGet(), deviceId, true);
      if (s != null) {
        d.maxSeq = s.maxSeq;
        d.maxTsKey = s.maxTsKey;
        d.storedLastTs = s.lastTs;
      } else {
        newDevices++;
      }
      d.live = s != null ? LiveBucket.copy(s.live) : new LiveBucket[LiveAggregates.TABLES.length];
      deltas.put(deviceId, d);
    }
    return d;
  }

  /**
   * A device of a shared database this store does not know: its row, created now unless another
   * store (another hub) has it already. Waits for a store creating it in an open transaction.
   */
  private DeviceState claimDevice(String deviceId) throws SQLException {
    DeviceState s = findDevice(deviceId); // made by another store: no insert, no row lock
    if (s != null) {
      return s;
    }
    try (PreparedStatement in = c.prepareStatement(dialect.insertDeviceIfAbsent())) {
      in.setString(1, deviceId);
      in.setLong(2, now);
      if (in.executeUpdate() == 1) {
        newDevices++; // new to the database, not only to this store
      }
    }
    s = findDevice(deviceId);
    if (s == null) {
      throw new SQLException("device " + deviceId + " vanished while it was created");
    }
    return s;
  }

  private DeviceState findDevice(String deviceId) throws SQLException {
    try (PreparedStatement ps =
        c.prepareStatement(
            "SELECT id, max_seq, max_ts_key, last_ts, agg_1m_live, agg_1h_live FROM devices"
                + " WHERE device_id = ?")) {
      ps.setString(1, deviceId);
      try (java.sql.ResultSet rs = ps.executeQuery()) {
        if (!rs.next()) {
          return null;
        }
        Long m = Queries.getLong(rs, 5);
        Long h = Queries.getLong(rs, 6);
        return new DeviceState(
            rs.getInt(1),
            deviceId,
            Queries.getLong(rs, 2),
            Queries.getLong(rs, 3),
            Queries.getLong(rs, 4),
            new LiveBucket[] {
              m == null ? null : new LiveBucket(m, null), h == null ? null : new LiveBucket(h, null)
            });
      }
    }
  }

  private void flushRowCounts() throws SQLException {
    addRowCount("readings", readings.size() - skipped - readingsDeleted);
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
                    + keys()
                    + ", agg_1m_live = ?, agg_1h_live = ?"
                    + " WHERE id = ?");
        PreparedStatement upLast =
            c.prepareStatement(
                "UPDATE devices SET last_seen = COALESCE(?, last_seen), readings = readings + ?,"
                    + keys()
                    + ", agg_1m_live = ?, agg_1h_live = ?,"
                    + " last_ts = ?, last_seq = ?, last_temperature = ?, last_humidity = ?,"
                    + " last_source = ? WHERE id = ?")) {
      // One UPDATE per device and batch (a second one doubles the row versions HSQLDB writes).
      boolean upBatched = false;
      boolean lastBatched = false;
      List<Delta> inOrder = new ArrayList<>(deltas.values());
      if (dialect.shared()) { // device rows locked in id order by every hub: no deadlock
        inOrder.sort(java.util.Comparator.comparingInt(d -> d.ref));
      }
      for (Delta d : inOrder) {
        if (d.isNew) {
          in.setInt(1, d.ref);
          in.setString(2, d.deviceId);
          in.setLong(3, now);
          Sql.setLong(in, 4, d.lastSeen);
          Sql.setLong(in, 5, d.lastTs);
          Sql.setLong(in, 6, d.lastSeq);
          Sql.setDouble(in, 7, d.lastTemperature);
          Sql.setDouble(in, 8, d.lastHumidity);
          in.setString(9, d.lastSource);
          in.setLong(10, d.count);
          Sql.setLong(in, 11, d.maxSeq);
          Sql.setLong(in, 12, d.maxTsKey);
          Sql.setLong(in, 13, liveStart(d, 0));
          Sql.setLong(in, 14, liveStart(d, 1));
          in.executeUpdate();
          continue;
        }
        if (d.count == 0 && !d.liveChanged) {
          continue;
        }
        Long storedLast = d.storedLastTs;
        boolean newer =
            d.lastTs != null && (d.lastStamped || storedLast == null || d.lastTs >= storedLast);
        PreparedStatement ps = newer ? upLast : up;
        int i = 1;
        Sql.setLong(ps, i++, d.lastSeen);
        ps.setLong(i++, d.count);
        Sql.setLong(ps, i++, d.maxSeq);
        if (dialect.shared()) {
          Sql.setLong(ps, i++, d.maxSeq);
        }
        Sql.setLong(ps, i++, d.maxTsKey);
        if (dialect.shared()) {
          Sql.setLong(ps, i++, d.maxTsKey);
        }
        Sql.setLong(ps, i++, liveStart(d, 0));
        Sql.setLong(ps, i++, liveStart(d, 1));
        if (newer) {
          ps.setLong(i++, d.lastTs);
          Sql.setLong(ps, i++, d.lastSeq);
          ps.setDouble(i++, d.lastTemperature);
          ps.setDouble(i++, d.lastHumidity);
          ps.setString(i++, d.lastSource);
        }
        ps.setInt(i, d.ref);
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

  /**
   * The SET of the highest keys: this store's values; on a shared database never lower than what
   * another store wrote meanwhile.
   */
  private String keys() {
    return dialect.shared()
        ? " max_seq = CASE WHEN max_seq IS NULL OR max_seq < ? THEN ? ELSE max_seq END,"
            + " max_ts_key = CASE WHEN max_ts_key IS NULL OR max_ts_key < ? THEN ? ELSE max_ts_key"
            + " END"
        : " max_seq = ?, max_ts_key = ?";
  }

  private static Long liveStart(Delta d, int g) {
    return d.live[g] == null ? null : d.live[g].start;
  }

  private void flushReadings() throws SQLException {
    if (readings.isEmpty()) {
      return;
    }
    if (dialect.shared()) { // key order: two hubs inserting the same readings never deadlock
      readings.sort(
          java.util.Comparator.comparingInt(Row::kind)
              .thenComparingInt(Row::device)
              .thenComparingLong(
                  row -> row.kind() == 0 ? row.r().seq() : row.r().ts().toEpochMilli())
              .thenComparingLong(row -> row.r().ts().toEpochMilli()));
    }
    String insert =
        "INSERT INTO readings (device, dedup_kind, dedup_value, ts, seq, temperature,"
            + " humidity, source, received) VALUES (?,?,?,?,?,?,?,?,?)";
    try (PreparedStatement ps =
        c.prepareStatement(dialect.shared() ? dialect.insertIgnoringDuplicates(insert) : insert)) {
      for (Row row : readings) {
        Reading r = row.r();
        long ts = r.ts().toEpochMilli();
        ps.setInt(1, row.device());
        ps.setInt(2, row.kind());
        ps.setLong(3, row.kind() == 0 ? r.seq() : ts);
        ps.setLong(4, ts);
        Sql.setLong(ps, 5, r.seq());
        ps.setDouble(6, r.temperature());
        ps.setDouble(7, r.humidity());
        ps.setString(8, r.source().length() > 32 ? r.source().substring(0, 32) : r.source());
        ps.setLong(9, row.received());
        ps.addBatch();
      }
      int[] inserted = ps.executeBatch();
      if (dialect.shared()) {
        for (int i = 0; i < inserted.length; i++) {
          if (inserted[i] == 0) { // another store (hub) has stored this reading: counted there
            deltas.get(readings.get(i).r().deviceId()).count--;
            skipped++;
          }
        }
      }
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

  /** Counts rows a housekeeping DELETE removed, for {@code row_counts}. */
  void deleted(String table, int n) {
    switch (table) {
      case "readings" -> readingsDeleted += n;
      case "read_failures" -> failuresDeleted += n;
      default -> {}
    }
  }

  /** Writes everything buffered. */
  void flush() throws SQLException {
    if (dialect.shared()) { // readings first: only those really inserted count for the device
      flushReadings();
      flushDevices();
    } else {
      flushDevices();
      flushReadings();
    }
    flushFailures();
    aggregates.flush();
  }

  /** Writes the row counts: after {@link #flush()} and any housekeeping of the batch. */
  void flushCounts() throws SQLException {
    flushRowCounts();
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
    state.readingsStored.addAndGet(readings.size() - skipped);
    state.readingsKept.addAndGet(readings.size() - skipped - readingsDeleted);
    state.failuresKept.addAndGet(failures.size() - failuresDeleted);
    if (swept) {
      state.nextBucketSweep = now + LiveAggregates.WIDTHS[0];
    }
  }

  void close() {
    aggregates.close();
    dedup.close();
  }

  private static Long max(Long a, long b) {
    return a == null ? b : Math.max(a, b);
  }
}
