package net.dhtedge.agent.http;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Options of the agent's HTTP server.
 *
 * @param bind address to listen on (default {@code 0.0.0.0})
 * @param port TCP port; 0 turns the server off (tests use {@link #EPHEMERAL} for a free port)
 * @param maxBodyBytes largest request body accepted (default 16 KiB)
 * @param token the bearer token every POST needs (and every GET when {@code readRequiresToken});
 *     required
 * @param readRequiresToken GET endpoints need the token too (SSE also takes {@code ?token=})
 * @param corsOrigins origins allowed to read the API from a browser, exact match; {@code *} for any
 * @param sseQueue events buffered per SSE client before that client is dropped (default 256)
 * @param heartbeatSeconds seconds between SSE heartbeat comments (default 15)
 * @param maxConnections most TCP connections open at once (default 128); the one over makes room by
 *     closing the connection that has waited longest without a request
 * @param idleMillis how long a connection may sit without a complete request: the header timeout
 *     and the keep-alive idle time (default 10 s); body reads and response writes may stall 3× that
 * @param dashboard the built dashboard served at {@code /dashboard/}, or null for none
 */
public record HttpOptions(
    String bind,
    int port,
    int maxBodyBytes,
    String token,
    boolean readRequiresToken,
    List<String> corsOrigins,
    int sseQueue,
    int heartbeatSeconds,
    int maxConnections,
    long idleMillis,
    Dashboard dashboard) {

  /**
   * The static dashboard the agent serves itself, same origin as the API (so no CORS).
   *
   * @param dir the built site (dashboard-static/dist), with an index.html
   * @param defaults what {@code /dashboard/defaults.json} answers: the page's default settings
   *     (broker WebSocket URL, API base, topic prefix), below the query string and stored ones
   */
  public record Dashboard(Path dir, Map<String, Object> defaults) {
    public Dashboard {
      Objects.requireNonNull(dir, "dir");
      defaults = Map.copyOf(defaults);
    }
  }

  /** Port value that asks the OS for a free port (tests); distinct from 0, which means off. */
  public static final int EPHEMERAL = -1;

  public static final int DEFAULT_PORT = 8080;
  public static final int DEFAULT_MAX_BODY = 16 * 1024;
  public static final int DEFAULT_MAX_CONNECTIONS = 128;
  public static final long DEFAULT_IDLE_MILLIS = 10_000;

  public HttpOptions {
    if (bind == null || bind.isBlank()) {
      bind = "0.0.0.0";
    }
    if (port < EPHEMERAL || port > 65535) {
      throw new IllegalArgumentException("http port must be 0..65535, was " + port);
    }
    if (maxBodyBytes <= 0) {
      maxBodyBytes = DEFAULT_MAX_BODY;
    }
    Objects.requireNonNull(token, "token (ask TokenFile for one when none is configured)");
    if (token.isBlank()) {
      throw new IllegalArgumentException("http token must not be blank");
    }
    corsOrigins = List.copyOf(corsOrigins == null ? List.of() : corsOrigins);
    if (sseQueue <= 0) {
      sseQueue = 256;
    }
    if (heartbeatSeconds <= 0) {
      heartbeatSeconds = 15;
    }
    if (maxConnections <= 0) {
      maxConnections = DEFAULT_MAX_CONNECTIONS;
    }
    if (idleMillis <= 0) {
      idleMillis = DEFAULT_IDLE_MILLIS;
    }
  }

  /** Options with defaults for everything but the address, port and token. */
  public static HttpOptions of(String bind, int port, String token) {
    return new HttpOptions(bind, port, DEFAULT_MAX_BODY, token, false, List.of(), 0, 0, 0, 0, null);
  }

  public boolean enabled() {
    return port != 0;
  }

  @Override
  public String toString() {
    return "HttpOptions[bind="
        + bind
        + ", port="
        + port
        + ", maxBodyBytes="
        + maxBodyBytes
        + ", token=***, readRequiresToken="
        + readRequiresToken
        + ", corsOrigins="
        + corsOrigins
        + ", dashboard="
        + (dashboard == null ? null : dashboard.dir())
        + "]";
  }
}
