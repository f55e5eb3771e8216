package net.dhtedge.agent.store;

import java.util.Locale;
import java.util.Objects;
import java.util.function.Supplier;

/**
 * Which database the store opens: the embedded HSQLDB under the data directory (the default, {@link
 * #embedded()}), or a PostgreSQL server reached through a connection pool ({@link #of}). Kept apart
 * from {@link StoreOptions}, which say how the store behaves whatever the database.
 *
 * @param url {@code null} for the embedded database, else a JDBC URL: {@code jdbc:hsqldb:file:...}
 *     or {@code jdbc:postgresql://host:port/db}
 * @param user the database user (PostgreSQL); ignored for the embedded database
 * @param password where the password comes from (a file, the environment), asked for once when the
 *     store opens; never part of this record's text
 * @param poolSize connections the pool keeps open at most: the writer's plus readers'. Default
 *     {@link #DEFAULT_POOL_SIZE}
 */
public record StoreTarget(String url, String user, Supplier<String> password, int poolSize) {

  /** The writer, two idle readers and room for a few HTTP requests at once. */
  public static final int DEFAULT_POOL_SIZE = 6;

  public StoreTarget {
    Objects.requireNonNull(password, "password");
    if (poolSize < 2 || poolSize > 100) {
      throw new IllegalArgumentException("store pool size 2..100, was " + poolSize);
    }
    if (url != null && !isHsqldb(url) && !isPostgres(url)) {
      throw new IllegalArgumentException(
          "store URL must start with jdbc:postgresql:// or jdbc:hsqldb:file: (was "
              + url.split("[?;]", 2)[0]
              + ")");
    }
  }

  /** The embedded HSQLDB database in {@code <dataDir>/db} (the one-Pi default). */
  public static StoreTarget embedded() {
    return new StoreTarget(null, null, () -> "", DEFAULT_POOL_SIZE);
  }

  /** The database at {@code url} as {@code user}, with the default pool size. */
  public static StoreTarget of(String url, String user, Supplier<String> password) {
    return new StoreTarget(Objects.requireNonNull(url, "url"), user, password, DEFAULT_POOL_SIZE);
  }

  public StoreTarget withPoolSize(int n) {
    return new StoreTarget(url, user, password, n);
  }

  /** Whether this is a PostgreSQL server. */
  public boolean isPostgres() {
    return url != null && isPostgres(url);
  }

  private static boolean isPostgres(String url) {
    return url.toLowerCase(Locale.ROOT).startsWith("jdbc:postgresql://");
  }

  private static boolean isHsqldb(String url) {
    return url.toLowerCase(Locale.ROOT).startsWith("jdbc:hsqldb:file:");
  }

  /** The URL without parameters (nothing secret), for messages. */
  public String where() {
    return url == null ? "embedded HSQLDB" : url.split("[?;]", 2)[0];
  }

  @Override
  public String toString() {
    return "StoreTarget[" + where() + ", user=" + user + ", poolSize=" + poolSize + "]";
  }
}
