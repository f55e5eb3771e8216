package net.dhtedge.agent.config;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * The {@code http:} section.
 *
 * @param bind the address to listen on
 * @param port TCP port; 0 turns the HTTP server off
 * @param token bearer token required for changes (and for reads when {@code readRequiresToken}), or
 *     null for none
 * @param readRequiresToken also require the token for reading (status, readings, incidents)
 * @param corsOrigins origins allowed by CORS ({@code *} for any); empty: no CORS headers
 * @param maxConnections most HTTP connections open at once
 * @param idleTimeout how long a connection may sit without a complete request
 * @param dashboardDir the built dashboard (dashboard-static/dist) served at {@code /dashboard/}, or
 *     null for none
 */
public record HttpConfig(
    String bind,
    int port,
    Secret token,
    boolean readRequiresToken,
    List<String> corsOrigins,
    int maxConnections,
    Duration idleTimeout,
    Path dashboardDir) {

  public static final HttpConfig DEFAULTS =
      new HttpConfig("0.0.0.0", 8080, null, false, List.of(), 128, Duration.ofSeconds(10), null);

  public HttpConfig {
    Objects.requireNonNull(bind, "bind");
    corsOrigins = List.copyOf(corsOrigins);
  }

  /** False when {@code port} is 0. */
  public boolean enabled() {
    return port != 0;
  }

  public HttpConfig withPort(int p) {
    return new HttpConfig(
        bind, p, token, readRequiresToken, corsOrigins, maxConnections, idleTimeout, dashboardDir);
  }

  public HttpConfig withCorsOrigins(List<String> origins) {
    return new HttpConfig(
        bind, port, token, readRequiresToken, origins, maxConnections, idleTimeout, dashboardDir);
  }
}
