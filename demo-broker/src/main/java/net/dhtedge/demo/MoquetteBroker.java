package net.dhtedge.demo;

import io.moquette.broker.Server;
import io.moquette.broker.config.IConfig;
import io.moquette.broker.config.MemoryConfig;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.util.Properties;
import net.dhtedge.agent.mqtt.EmbeddedBroker;

/**
 * The agent's embedded broker ({@link EmbeddedBroker}) on Moquette, for {@code bin/edge-agent
 * demo}: a TCP listener and a WebSocket listener ({@code /mqtt}), both on 127.0.0.1 only, so
 * anonymous clients are allowed because only this machine can reach it. Persistence in a data
 * directory, or none. Moquette's telemetry is switched off. Not for production: use Mosquitto.
 *
 * <p>In a module of its own so that Moquette, Netty and h2-mvstore stay out of the agent's jar and
 * the Debian package; {@link Factory} is what the agent finds through {@code META-INF/services}.
 */
public final class MoquetteBroker implements EmbeddedBroker {

  /** What the agent's {@link java.util.ServiceLoader} finds (a public no-argument class). */
  public static final class Factory implements EmbeddedBroker.Factory {
    @Override
    public EmbeddedBroker create(Options options) {
      return new MoquetteBroker(options);
    }
  }

  private final Options options;
  private Server server;
  private int tcpPort = -1;
  private int webSocketPort = -1;

  public MoquetteBroker(Options options) {
    this.options = options;
  }

  @Override
  public synchronized void start() {
    if (server != null) {
      return;
    }
    Properties p = new Properties();
    p.setProperty(IConfig.HOST_PROPERTY_NAME, HOST);
    // Moquette 0.17 reports the configured port, not the bound one: pick free ports ourselves.
    int tcp = options.tcpPort() == 0 ? freePort() : options.tcpPort();
    p.setProperty(IConfig.PORT_PROPERTY_NAME, Integer.toString(tcp));
    int ws = options.webSocketPort() == 0 ? freePort() : options.webSocketPort();
    p.setProperty(
        IConfig.WEB_SOCKET_PORT_PROPERTY_NAME, ws < 0 ? "disabled" : Integer.toString(ws));
    p.setProperty(IConfig.WEB_SOCKET_PATH_PROPERTY_NAME, "/mqtt");
    p.setProperty(IConfig.ALLOW_ANONYMOUS_PROPERTY_NAME, "true");
    p.setProperty(IConfig.ENABLE_TELEMETRY_NAME, "false");
    if (options.dataDir() != null) {
      try {
        Files.createDirectories(options.dataDir());
      } catch (IOException e) {
        throw new UncheckedIOException(
            "cannot create the broker data directory " + options.dataDir(), e);
      }
      p.setProperty(IConfig.PERSISTENCE_ENABLED_PROPERTY_NAME, "true");
      p.setProperty(IConfig.DATA_PATH_PROPERTY_NAME, options.dataDir().toString());
    } else {
      p.setProperty(IConfig.PERSISTENCE_ENABLED_PROPERTY_NAME, "false");
    }
    Server s = new Server();
    try {
      s.startServer(new MemoryConfig(p));
    } catch (IOException | RuntimeException e) {
      try {
        s.stopServer();
      } catch (RuntimeException ignored) {
        // Half-started.
      }
      throw new IllegalStateException(
          "embedded MQTT broker could not start on "
              + HOST
              + ":"
              + tcp
              + " (WebSocket "
              + ws
              + "): "
              + e.getMessage(),
          e);
    }
    server = s;
    tcpPort = tcp;
    webSocketPort = ws;
  }

  /** {@code tcp://127.0.0.1:<port>}. */
  @Override
  public synchronized String tcpUrl() {
    requireRunning();
    return "tcp://" + HOST + ":" + tcpPort;
  }

  /** The TCP port bound. */
  @Override
  public synchronized int tcpPort() {
    requireRunning();
    return tcpPort;
  }

  /** {@code ws://127.0.0.1:<port>/mqtt}, or null when the WebSocket listener is off. */
  @Override
  public synchronized String webSocketUrl() {
    requireRunning();
    return webSocketPort < 0 ? null : "ws://" + HOST + ":" + webSocketPort + "/mqtt";
  }

  @Override
  public synchronized boolean isRunning() {
    return server != null;
  }

  /** Stops the broker; {@link #start()} may start it again. Safe to call twice. */
  @Override
  public synchronized void stop() {
    if (server == null) {
      return;
    }
    try {
      server.stopServer();
    } finally {
      server = null;
    }
  }

  @Override
  public void close() {
    stop();
  }

  private void requireRunning() {
    if (server == null) {
      throw new IllegalStateException("the embedded broker is not running");
    }
  }

  private static int freePort() {
    try (ServerSocket s = new ServerSocket()) {
      s.setReuseAddress(true);
      s.bind(new InetSocketAddress(InetAddress.getByName(HOST), 0));
      return s.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException("no free port on " + HOST, e);
    }
  }
}
