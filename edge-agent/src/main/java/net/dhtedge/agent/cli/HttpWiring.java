package net.dhtedge.agent.cli;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Consumer;
import net.dhtedge.agent.config.AgentConfig;
import net.dhtedge.agent.config.Secret;
import net.dhtedge.agent.core.Records;
import net.dhtedge.agent.http.ApiBackend;
import net.dhtedge.agent.http.ApiServer;
import net.dhtedge.agent.http.HttpOptions;
import net.dhtedge.agent.http.TokenFile;

/** Builds the HTTP server's options from the configuration (token from config or token file). */
final class HttpWiring {
  private HttpWiring() {}

  /**
   * Fails at once, with the option that changes it, when the HTTP port cannot be bound: called
   * before the store opens or MQTT connects, so a taken port is the first and only thing said. The
   * real bind follows a moment later (and says the same if the port was taken in between).
   */
  static void checkPort(HttpOptions h) {
    if (!h.enabled() || h.port() == HttpOptions.EPHEMERAL) {
      return;
    }
    try (java.net.ServerSocket s = new java.net.ServerSocket()) {
      s.setReuseAddress(true);
      s.bind(new java.net.InetSocketAddress(h.bind(), h.port()));
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(cannotListen(h, e.getMessage()), e);
    }
  }

  static String cannotListen(HttpOptions h, String why) {
    return "cannot listen on "
        + h.bind()
        + ":"
        + h.port()
        + " ("
        + why
        + "); choose another port with --http-port N or http.port in the configuration"
        + " (0 turns HTTP off)";
  }

  /**
   * Starts the server.
   *
   * @param onNewToken told the token when this start generated it (to print it once)
   * @param dashboardBroker the broker's WebSocket URL for the served dashboard, or null (the page
   *     then uses its own default, {@code ws://<host>:8083/mqtt})
   */
  static ApiServer start(
      AgentConfig config,
      Path dataDir,
      Consumer<String> onNewToken,
      ApiBackend backend,
      String dashboardBroker) {
    HttpOptions h = config.http();
    Secret token = h.token();
    if (token == null) {
      TokenFile.Loaded t = TokenFile.loadOrCreate(dataDir);
      token = new Secret(t.token(), Secret.Origin.FILE);
      if (t.created()) {
        onNewToken.accept(t.token());
      }
    }
    HttpOptions o =
        Records.with(h, "token", token, "dashboard", dashboard(config, dashboardBroker));
    return new ApiServer(o, backend);
  }

  /** The served dashboard and its defaults.json, or null when none is configured. */
  static HttpOptions.Dashboard dashboard(AgentConfig config, String broker) {
    Path dir = config.http().dashboardDir();
    if (dir == null) {
      return null;
    }
    Map<String, Object> d = new LinkedHashMap<>();
    d.put("api", "/"); // resolved against the page: this agent, same origin
    d.put("prefix", config.mqtt().topicPrefix());
    if (broker != null) {
      d.put("broker", broker);
    }
    return new HttpOptions.Dashboard(dir, d);
  }
}
