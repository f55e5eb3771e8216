package net.dhtedge.agent.store;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Map;
import java.util.Properties;

/** HSQLDB 2.7 file database: cached (disk) tables, MVCC, log synced on commit. */
final class HsqldbDialect implements Dialect {

  /*
   * A lock file whose owner was killed is taken over once its heartbeat (written every 10 s) is
   * 10.1 s old. HSQLDB 2.7.4 polls 10 times, 1.02 s apart, so its last look comes 9.2 s after the
   * first: a store reopened less than ~0.9 s after the dead owner's last heartbeat was refused
   * ("Database lock acquisition failure"), e.g. a restart right after a kill that came soon after
   * start-up (SigkillTest on a fast machine). With 51 polls 208 ms apart the last look comes at
   * 10.4 s, after any dead owner's heartbeat has expired; a live owner is still refused after ~10 s.
   * HSQLDB reads this only as a system property; one set by the user wins.
   */
  static {
    if (System.getProperty("hsqldb.lockfile_poll_retries") == null) {
      System.setProperty("hsqldb.lockfile_poll_retries", "51");
    }
  }

  @Override
  public String jdbcUrl(Path dbDir) {
    return "jdbc:hsqldb:file:"
        + dbDir.resolve("agent").toAbsolutePath()
        + ";hsqldb.tx=mvcc;hsqldb.default_table_type=cached;hsqldb.lock_file=true"
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
  public List<String> setupStatements(int fileWriteDelayMillis) {
    String delay =
        fileWriteDelayMillis == 0
            ? "SET FILES WRITE DELAY FALSE"
            : "SET FILES WRITE DELAY " + fileWriteDelayMillis + " MILLIS";
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
