package net.dhtedge.agent.store;

import java.nio.file.Path;
import java.util.List;
import java.util.Properties;

/** HSQLDB 2.7 file database: cached (disk) tables, MVCC, log synced on commit. */
final class HsqldbDialect implements Dialect {

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
    return List.of(delay);
  }

  @Override
  public String binaryType() {
    return "VARBINARY(8192)";
  }

  @Override
  public String deleteLimited(String table, String where, int limit) {
    return "DELETE FROM " + table + " WHERE " + where + " LIMIT " + limit;
  }

  @Override
  public List<String> keepInMemory(String table) {
    return List.of("SET TABLE " + table + " TYPE MEMORY");
  }

  @Override
  public String shutdownStatement() {
    return "SHUTDOWN";
  }
}
