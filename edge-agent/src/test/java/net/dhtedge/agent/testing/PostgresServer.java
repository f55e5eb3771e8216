package net.dhtedge.agent.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;

/**
 * A private PostgreSQL for one test class, from Debian's {@code postgresql} package: {@code initdb}
 * into a fresh directory, {@code pg_ctl start} on a free port on 127.0.0.1 (never the machine's
 * server on 5432), password authentication (SCRAM) for TCP with a generated password, no Unix
 * socket. {@link #stop()} and {@link #start()} again reuse the port and the data, for outage tests;
 * {@link #close()} stops it at once and deletes the directory (call it from {@code @AfterAll}).
 *
 * <p>The binaries are looked for in {@code /usr/lib/postgresql/<version>/bin} (the newest version
 * found); without them the test is skipped, saying so. PostgreSQL refuses to run as root: under
 * root the server runs as the {@code postgres} user the package creates.
 *
 * <pre>{@code
 * static PostgresServer pg;
 * @BeforeAll static void up() { pg = PostgresServer.startNew(); }
 * @AfterAll static void down() { pg.close(); }
 * String url = pg.createDatabase("t1");
 * }</pre>
 */
public final class PostgresServer implements AutoCloseable {

  /** Where Debian puts each installed major version's binaries. */
  public static final Path DEBIAN_ROOT = Path.of("/usr/lib/postgresql");

  public static final String USER = "edge";

  private final Path bin;
  private final Path dir;
  private final Path data;
  private final int port;
  private final String password = UUID.randomUUID().toString();
  private final boolean asPostgres;
  private boolean running;
  private boolean closed;

  private PostgresServer(Path bin, Path dir, boolean asPostgres) {
    this.bin = bin;
    this.dir = dir;
    this.data = dir.resolve("data");
    this.asPostgres = asPostgres;
    this.port = MosquittoBroker.freePort();
  }

  /** The newest {@code /usr/lib/postgresql/<v>/bin} holding initdb, pg_ctl and postgres. */
  public static Optional<Path> findBinaries() {
    if (!Files.isDirectory(DEBIAN_ROOT)) {
      return Optional.empty();
    }
    try (Stream<Path> versions = Files.list(DEBIAN_ROOT)) {
      return versions
          .map(v -> v.resolve("bin"))
          .filter(
              b ->
                  Files.isExecutable(b.resolve("initdb"))
                      && Files.isExecutable(b.resolve("pg_ctl"))
                      && Files.isExecutable(b.resolve("postgres")))
          .max(Comparator.comparingInt(PostgresServer::majorOf));
    } catch (IOException e) {
      return Optional.empty();
    }
  }

  private static int majorOf(Path bin) {
    try {
      return Integer.parseInt(bin.getParent().getFileName().toString());
    } catch (NumberFormatException e) {
      return -1;
    }
  }

  /** Initialises and starts a server; skips the test (an assumption) when PostgreSQL is missing. */
  public static PostgresServer startNew() {
    Optional<Path> bin = findBinaries();
    Assumptions.assumeTrue(
        bin.isPresent(),
        "PostgreSQL not installed: no /usr/lib/postgresql/<version>/bin/initdb (apt-get install"
            + " postgresql; .ci/run does)");
    boolean root = "root".equals(System.getProperty("user.name"));
    if (root) {
      Assumptions.assumeTrue(
          run(List.of("id", "-u", "postgres"), null) == 0,
          "running as root and there is no 'postgres' user to run PostgreSQL as (it refuses root)");
    }
    Path dir;
    try {
      // Not a JUnit @TempDir: those are 0700 root, and the server may run as another user.
      dir =
          Files.createTempDirectory(
              "edge-agent-pg-",
              PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwxr-xr-x")));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create a directory for PostgreSQL", e);
    }
    PostgresServer s = new PostgresServer(bin.get(), dir, root);
    // a test JVM that ends without @AfterAll (killed by a timeout, System.exit) leaves no server
    Runtime.getRuntime().addShutdownHook(new Thread(s::close, "postgres-test-server-stop"));
    s.init();
    s.start0();
    return s;
  }

  public int port() {
    return port;
  }

  public String user() {
    return USER;
  }

  public String password() {
    return password;
  }

  /** The server's major version (the directory the binaries came from). */
  public int majorVersion() {
    return majorOf(bin);
  }

  /** JDBC URL of database {@code name} on this server. */
  public String url(String name) {
    return "jdbc:postgresql://127.0.0.1:" + port + "/" + name;
  }

  /** Creates an empty database (lower-case letters, digits, _) and returns its JDBC URL. */
  public String createDatabase(String name) {
    if (!name.matches("[a-z_][a-z0-9_]*")) {
      throw new IllegalArgumentException("database name: lower-case letters, digits, _");
    }
    try (Connection c = DriverManager.getConnection(url("postgres"), USER, password);
        Statement s = c.createStatement()) {
      s.execute("CREATE DATABASE " + name);
    } catch (SQLException e) {
      throw new IllegalStateException("cannot create database " + name + ": " + e.getMessage(), e);
    }
    return url(name);
  }

  /** A connection to {@code database} as the server's superuser. */
  public Connection connect(String database) throws SQLException {
    return DriverManager.getConnection(url(database), USER, password);
  }

  private void init() {
    Path pwfile = dir.resolve("pwfile");
    try {
      Files.writeString(pwfile, password + "\n", StandardCharsets.UTF_8);
      if (asPostgres) {
        chown(dir);
        chown(pwfile);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + pwfile, e);
    }
    List<String> cmd =
        List.of(
            bin.resolve("initdb").toString(),
            "-D",
            data.toString(),
            "-U",
            USER,
            "--pwfile=" + pwfile,
            "--auth-host=scram-sha-256",
            "--auth-local=scram-sha-256",
            "-E",
            "UTF8",
            "--locale=C",
            "--no-sync");
    Path log = dir.resolve("initdb.log");
    if (run(asUser(cmd), log) != 0) {
      throw new IllegalStateException("initdb failed:\n" + tail(log));
    }
  }

  /** Starts the server again after {@link #stop()} (same port, same data). */
  public synchronized void start() {
    if (closed) {
      throw new IllegalStateException("closed");
    }
    if (!running) {
      start0();
    }
  }

  private void start0() {
    String options =
        "-p "
            + port
            + " -c listen_addresses=127.0.0.1 -c unix_socket_directories=''"
            // a test server: no fsync (behaviour is the same; the machine is shared)
            + " -c fsync=off -c synchronous_commit=on -c full_page_writes=off"
            + " -c max_connections=50 -c shared_buffers=32MB";
    List<String> cmd =
        List.of(
            bin.resolve("pg_ctl").toString(),
            "-D",
            data.toString(),
            "-l",
            dir.resolve("server.log").toString(),
            "-w",
            "-t",
            "60",
            "-o",
            options,
            "start");
    Path log = dir.resolve("pg_ctl.log");
    if (run(asUser(cmd), log) != 0) {
      throw new IllegalStateException(
          "pg_ctl start failed:\n" + tail(log) + "\n" + tail(dir.resolve("server.log")));
    }
    running = true;
  }

  /** Stops the server cleanly (fast mode: sessions are ended); {@link #start()} brings it back. */
  public synchronized void stop() {
    pgCtlStop("fast");
  }

  private void pgCtlStop(String mode) {
    if (!running) {
      return;
    }
    List<String> cmd =
        List.of(
            bin.resolve("pg_ctl").toString(),
            "-D",
            data.toString(),
            "-m",
            mode,
            "-w",
            "-t",
            "60",
            "stop");
    Path log = dir.resolve("pg_ctl.log");
    if (run(asUser(cmd), log) != 0) {
      throw new IllegalStateException("pg_ctl stop failed:\n" + tail(log));
    }
    running = false;
  }

  /** Stops the server at once and deletes its directory. Safe to call twice. */
  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    try {
      pgCtlStop("immediate");
    } finally {
      deleteTree(dir);
    }
  }

  private List<String> asUser(List<String> cmd) {
    if (!asPostgres) {
      return cmd;
    }
    List<String> out = new ArrayList<>(List.of("runuser", "-u", "postgres", "--"));
    out.addAll(cmd);
    return out;
  }

  private static void chown(Path p) throws IOException {
    if (run(List.of("chown", "postgres:postgres", p.toString()), null) != 0) {
      throw new IOException("chown postgres " + p + " failed");
    }
  }

  private static int run(List<String> cmd, Path log) {
    ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
    if (log == null) {
      pb.redirectOutput(ProcessBuilder.Redirect.DISCARD);
    } else {
      pb.redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
    }
    try {
      Process p = pb.start();
      if (!p.waitFor(120, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        return -1;
      }
      return p.exitValue();
    } catch (IOException e) {
      return -1;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return -1;
    }
  }

  private static String tail(Path log) {
    try {
      List<String> lines = Files.readAllLines(log);
      return String.join("\n", lines.subList(Math.max(0, lines.size() - 20), lines.size()));
    } catch (IOException e) {
      return "(no " + log.getFileName() + ")";
    }
  }

  private static void deleteTree(Path root) {
    try (Stream<Path> all = Files.walk(root)) {
      all.sorted(Comparator.reverseOrder())
          .forEach(
              p -> {
                try {
                  Files.deleteIfExists(p);
                } catch (IOException ignored) {
                  // best effort: a temp directory
                }
              });
    } catch (IOException ignored) {
      // best effort: a temp directory
    }
  }
}
