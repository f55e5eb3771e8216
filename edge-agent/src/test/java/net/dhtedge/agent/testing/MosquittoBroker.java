package net.dhtedge.agent.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A private Mosquitto for one test class: its own config, a free port on 127.0.0.1 (never the
 * system broker on 1883), anonymous access, optional persistence and WebSocket listener, optional
 * password file ({@code allow_anonymous false}), optional TLS listener (CA, server certificate and
 * key as PEM files, TLS 1.2+), optionally requiring a client certificate signed by a given CA
 * ({@code require_certificate true}). {@link #stop()} and {@link #start()} again reuse the same
 * port, for outage tests. {@link #close()} kills it; call it from {@code @AfterAll}.
 *
 * <pre>{@code
 * static MosquittoBroker broker;
 * @BeforeAll static void up(@TempDir Path dir) { broker = MosquittoBroker.builder(dir).start(); }
 * @AfterAll static void down() { broker.close(); }
 * }</pre>
 */
public final class MosquittoBroker implements AutoCloseable {

  /** Where Debian puts the broker. */
  public static final Path DEFAULT_BINARY = Path.of("/usr/sbin/mosquitto");

  private final Path binary;
  private final Path dir;
  private final boolean persistence;
  private final boolean webSockets;
  private volatile String user;
  private volatile String password;
  private final Path tlsCa;
  private final Path tlsCert;
  private final Path tlsKey;
  private final Path clientCa;
  private final int tlsPort;
  private final int wssPort;
  private final int port;
  private final int webSocketPort;
  private final int maxInflight;
  private Process process;

  private MosquittoBroker(Builder b) {
    this.binary = b.binary;
    this.dir = b.dir;
    this.persistence = b.persistence;
    this.webSockets = b.webSockets;
    this.user = b.user;
    this.password = b.password;
    this.tlsCa = b.tlsCa;
    this.tlsCert = b.tlsCert;
    this.tlsKey = b.tlsKey;
    this.clientCa = b.clientCa;
    if (clientCa != null && tlsCert == null) {
      throw new IllegalStateException("requireCertificate needs a TLS listener (tls(...))");
    }
    this.tlsPort = b.tlsCert != null ? freePort() : -1;
    this.wssPort = b.tlsCert != null && b.wss ? freePort() : -1;
    this.port = freePort();
    this.webSocketPort = webSockets ? freePort() : -1;
    this.maxInflight = b.maxInflight;
  }

  /** A builder; {@code dir} holds the config, log and persistence (use a {@code @TempDir}). */
  public static Builder builder(Path dir) {
    return new Builder(dir);
  }

  public int port() {
    return port;
  }

  /** {@code tcp://127.0.0.1:<port>}. */
  public String url() {
    return "tcp://127.0.0.1:" + port;
  }

  /**
   * {@code ssl://<host>:<tls port>}; the host is what the client checks the certificate against.
   */
  public String sslUrl(String host) {
    if (tlsPort < 0) {
      throw new IllegalStateException("started without a TLS listener");
    }
    return "ssl://" + host + ":" + tlsPort;
  }

  /** {@code wss://<host>:<port>} (needs {@link Builder#wss}). */
  public String wssUrl(String host) {
    if (wssPort < 0) {
      throw new IllegalStateException("started without a TLS WebSocket listener");
    }
    return "wss://" + host + ":" + wssPort;
  }

  /**
   * Replaces the one user of the password file; takes effect at the next {@link #start()} (tests
   * "fix the broker" with stop, this, start).
   */
  public synchronized void credentials(String newUser, String newPassword) {
    this.user = newUser;
    this.password = newPassword;
  }

  /** {@code ws://127.0.0.1:<port>} (Mosquitto serves MQTT over WebSocket on any path). */
  public String webSocketUrl() {
    if (!webSockets) {
      throw new IllegalStateException("started without a WebSocket listener");
    }
    return "ws://127.0.0.1:" + webSocketPort;
  }

  public synchronized boolean isRunning() {
    return process != null && process.isAlive();
  }

  /** Starts (or restarts) the broker on the same port and waits until it accepts connections. */
  public synchronized MosquittoBroker start() {
    if (isRunning()) {
      return this;
    }
    if (!Files.isExecutable(binary)) {
      throw new IllegalStateException(
          "mosquitto not found at "
              + binary
              + ": install it (apt-get install mosquitto mosquitto-clients); the MQTT tests run a"
              + " private instance of the real broker");
    }
    try {
      Path conf = writeConfig();
      Path log = dir.resolve("mosquitto.log");
      process =
          new ProcessBuilder(binary.toString(), "-c", conf.toString())
              .redirectErrorStream(true)
              .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
              .start();
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
      while (!accepts(port)
          || (webSockets && !accepts(webSocketPort))
          || (tlsPort > 0 && !accepts(tlsPort))
          || (wssPort > 0 && !accepts(wssPort))) {
        if (!process.isAlive()) {
          throw new IllegalStateException(
              "mosquitto exited with " + process.exitValue() + ":\n" + Files.readString(log));
        }
        if (System.nanoTime() > deadline) {
          throw new IllegalStateException(
              "mosquitto did not listen on " + port + " within 15 s:\n" + Files.readString(log));
        }
        Thread.sleep(20);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start mosquitto in " + dir, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while starting mosquitto", e);
    }
    return this;
  }

  /** Stops the broker gracefully (it saves its persistence file), keeping the port for later. */
  public synchronized void stop() {
    if (process == null) {
      return;
    }
    process.destroy();
    try {
      if (!process.waitFor(10, TimeUnit.SECONDS)) {
        process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      process.destroyForcibly();
    }
    process = null;
  }

  /**
   * Freezes the broker with SIGSTOP: its sockets stay open and the kernel still accepts TCP
   * connections into the listen backlog, but nothing is answered (a broker that is slow to answer a
   * CONNECT). {@link #resume()} sends SIGCONT.
   */
  public synchronized void pause() {
    signal("STOP");
  }

  /** Thaws a {@link #pause()}d broker (SIGCONT). */
  public synchronized void resume() {
    signal("CONT");
  }

  private void signal(String name) {
    if (!isRunning()) {
      throw new IllegalStateException("mosquitto is not running");
    }
    try {
      run("kill", "-" + name, Long.toString(process.pid()));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot send SIG" + name + " to mosquitto", e);
    }
  }

  /** The broker's log so far, for assertion messages. */
  public String log() {
    try {
      Path log = dir.resolve("mosquitto.log");
      return Files.exists(log) ? Files.readString(log) : "";
    } catch (IOException e) {
      return "(log unreadable: " + e + ")";
    }
  }

  /** Kills the broker. Safe to call twice. */
  @Override
  public synchronized void close() {
    if (process != null) {
      process.destroyForcibly(); // SIGKILL also ends a paused (SIGSTOPped) broker
      try {
        process.waitFor(5, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      process = null;
    }
  }

  private Path writeConfig() throws IOException {
    Files.createDirectories(dir);
    List<String> lines = new ArrayList<>();
    lines.add("per_listener_settings false");
    lines.add("user root");
    lines.add("listener " + port + " 127.0.0.1");
    if (webSockets) {
      lines.add("listener " + webSocketPort + " 127.0.0.1");
      lines.add("protocol websockets");
    }
    if (tlsPort > 0) {
      lines.add("listener " + tlsPort + " 127.0.0.1");
      // With require_certificate, cafile is the CA that client certificates must be signed by.
      lines.add("cafile " + (clientCa != null ? clientCa : tlsCa).toAbsolutePath());
      lines.add("certfile " + tlsCert.toAbsolutePath());
      lines.add("keyfile " + tlsKey.toAbsolutePath());
      lines.add("tls_version tlsv1.2");
      if (clientCa != null) {
        lines.add("require_certificate true");
      }
    }
    if (wssPort > 0) {
      lines.add("listener " + wssPort + " 127.0.0.1");
      lines.add("protocol websockets");
      lines.add("cafile " + tlsCa.toAbsolutePath());
      lines.add("certfile " + tlsCert.toAbsolutePath());
      lines.add("keyfile " + tlsKey.toAbsolutePath());
    }
    if (user != null) {
      Path pw = dir.resolve("passwd");
      Files.writeString(pw, "");
      run("/usr/bin/mosquitto_passwd", "-b", pw.toString(), user, password);
      lines.add("allow_anonymous false");
      lines.add("password_file " + pw);
    } else {
      lines.add("allow_anonymous true");
    }
    if (persistence) {
      lines.add("persistence true");
      lines.add("persistence_location " + dir.toAbsolutePath() + "/");
      lines.add("autosave_interval 1");
    } else {
      lines.add("persistence false");
    }
    lines.add("max_queued_messages 100000");
    if (maxInflight > 0) {
      lines.add("max_inflight_messages " + maxInflight);
    }
    lines.add("log_dest stderr");
    lines.add("log_type error");
    lines.add("log_type warning");
    lines.add("log_type notice");
    lines.add("log_type information");
    Path conf = dir.resolve("mosquitto.conf");
    Files.writeString(conf, String.join("\n", lines) + "\n", StandardCharsets.UTF_8);
    return conf;
  }

  private static void run(String... cmd) throws IOException {
    try {
      Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      if (p.waitFor() != 0) {
        throw new IOException(String.join(" ", cmd) + " failed: " + out);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted", e);
    }
  }

  private static boolean accepts(int port) {
    try (Socket s = new Socket()) {
      s.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 200);
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  /** A free TCP port on 127.0.0.1 right now. */
  public static int freePort() {
    try (ServerSocket s = new ServerSocket()) {
      s.setReuseAddress(true);
      s.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
      return s.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Options for a private broker. */
  public static final class Builder {
    private final Path dir;
    private Path binary = DEFAULT_BINARY;
    private boolean persistence;
    private boolean webSockets;
    private String user;
    private String password;
    private Path tlsCa;
    private Path tlsCert;
    private Path tlsKey;
    private Path clientCa;
    private boolean wss;
    private int maxInflight;

    private Builder(Path dir) {
      this.dir = dir;
    }

    public Builder binary(Path v) {
      binary = v;
      return this;
    }

    /** Keep sessions and queued messages across {@link #stop()}/{@link #start()}. */
    public Builder persistence(boolean v) {
      persistence = v;
      return this;
    }

    public Builder webSockets(boolean v) {
      webSockets = v;
      return this;
    }

    /** Adds a TLS listener with this CA and server certificate and key (PEM). */
    public Builder tls(Path ca, Path cert, Path key) {
      tlsCa = ca;
      tlsCert = cert;
      tlsKey = key;
      return this;
    }

    /**
     * The {@link #tls} listener refuses clients without a certificate signed by {@code clientCa}
     * ({@code require_certificate true}, {@code cafile clientCa}); the wss listener does not.
     */
    public Builder requireCertificate(Path clientCa) {
      this.clientCa = clientCa;
      return this;
    }

    /** Also a WebSocket listener over TLS with the {@link #tls} certificates. */
    public Builder wss(boolean v) {
      wss = v;
      return this;
    }

    /** QoS 1 messages in flight to each client (Mosquitto's default is 20). */
    public Builder maxInflight(int v) {
      maxInflight = v;
      return this;
    }

    /** Require this user (anonymous off). */
    public Builder credentials(String user, String password) {
      this.user = user;
      this.password = password;
      return this;
    }

    /** Builds without starting. */
    public MosquittoBroker build() {
      return new MosquittoBroker(this);
    }

    /** Builds and starts. */
    public MosquittoBroker start() {
      return build().start();
    }
  }
}
