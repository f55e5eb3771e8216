package net.dhtedge.agent.store;

import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.CRC32;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Versioned schema migrations: the files {@code db/migration/V<n>.sql} (or a dialect's own {@code
 * db/migration/<dialect>/V<n>.sql}), applied in order at start-up, one transaction each, and
 * recorded in {@code schema_version} with a CRC32 checksum of the file. An applied migration whose
 * file changed since is refused at start-up: a released migration is never edited, a new one is
 * added (see the store's README).
 */
final class Migrations {

  private static final Logger LOG = LoggerFactory.getLogger(Migrations.class);
  private static final Pattern PLACEHOLDER = Pattern.compile("\\$\\{([a-z_]+)}");

  /** One migration file, parsed: its statements have their placeholders filled in. */
  record Migration(
      int version, String file, String description, List<String> statements, long checksum) {}

  private Migrations() {}

  /** Every migration {@code source} has for {@code dialect}, from V1 up to the first gap. */
  static List<Migration> load(MigrationSource source, Dialect dialect) {
    List<Migration> out = new ArrayList<>();
    for (int v = 1; ; v++) {
      String file = dialect.name() + "/V" + v + ".sql";
      Optional<String> text = source.read(file);
      if (text.isEmpty()) {
        file = "V" + v + ".sql";
        text = source.read(file);
      }
      if (text.isEmpty()) {
        return out;
      }
      out.add(parse(v, file, text.get(), dialect.placeholders()));
    }
  }

  static Migration parse(int version, String file, String text, Map<String, String> values) {
    String normalized = text.replace("\r\n", "\n");
    CRC32 crc = new CRC32();
    crc.update(normalized.getBytes(StandardCharsets.UTF_8));
    String[] lines = normalized.split("\n", -1);
    if (!lines[0].startsWith("-- ") || lines[0].length() < 4) {
      throw new IllegalStateException(
          "migration " + file + ": the first line must be '-- ' and its description");
    }
    List<String> statements = new ArrayList<>();
    StringBuilder current = new StringBuilder();
    for (String raw : lines) {
      String line = raw.strip();
      if (line.isEmpty() || line.startsWith("--")) {
        continue;
      }
      if (!current.isEmpty()) {
        current.append(' ');
      }
      current.append(line);
      if (line.endsWith(";")) {
        current.setLength(current.length() - 1);
        statements.add(fill(file, current.toString(), values));
        current.setLength(0);
      }
    }
    if (!current.isEmpty()) {
      throw new IllegalStateException(
          "migration " + file + ": the last statement does not end with ';'");
    }
    return new Migration(
        version, file, lines[0].substring(3).strip(), List.copyOf(statements), crc.getValue());
  }

  private static String fill(String file, String sql, Map<String, String> values) {
    Matcher m = PLACEHOLDER.matcher(sql);
    StringBuilder out = new StringBuilder();
    while (m.find()) {
      String value = values.get(m.group(1));
      if (value == null) {
        throw new IllegalStateException(
            "migration " + file + ": unknown placeholder ${" + m.group(1) + "}");
      }
      m.appendReplacement(out, Matcher.quoteReplacement(value));
    }
    m.appendTail(out);
    return out.toString();
  }

  /**
   * Brings the schema up to date; returns the version now in place. On a database several stores
   * share, under the dialect's lock: the second store to start waits, then finds the work done.
   */
  static int migrate(Connection c, Dialect dialect, MigrationSource source, long nowMillis)
      throws SQLException {
    String lock = dialect.migrationLock();
    if (lock == null) {
      return migrateUnlocked(c, dialect, source, nowMillis);
    }
    c.setAutoCommit(false);
    try (Statement s = c.createStatement()) {
      s.execute(lock);
      c.commit();
    }
    try {
      return migrateUnlocked(c, dialect, source, nowMillis);
    } finally {
      try (Statement s = c.createStatement()) {
        c.rollback(); // nothing is open after a migration's commit; after a failure, its rest
        s.execute(dialect.migrationUnlock());
        c.commit();
      }
    }
  }

  private static int migrateUnlocked(
      Connection c, Dialect dialect, MigrationSource source, long nowMillis) throws SQLException {
    List<Migration> known = load(source, dialect);
    c.setAutoCommit(false);
    try (Statement s = c.createStatement()) {
      if (!tableExists(c, "SCHEMA_VERSION")) {
        s.execute(
            "CREATE TABLE schema_version (version INTEGER NOT NULL PRIMARY KEY,"
                + " description VARCHAR(200) NOT NULL, applied_at BIGINT NOT NULL,"
                + " checksum BIGINT)");
        c.commit();
      } else if (!columnExists(c, "SCHEMA_VERSION", "CHECKSUM")) {
        // A database from before checksums (agent 0.1 up to this change).
        s.execute("ALTER TABLE schema_version ADD COLUMN checksum BIGINT");
        c.commit();
      }
      int current = verify(c, known);
      for (Migration m : known) {
        if (m.version() <= current) {
          continue;
        }
        try {
          for (String sql : m.statements()) {
            s.execute(sql);
          }
          try (PreparedStatement ps =
              c.prepareStatement(
                  "INSERT INTO schema_version (version, description, applied_at, checksum)"
                      + " VALUES (?,?,?,?)")) {
            ps.setInt(1, m.version());
            ps.setString(2, m.description());
            ps.setLong(3, nowMillis);
            ps.setLong(4, m.checksum());
            ps.executeUpdate();
          }
          c.commit();
          current = m.version();
        } catch (SQLException e) {
          c.rollback();
          throw new SQLException("schema migration " + m.file() + " failed", e);
        }
      }
      return current;
    }
  }

  /**
   * Checks every applied migration against its file; records the checksum of those applied before
   * checksums existed. Returns the highest version applied.
   */
  private static int verify(Connection c, List<Migration> known) throws SQLException {
    Map<Integer, Long> applied = new LinkedHashMap<>();
    try (Statement s = c.createStatement();
        ResultSet rs =
            s.executeQuery("SELECT version, checksum FROM schema_version ORDER BY version")) {
      while (rs.next()) {
        int version = rs.getInt(1);
        long sum = rs.getLong(2);
        applied.put(version, rs.wasNull() ? null : sum);
      }
    }
    int current = 0;
    int recorded = 0;
    for (Map.Entry<Integer, Long> e : applied.entrySet()) {
      int v = e.getKey();
      current = Math.max(current, v);
      if (v > known.size()) {
        throw new StoreException(
            "the database has schema version "
                + v
                + ", newer than this agent knows ("
                + known.size()
                + "): it was written by a newer edge-agent; install that version again",
            null);
      }
      Migration m = known.get(v - 1);
      if (e.getValue() == null) {
        try (PreparedStatement ps =
            c.prepareStatement("UPDATE schema_version SET checksum = ? WHERE version = ?")) {
          ps.setLong(1, m.checksum());
          ps.setInt(2, v);
          ps.executeUpdate();
        }
        recorded++;
      } else if (e.getValue() != m.checksum()) {
        throw new StoreException(
            "schema migration "
                + m.file()
                + " was edited after it was applied to this database (checksum "
                + Long.toHexString(e.getValue())
                + " applied, "
                + Long.toHexString(m.checksum())
                + " now): an applied migration must never change; restore the file and add a"
                + " new migration instead",
            null);
      }
    }
    if (recorded > 0) {
      c.commit();
      LOG.info("store: recorded the checksums of {} migration(s) applied before 0.2", recorded);
    }
    return current;
  }

  static int currentVersion(Connection c) throws SQLException {
    try (Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT MAX(version) FROM schema_version")) {
      rs.next();
      return rs.getInt(1);
    }
  }

  private static boolean tableExists(Connection c, String upperName) throws SQLException {
    for (String name : new String[] {upperName, upperName.toLowerCase(Locale.ROOT)}) {
      try (ResultSet rs = c.getMetaData().getTables(null, null, name, null)) {
        if (rs.next()) {
          return true;
        }
      }
    }
    return false;
  }

  private static boolean columnExists(Connection c, String upperTable, String upperColumn)
      throws SQLException {
    for (boolean lower : new boolean[] {false, true}) {
      String t = lower ? upperTable.toLowerCase(Locale.ROOT) : upperTable;
      String col = lower ? upperColumn.toLowerCase(Locale.ROOT) : upperColumn;
      try (ResultSet rs = c.getMetaData().getColumns(null, null, t, col)) {
        if (rs.next()) {
          return true;
        }
      }
    }
    return false;
  }
}
