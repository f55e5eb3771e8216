package net.dhtedge.agent.mqtt;

import io.moquette.broker.Server;
import io.moquette.broker.config.IConfig;
import io.moquette.broker.config.MemoryConfig;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;

/**
 * A Moquette MQTT broker inside the agent, for {@code bin/edge-agent demo}: a TCP listener and a
 * WebSocket listener ({@code /mqtt}), both on 127.0.0.1 only, so anonymous clients are allowed
 * because only this machine can reach it. Persistence in a data directory, or none. Moquette's
 * telemetry is switched off. Not for production: use Mosquitto.
 */
public final class EmbeddedBroker implements AutoCloseable {

  /**
   * @param tcpPort 0 picks a free port
   * @param webSocketPort 0 picks a free port, -1 disables the WebSocket listener
   * @param dataDir where Moquette keeps sessions and retained messages; null keeps them in memory
   */
  public record Options(int tcpPort, int webSocketPort, Path dataDir) {
    public Options {
      if (tcpPort < 0 || tcpPort > 65535) {
        throw new IllegalArgumentException("broker TCP port must be 0..65535: " + tcpPort);
      }
      if (webSocketPort < -1 || webSocketPort > 65535) {
        throw new IllegalArgumentException(
            "broker WebSocket port must be -1 (off) or 0..65535: " + webSocketPort);
      }
    }
  }

  private static final String HOST = "127.0.0.1";

  /** The demo broker's TCP port when it is free: MQTT's registered port. */
  public static final int DEFAULT_TCP_PORT = 1883;

  /** The demo broker's WebSocket port when it is free (the dashboard's default). */
  public static final int DEFAULT_WEB_SOCKET_PORT = 8083;

  /** How many ports from a default are tried, in order, before the OS picks one. */
  public static final int PORTS_TRIED = 5;

  /**
   * The first of {@code wanted, wanted + 1, ..., wanted + count - 1} that is free on 127.0.0.1,
   * else 0 (the OS picks one). The same few ports each start, so printed commands keep working.
   */
  public static int firstFreePort(int wanted, int count) {
    for (int p = wanted; p < wanted + count && p <= 65535; p++) {
      if (isFree(p)) {
        return p;
      }
    }
    return 0;
  }

  private static boolean isFree(int port) {
    try (ServerSocket s = new ServerSocket()) {
      s.setReuseAddress(true);
      s.bind(new InetSocketAddress(InetAddress.getByName(HOST), port));
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  private final Options options;
  private Server server;
  private int tcpPort = -1;
  private int webSocketPort = -1;

  public EmbeddedBroker(Options options) {
    this.options = options;
  }

  /** Starts the broker (does nothing if it runs). */
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
  public synchronized String tcpUrl() {
    requireRunning();
    return "tcp://" + HOST + ":" + tcpPort;
  }

  /** The TCP port bound. */
  public synchronized int tcpPort() {
    requireRunning();
    return tcpPort;
  }

  /** {@code ws://127.0.0.1:<port>/mqtt}, or null when the WebSocket listener is off. */
  public synchronized String webSocketUrl() {
    requireRunning();
    return webSocketPort < 0 ? null : "ws://" + HOST + ":" + webSocketPort + "/mqtt";
  }

  public synchronized boolean isRunning() {
    return server != null;
  }

  /** Stops the broker; {@link #start()} may start it again. Safe to call twice. */
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
