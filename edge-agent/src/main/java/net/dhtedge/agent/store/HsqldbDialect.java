package net.dhtedge.agent.store;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Map;
import java.util.Properties;

/**
 * HSQLDB 2.7 file database: cached (disk) tables, MVCC; the log synced on commit, or within the
 * local sync interval for commits nobody waits on (see {@link
 * StoreOptions#localSyncIntervalMillis}).
 */
final class HsqldbDialect implements Dialect {

  @Override
  public String jdbcUrl(Path dbDir) {
    return "jdbc:hsqldb:file:"
        + dbDir.resolve("agent").toAbsolutePath()
        + ";hsqldb.tx=mvcc;hsqldb.default_table_type=cached"
        // no HSQLDB lock file: its heartbeat rewrote it every 10 s (SD-card wear) and a killed
        // owner's file blocked a restart for ~10 s; the store holds an OS lock instead (DbDirLock)
        + ";hsqldb.lock_file=false"
        + ";hsqldb.cache_rows=20000;hsqldb.cache_size=6144"
        // plain file I/O: a memory-mapped data file adds its pages to the RSS (page cache)
        + ";hsqldb.nio_data_file=false";
  }

  @Override
  public Properties connectionProperties() {
    Properties p = new Properties();
    p.setProperty("user", "SA");
    p.setProperty("password", "");
    return p;
  }

  @Override
  public List<String> setupStatements(int logWriteDelayMillis) {
    String delay =
        logWriteDelayMillis == 0
            ? "SET FILES WRITE DELAY FALSE"
            : "SET FILES WRITE DELAY " + logWriteDelayMillis + " MILLIS";
    // No automatic checkpoint (HSQLDB starts one on another thread once the log passes 50 MB):
    // the writer checkpoints itself between batches, so it always knows which log file it wrote
    // and how long it was at the last durable commit. Warnings and errors of HSQLDB's event log
    // go to java.util.logging, where HsqldbLogWatch counts them: it is the only place HSQLDB
    // reports a failed log write.
    return List.of(delay, "SET FILES LOG SIZE 0", "SET DATABASE EXTERNAL EVENT LOG LEVEL 2");
  }

  @Override
  public DurabilityWatch watch(Connection c) throws SQLException {
    try (Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("VALUES DATABASE_NAME()")) {
      rs.next();
      return HsqldbLogWatch.start(rs.getString(1));
    }
  }

  /**
   * HSQLDB has no SQL statement that syncs the log now (with a write delay, a commit stays in its
   * 16 KiB log buffer until the delay's timer flushes and syncs it). Its embedded engine's own
   * {@code Logger.synchLog()} does exactly that (flush, then {@code FileDescriptor.sync()}), the
   * call HSQLDB makes itself when the last session closes; a failure is logged by HSQLDB as a
   * warning, which {@link HsqldbLogWatch} counts like any failed log write.
   */
  @Override
  public void syncLog(Connection c) throws SQLException {
    org.hsqldb.jdbc.JDBCConnection jc = c.unwrap(org.hsqldb.jdbc.JDBCConnection.class);
    if (!(jc.getSession() instanceof org.hsqldb.Session session)) {
      throw new SQLException("not an embedded HSQLDB session: cannot sync its log");
    }
    session.getDatabase().logger.synchLog();
  }

  @Override
  public Path commitLog(Path dbDir) {
    return dbDir.resolve("agent.log");
  }

  @Override
  public String crashStatement() {
    return "SHUTDOWN IMMEDIATELY";
  }

  @Override
  public String checkpointStatement() {
    return "CHECKPOINT";
  }

  @Override
  public String name() {
    return "hsqldb";
  }

  @Override
  public Map<String, String> placeholders() {
    return Map.of("binary_type", "VARBINARY(8192)");
  }

  @Override
  public String deleteLimited(String table, String where, int limit) {
    return "DELETE FROM " + table + " WHERE " + where + " LIMIT " + limit;
  }

  @Override
  public String shutdownStatement() {
    return "SHUTDOWN";
  }
}
