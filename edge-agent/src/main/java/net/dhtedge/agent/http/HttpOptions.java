package net.dhtedge.agent.http;

import static java.time.Duration.ofMillis;
import static java.time.Duration.ofMinutes;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import net.dhtedge.agent.config.Secret;
import net.dhtedge.agent.config.Section;

/**
 * Options of the agent's HTTP server: the {@code http:} section of the config file, read by {@link
 * #bind} (each key's default, unit and range written there once; {@link #defaults()} is that bind
 * of an empty section), plus the server's own limits, whose defaults are there too. A variation for
 * a test: {@code Records.with(options, "port", HttpOptions.EPHEMERAL)}.
 *
 * @param bind {@code http.bind}: address to listen on (default {@code 0.0.0.0})
 * @param port {@code http.port}: TCP port; 0 turns the server off (tests use {@link #EPHEMERAL} for
 *     a free port)
 * @param token {@code http.token}: the bearer token every POST needs (and every GET when {@code
 *     readRequiresToken}); null in the file means the agent's generated one in {@code
 *     <data_dir>/http-token}, which the agent fills in before the server starts
 * @param readRequiresToken GET endpoints need the token too (SSE also takes {@code ?token=})
 * @param corsOrigins origins allowed to read the API from a browser, exact match; {@code *} for any
 * @param maxConnections most TCP connections open at once (default 128); the one over makes room by
 *     closing the connection that has waited longest without a request
 * @param idleTimeout how long a connection may sit without a complete request: the header timeout
 *     and the keep-alive idle time (default 10 s); body reads and response writes may stall 3× that
 * @param dashboard the built dashboard served at {@code /dashboard/}, or null for none
 * @param maxBodyBytes largest request body accepted (16 KiB)
 * @param sseQueue events buffered per SSE client before that client is dropped (256)
 * @param heartbeatSeconds seconds between SSE heartbeat comments (15)
 */
public record HttpOptions(
    String bind,
    int port,
    Secret token,
    boolean readRequiresToken,
    List<String> corsOrigins,
    int maxConnections,
    Duration idleTimeout,
    Dashboard dashboard,
    int maxBodyBytes,
    int sseQueue,
    int heartbeatSeconds) {

  /**
   * The static dashboard the agent serves itself, same origin as the API (so no CORS).
   *
   * @param dir the built site (dashboard-static/dist), with an index.html
   * @param defaults what {@code /dashboard/defaults.json} answers: the page's default settings
   *     (broker WebSocket URL, API base, topic prefix), below the query string and stored ones;
   *     filled in by the agent when it starts
   */
  public record Dashboard(Path dir, Map<String, Object> defaults) {
    public Dashboard {
      Objects.requireNonNull(dir, "dir");
      defaults = Map.copyOf(defaults);
    }
  }

  /** Port value that asks the OS for a free port (tests); distinct from 0, which means off. */
  public static final int EPHEMERAL = -1;

  /** Overrides {@code http.token} and {@code http.token_file}. */
  public static final String TOKEN_ENV = "EDGE_AGENT_HTTP_TOKEN";

  /** Used when {@code http.dashboard_dir} is not set. */
  public static final String DASHBOARD_DIR_ENV = "EDGE_AGENT_DASHBOARD_DIR";

  public HttpOptions {
    Objects.requireNonNull(bind, "bind");
    if (port < EPHEMERAL || port > 65535) {
      throw new IllegalArgumentException("http port must be 0..65535, was " + port);
    }
    if (token != null && token.reveal().isBlank()) {
      throw new IllegalArgumentException("http token must not be blank");
    }
    corsOrigins = List.copyOf(corsOrigins);
    Objects.requireNonNull(idleTimeout, "idleTimeout");
    if (maxBodyBytes <= 0 || sseQueue <= 0 || heartbeatSeconds <= 0 || maxConnections <= 0) {
      throw new IllegalArgumentException("http limits must be positive");
    }
  }

  /** The {@code http:} section; {@code http.dashboard_dir} may also come from the environment. */
  public static HttpOptions bind(Section s) {
    String bind = s.text("bind", "0.0.0.0");
    if (!bind.matches("[A-Za-z0-9.:%_\\[\\]-]+")) {
      s.error("bind", "\"" + bind + "\" is not an address (e.g. 0.0.0.0, 127.0.0.1, ::)");
      bind = "0.0.0.0";
    }
    int port = s.integer("port", 8080, 0, 65535, "; 0 = off");
    Secret token = s.secret("token", "token_file", TOKEN_ENV);
    if (token != null && token.reveal().length() < 16) {
      s.warn(s.has("token") ? "token" : "token_file", "the token is shorter than 16 characters");
    }
    boolean readToken = s.bool("read_requires_token", false);
    if (readToken && token == null && !s.has("token") && !s.has("token_file")) {
      s.error(
          "read_requires_token",
          "true needs a token (http.token, http.token_file or " + TOKEN_ENV + ")");
    }
    List<String> cors = new ArrayList<>();
    List<Section.Item> items = s.texts("cors_origins");
    if (items != null) {
      for (Section.Item item : items) {
        String o = item.text().trim();
        if (o.equals("*") || o.matches("https?://[A-Za-z0-9.-]+(:([0-9]{1,5}|\\*))?")) {
          cors.add(o);
        } else {
          s.error(
              item,
              "\""
                  + o
                  + "\" is not an origin (use * or scheme://host[:port], port * for any, no path)");
        }
      }
    }
    int maxConnections = s.integer("max_connections", 128, 4, 65_536, "");
    Duration idle =
        s.duration("idle_timeout", Duration.ofSeconds(10), ofMillis(100), ofMinutes(10));
    Path dir = dashboardDir(s);
    return new HttpOptions(
        bind,
        port,
        token,
        readToken,
        cors,
        maxConnections,
        idle,
        dir == null ? null : new Dashboard(dir, Map.of()),
        16 * 1024, // maxBodyBytes
        256, // sseQueue
        15); // heartbeatSeconds
  }

  /** {@link #bind} of an empty section. */
  public static HttpOptions defaults() {
    return Section.defaults(HttpOptions::bind);
  }

  /** {@code http.dashboard_dir}, else {@code $EDGE_AGENT_DASHBOARD_DIR}: a built dashboard. */
  private static Path dashboardDir(Section s) {
    String fromEnv = s.env(DASHBOARD_DIR_ENV);
    boolean inFile = s.has("dashboard_dir");
    if (!inFile && (fromEnv == null || fromEnv.isBlank())) {
      return null;
    }
    Path dir = inFile ? s.path("dashboard_dir") : s.path("dashboard_dir", fromEnv);
    if (dir == null) {
      return null;
    }
    String problem = null;
    if (!Files.isDirectory(dir)) {
      problem = dir + ": no such directory";
    } else if (!Files.isRegularFile(dir.resolve("index.html"))) {
      problem =
          dir
              + " has no index.html (build the dashboard: cd dashboard-static && npm ci && npm run"
              + " build)";
    }
    if (problem != null) {
      if (inFile) {
        s.error("dashboard_dir", problem);
      } else {
        s.errorWithoutLine(DASHBOARD_DIR_ENV, problem);
      }
      return null;
    }
    return dir;
  }

  public boolean enabled() {
    return port != 0;
  }

  /** The served dashboard's directory, or null. */
  public Path dashboardDir() {
    return dashboard == null ? null : dashboard.dir();
  }
}
