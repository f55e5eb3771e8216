package net.dhtedge.agent.mqtt;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.util.Optional;
import java.util.ServiceLoader;

/**
 * An MQTT broker inside the agent, for {@code bin/edge-agent demo} ({@code mqtt.servers:
 * embedded}): a TCP listener and a WebSocket listener ({@code /mqtt}), both on 127.0.0.1 only.
 *
 * <p>The implementation (Moquette, with Netty and h2-mvstore: about 8 MB unpacked) lives in the
 * {@code demo-broker} module and its jar ({@code demo-broker/target/edge-agent-demo.jar}, which
 * {@code bin/edge-agent demo} runs in a clone), not in the agent's jar or the Debian package that
 * goes onto every Raspberry Pi. It is found with {@link ServiceLoader} (one {@link Factory} in
 * {@code META-INF/services}); without it, {@link #create} says what to do instead.
 */
public interface EmbeddedBroker extends AutoCloseable {

  /**
   * @param tcpPort 0 picks a free port
   * @param webSocketPort 0 picks a free port, -1 disables the WebSocket listener
   * @param dataDir where the broker keeps sessions and retained messages; null keeps them in memory
   */
  record Options(int tcpPort, int webSocketPort, Path dataDir) {
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

  /** Makes brokers; the demo-broker module registers one in {@code META-INF/services}. */
  interface Factory {
    EmbeddedBroker create(Options options);
  }

  /** The address both listeners bind: loopback only. */
  String HOST = "127.0.0.1";

  /** The demo broker's TCP port when it is free: MQTT's registered port. */
  int DEFAULT_TCP_PORT = 1883;

  /** The demo broker's WebSocket port when it is free (the dashboard's default). */
  int DEFAULT_WEB_SOCKET_PORT = 8083;

  /** How many ports from a default are tried, in order, before the OS picks one. */
  int PORTS_TRIED = 5;

  /** What a jar without the demo broker (the Debian package's) says instead of starting one. */
  String MISSING =
      "this edge-agent has no embedded MQTT broker (the Debian package leaves it out to keep the"
          + " jar small on a Pi). Point the agent at a broker instead: --broker"
          + " tcp://HOST:1883, or mqtt.servers in the configuration (Mosquitto: sudo apt install"
          + " mosquitto, then --broker tcp://localhost:1883). To try everything on one machine,"
          + " run bin/edge-agent demo from a clone of the source, which includes the broker.";

  /** The registered factory, when this jar has one. */
  static Optional<Factory> factory() {
    return ServiceLoader.load(Factory.class, EmbeddedBroker.class.getClassLoader()).findFirst();
  }

  /** True when this jar can run an embedded broker. */
  static boolean available() {
    return factory().isPresent();
  }

  /**
   * A broker with these options, not started yet.
   *
   * @throws IllegalStateException with {@link #MISSING} when this jar has no broker
   */
  static EmbeddedBroker create(Options options) {
    return factory().orElseThrow(() -> new IllegalStateException(MISSING)).create(options);
  }

  /**
   * The first of {@code wanted, wanted + 1, ..., wanted + count - 1} that is free on 127.0.0.1,
   * else 0 (the OS picks one). The same few ports each start, so printed commands keep working.
   */
  static int firstFreePort(int wanted, int count) {
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

  /** Starts the broker (does nothing if it runs). */
  void start();

  /** {@code tcp://127.0.0.1:<port>}. */
  String tcpUrl();

  /** The TCP port bound. */
  int tcpPort();

  /** {@code ws://127.0.0.1:<port>/mqtt}, or null when the WebSocket listener is off. */
  String webSocketUrl();

  boolean isRunning();

  /** Stops the broker; {@link #start()} may start it again. Safe to call twice. */
  void stop();

  /** The same as {@link #stop()}: safe to call twice. */
  @Override
  void close();
}
