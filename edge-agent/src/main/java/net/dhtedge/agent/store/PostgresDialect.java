package net.dhtedge.agent.store;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.LocalDate;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;

/**
 * PostgreSQL, the fleet's central store: several hubs may write one database at once ({@link
 * #shared()}). Readings are range-partitioned by {@code ts}, one partition per UTC day plus a
 * default partition ({@code db/migration/postgresql/V1.sql}); housekeeping creates partitions
 * {@link #DAYS_AHEAD} days ahead and retention drops whole days ({@link ReadingPartitions}).
 * Duplicates across hubs are stopped by the readings key and {@code ON CONFLICT DO NOTHING}.
 */
final class PostgresDialect implements Dialect, ReadingPartitions {

  /**
   * The oldest server the store opens: 13. The SQL needs 11 (default partitions, indexes and keys
   * on partitioned tables, ON CONFLICT on them); 11 and 12 are out of community support, untested
   * here, and refused with one line.
   */
  static final int OLDEST_SUPPORTED = 13;

  /** Partitions created ahead of the clock, in days. */
  static final int DAYS_AHEAD = 7;

  static final long DAY_MILLIS = 86_400_000L;

  // Advisory lock keys: schema migrations (session lock), partition upkeep (transaction lock).
  private static final long MIGRATION_LOCK = 0x6564_6765_0001L;
  private static final long PARTITION_LOCK = 0x6564_6765_0002L;
  private static final String PREFIX = "readings_";
  private static final DateTimeFormatter DAY = DateTimeFormatter.BASIC_ISO_DATE;

  private final String url;
  private final int oldestSupported;

  PostgresDialect(String url) {
    this(url, OLDEST_SUPPORTED);
  }

  /** {@code oldestSupported}: tests raise it to see the refusal of a too-old server. */
  PostgresDialect(String url, int oldestSupported) {
    this.url = url;
    this.oldestSupported = oldestSupported;
  }

  @Override
  public String jdbcUrl(Path dbDir) {
    return url;
  }

  @Override
  public Properties connectionProperties() {
    Properties p = new Properties();
    p.setProperty("ApplicationName", "edge-agent");
    p.setProperty("connectTimeout", "10"); // seconds: an unreachable host is an error, not a hang
    p.setProperty("tcpKeepAlive", "true");
    return p;
  }

  /** A commit returns once it is on the server's disk, whatever the server's default. */
  @Override
  public List<String> setupStatements(int fileWriteDelayMillis) {
    return List.of("SET synchronous_commit TO on");
  }

  @Override
  public String name() {
    return "postgresql";
  }

  @Override
  public Map<String, String> placeholders() {
    return Map.of("binary_type", "BYTEA");
  }

  /** The rows by their physical address (a TID scan), the chunk found by the condition. */
  @Override
  public String deleteLimited(String table, String where, int limit) {
    return "DELETE FROM "
        + table
        + " WHERE ctid = ANY(ARRAY(SELECT ctid FROM "
        + table
        + " WHERE "
        + where
        + " LIMIT "
        + limit
        + "))";
  }

  @Override
  public String shutdownStatement() {
    return null; // the server stays up; the pool closes its connections
  }

  /** Deadlock detected (40P01) or a serialization failure (40001), anywhere in the causes. */
  @Override
  public boolean conflict(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
      if (t instanceof SQLException se
          && ("40P01".equals(se.getSQLState()) || "40001".equals(se.getSQLState()))) {
        return true;
      }
    }
    return false;
  }

  @Override
  public boolean localFiles() {
    return false;
  }

  @Override
  public boolean shared() {
    return true;
  }

  @Override
  public String insertIgnoringDuplicates(String insert) {
    return insert + " ON CONFLICT DO NOTHING";
  }

  @Override
  public String insertDeviceIfAbsent() {
    return "INSERT INTO devices (id, device_id, first_seen, readings)"
        + " VALUES (nextval('device_ids'), ?, ?, 0) ON CONFLICT (device_id) DO NOTHING";
  }

  @Override
  public String migrationLock() {
    return "SELECT pg_advisory_lock(" + MIGRATION_LOCK + ")";
  }

  @Override
  public String migrationUnlock() {
    return "SELECT pg_advisory_unlock(" + MIGRATION_LOCK + ")";
  }

  @Override
  public void checkServer(Connection c, String where) throws SQLException {
    String version;
    int number;
    try (Statement s = c.createStatement();
        ResultSet rs =
            s.executeQuery(
                "SELECT current_setting('server_version'),"
                    + " current_setting('server_version_num')::int")) {
      rs.next();
      version = rs.getString(1);
      number = rs.getInt(2);
    }
    if (number / 10_000 < oldestSupported) {
      throw new StoreException(
          "PostgreSQL "
              + version
              + " at "
              + where
              + " is too old: the store needs PostgreSQL "
              + oldestSupported
              + " or newer",
          null);
    }
  }

  @Override
  public String sizeQuery() {
    return "SELECT pg_database_size(current_database())";
  }

  @Override
  public ReadingPartitions readingPartitions() {
    return this;
  }

  // ---- ReadingPartitions ----

  @Override
  public String defaultPartition() {
    return "readings_default";
  }

  static String partitionName(long epochDay) {
    return PREFIX + LocalDate.ofEpochDay(epochDay).format(DAY);
  }

  /**
   * Creates each missing day from today to {@link #DAYS_AHEAD} ahead, under a transaction advisory
   * lock (two hubs starting together wait for each other instead of failing). A day's rows already
   * in the default partition (a device clock far ahead) move into the new partition first: a
   * default partition holding rows of a new partition's range refuses the partition.
   */
  @Override
  public int createAhead(Connection c, long nowMillis) throws SQLException {
    try (Statement s = c.createStatement()) {
      s.execute("SELECT pg_advisory_xact_lock(" + PARTITION_LOCK + ")");
      long today = Math.floorDiv(nowMillis, DAY_MILLIS);
      int created = 0;
      for (long day = today; day <= today + DAYS_AHEAD; day++) {
        String name = partitionName(day);
        if (exists(c, name)) {
          continue;
        }
        long from = day * DAY_MILLIS;
        long to = from + DAY_MILLIS;
        s.execute(
            "CREATE TABLE " + name + " (LIKE readings INCLUDING DEFAULTS INCLUDING CONSTRAINTS)");
        s.execute(
            "WITH moved AS (DELETE FROM "
                + defaultPartition()
                + " WHERE ts >= "
                + from
                + " AND ts < "
                + to
                + " RETURNING *) INSERT INTO "
                + name
                + " SELECT * FROM moved");
        s.execute(
            "ALTER TABLE readings ATTACH PARTITION "
                + name
                + " FOR VALUES FROM ("
                + from
                + ") TO ("
                + to
                + ")");
        created++;
      }
      return created;
    }
  }

  @Override
  public long dropOlderThan(Connection c, long cutoffMillis) throws SQLException {
    try (Statement s = c.createStatement()) {
      try (ResultSet rs =
          s.executeQuery("SELECT pg_try_advisory_xact_lock(" + PARTITION_LOCK + ")")) {
        rs.next();
        if (!rs.getBoolean(1)) {
          return -1;
        }
      }
      long rows = 0;
      for (String name : partitions(c)) {
        long day;
        try {
          day = LocalDate.parse(name.substring(PREFIX.length()), DAY).toEpochDay();
        } catch (DateTimeParseException | StringIndexOutOfBoundsException e) {
          continue; // not one of ours (the default partition, or added by hand)
        }
        if ((day + 1) * DAY_MILLIS > cutoffMillis) {
          continue;
        }
        try (ResultSet rs = s.executeQuery("SELECT COUNT(*) FROM " + name)) {
          rs.next();
          rows += rs.getLong(1);
        }
        s.execute("DROP TABLE " + name);
      }
      return rows;
    }
  }

  private static List<String> partitions(Connection c) throws SQLException {
    List<String> out = new ArrayList<>();
    try (PreparedStatement ps =
            c.prepareStatement(
                "SELECT k.relname FROM pg_inherits i JOIN pg_class k ON k.oid = i.inhrelid"
                    + " WHERE i.inhparent = 'readings'::regclass ORDER BY k.relname");
        ResultSet rs = ps.executeQuery()) {
      while (rs.next()) {
        out.add(rs.getString(1));
      }
    }
    return out;
  }

  private static boolean exists(Connection c, String table) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement("SELECT to_regclass(?) IS NOT NULL")) {
      ps.setString(1, table);
      try (ResultSet rs = ps.executeQuery()) {
        rs.next();
        return rs.getBoolean(1);
      }
    }
  }

  /**
   * One line saying what is wrong with the settings, from a failed connection attempt: the server
   * cannot be reached, refused the password or user, or has no such database.
   */
  static String explain(SQLException e, String where, String user) {
    String state = e.getSQLState() == null ? "" : e.getSQLState();
    String msg = e.getMessage() == null ? "" : e.getMessage().strip();
    if (state.equals("28P01") || state.equals("28000")) {
      return "PostgreSQL at "
          + where
          + " refused user '"
          + user
          + "': wrong password or user not allowed (check store.user and the password)";
    }
    if (state.equals("3D000")) {
      return "PostgreSQL at "
          + where
          + ": the database does not exist (create it first, e.g. createdb; the store makes its"
          + " tables, not the database)";
    }
    if (state.startsWith("08")) {
      Throwable root = e;
      while (root.getCause() != null && root.getCause() != root) {
        root = root.getCause();
      }
      String why = root == e ? msg : root.getClass().getSimpleName() + ": " + root.getMessage();
      return "cannot reach PostgreSQL at " + where + " (" + firstLine(why) + ")";
    }
    return "cannot open the store at " + where + ": " + firstLine(msg);
  }

  private static String firstLine(String s) {
    String line = s == null ? "" : s.strip();
    int nl = line.indexOf('\n');
    return nl < 0 ? line : line.substring(0, nl);
  }
}
