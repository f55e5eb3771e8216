package net.dhtedge.agent.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import net.dhtedge.agent.testing.MosquittoBroker;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code edge-agent demo} as a new user meets it: what the banner says and what it does. */
class DemoCommandIT {
  @TempDir Path dir;

  /** Issue 18 item 5: with 1883 taken the banner names the fixed fallback and says why. */
  @Test
  void withPort1883TakenTheBannerPrintsTheFallbackPortAndSaysSo() throws Exception {
    try (ServerSocket held = holdIfFree(1883)) {
      CliRun run =
          CliRun.of(
              "demo",
              "--data-dir",
              dir.resolve("data").toString(),
              "--http-port",
              String.valueOf(MosquittoBroker.freePort()),
              "--exit-after",
              "3s");
      assertThat(run.exit()).as(run.err()).isZero();
      String tcp =
          run.lines().stream().filter(l -> l.startsWith("  MQTT (TCP):")).findFirst().orElseThrow();
      assertThat(tcp).contains("(embedded broker; 1883 is taken)");
      int port = Integer.parseInt(tcp.replaceAll(".*tcp://127\\.0\\.0\\.1:(\\d+).*", "$1"));
      assertThat(port).isNotEqualTo(1883);
      if (port > 1887) {
        // Only when every fixed fallback was taken (by other processes on this shared machine).
        for (int p = 1884; p <= 1887; p++) {
          assertThat(net.dhtedge.agent.mqtt.EmbeddedBroker.firstFreePort(p, 1))
              .as("port " + p)
              .isZero();
        }
      } else {
        assertThat(port).isBetween(1884, 1887);
      }
      assertThat(run.lines())
          .anySatisfy(l -> assertThat(l).contains("--broker tcp://127.0.0.1:" + port));
    }
  }

  /** A socket held on the port for the test, or null when another process already holds it. */
  static ServerSocket holdIfFree(int port) {
    ServerSocket s = null;
    try {
      s = new ServerSocket();
      s.bind(new InetSocketAddress("127.0.0.1", port));
      return s;
    } catch (IOException e) {
      try {
        s.close();
      } catch (IOException ignored) {
        // not bound
      }
      return null;
    }
  }
}
