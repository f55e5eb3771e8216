package net.dhtedge.agent.store;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import java.util.Map;
import java.util.Properties;

/**
 * Everything database-specific, in one place. The schema and queries are otherwise plain SQL
 * (BIGINT epoch-millisecond times, DOUBLE PRECISION, VARCHAR, OFFSET/FETCH FIRST) that HSQLDB and
 * PostgreSQL both accept, so a second dialect is this interface implemented once more.
 */
public interface Dialect {

  /** JDBC URL of the database for a data directory. */
  String jdbcUrl(Path dbDir);

  /** User, password and driver properties. */
  Properties connectionProperties();

  /**
   * Statements run once on the writer connection at start-up (durability settings): with {@code
   * logWriteDelayMillis} 0 every commit is synced to disk before it returns; with n > 0 a commit
   * returns unsynced and the database syncs its log at most n ms later.
   */
  List<String> setupStatements(int logWriteDelayMillis);

  /**
   * Makes everything committed through {@code c} so far durable now (flush and fsync of the commit
   * log), for a commit that must not wait for the write delay. A failure is reported like a failed
   * log write ({@link #watch}) or thrown.
   */
  default void syncLog(Connection c) throws SQLException {
    // a dialect without a write delay syncs every commit
  }

  /**
   * The dialect's name: migration files of its own live in {@code db/migration/<name>/} and replace
   * the common file of the same version.
   */
  String name();

  /**
   * Values of the migration files' {@code ${...}} placeholders: {@code binary_type}, the column
   * type of a binary payload of up to 8 KiB.
   */
  Map<String, String> placeholders();

  /** A DELETE of at most {@code limit} rows matching {@code where} (placeholders allowed). */
  String deleteLimited(String table, String where, int limit);

  /** The statement that closes the database cleanly, or null when there is none. */
  String shutdownStatement();

  /**
   * Watches for writes the database failed to make durable without throwing (HSQLDB: see {@link
   * HsqldbLogWatch}); {@link DurabilityWatch#NONE} where every failure throws.
   */
  default DurabilityWatch watch(Connection c) throws SQLException {
    return DurabilityWatch.NONE;
  }

  /**
   * The file the database appends each commit to and replays after a crash, or null. After a failed
   * write the store cuts it back to its length at the last durable commit.
   */
  default Path commitLog(Path dbDir) {
    return null;
  }

  /**
   * Closes the database at once, like a crash: no checkpoint, nothing written from memory (a commit
   * that HSQLDB holds in memory but not in its log must not reach the files). Null when there is
   * none.
   */
  default String crashStatement() {
    return null;
  }

  /** Writes the database's state to its files and starts an empty commit log; or null. */
  default String checkpointStatement() {
    return null;
  }

  /**
   * Whether other stores (other hubs) may write the same database at the same time. Then a device
   * unknown to this store is looked up (or created) in the database, readings are inserted with
   * {@link #insertIgnoringDuplicates} and only those really inserted are counted, and the device's
   * highest keys only ever grow.
   */
  default boolean shared() {
    return false;
  }

  /**
   * {@code insert} made to skip a row whose key is taken (another hub stored the same reading);
   * executeBatch then reports 0 for it. Only for a {@link #shared()} database.
   */
  default String insertIgnoringDuplicates(String insert) {
    return insert;
  }

  /**
   * INSERT of a device row with parameters (device_id, first_seen), doing nothing when the device
   * exists: only for a {@link #shared()} database (ids from a database sequence); null otherwise.
   */
  default String insertDeviceIfAbsent() {
    return null;
  }

  /**
   * Statements run around schema migrations so that two stores opening one database at once migrate
   * one after the other; null when the database has one user (embedded).
   */
  default String migrationLock() {
    return null;
  }

  /** See {@link #migrationLock()}. */
  default String migrationUnlock() {
    return null;
  }

  /**
   * Refuses a server the store does not support (too old) with a {@link StoreException} of one
   * line; {@code where} names it for the message.
   */
  default void checkServer(Connection c, String where) throws SQLException {}

  /** A query of one number: the database's size in bytes; null to add up the files in dbDir. */
  default String sizeQuery() {
    return null;
  }

  /**
   * Whether the database's files are in the store's {@code dbDir} (embedded): then the disk reserve
   * applies to that file system. False for a server.
   */
  default boolean localFiles() {
    return true;
  }

  /**
   * Whether {@code e} is only a clash with another store's transaction (a deadlock the database
   * broke by aborting this one): the batch is tried again as it was.
   */
  default boolean conflict(Throwable e) {
    return false;
  }

  /** Readings partitioned by time (retention drops partitions), or null. */
  default ReadingPartitions readingPartitions() {
    return null;
  }

  /** The embedded default. */
  static Dialect hsqldb() {
    return new HsqldbDialect();
  }

  /** A PostgreSQL server at {@code url} (jdbc:postgresql://host:port/db). */
  static Dialect postgresql(String url) {
    return new PostgresDialect(url);
  }
}
