package net.dhtedge.agent.http;

/**
 * Options of the agent's HTTP server.
 *
 * @param bind address to listen on (default {@code 0.0.0.0})
 * @param port TCP port; 0 turns the server off (tests use {@link #EPHEMERAL} for a free port)
 * @param maxBodyBytes largest request body accepted (default 16 KiB)
 */
public record HttpOptions(String bind, int port, int maxBodyBytes) {

  /** Port value that asks the OS for a free port (tests); distinct from 0, which means off. */
  public static final int EPHEMERAL = -1;

  public static final int DEFAULT_PORT = 8080;

  public HttpOptions {
    if (bind == null || bind.isBlank()) {
      bind = "0.0.0.0";
    }
    if (port < EPHEMERAL || port > 65535) {
      throw new IllegalArgumentException("http port must be 0..65535, was " + port);
    }
    if (maxBodyBytes <= 0) {
      maxBodyBytes = 16 * 1024;
    }
  }

  public static HttpOptions defaults() {
    return new HttpOptions("0.0.0.0", DEFAULT_PORT, 16 * 1024);
  }

  public boolean enabled() {
    return port != 0;
  }
}
