package net.dhtedge.agent.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Issue 18 item 7: a taken HTTP port is found before anything connects, and says how to fix it. */
class HttpPortTakenTest {
  @TempDir Path data;

  @Test
  void listenWithItsHttpPortTakenFailsBeforeConnectingToTheBrokerAndNamesTheOption()
      throws Exception {
    try (ServerSocket taken = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        ServerSocket broker = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
      // A real TCP listener where the broker would be: it counts every connection the agent makes.
      AtomicInteger brokerConnections = new AtomicInteger();
      Thread accept =
          Thread.ofVirtual()
              .start(
                  () -> {
                    while (!broker.isClosed()) {
                      try (Socket s = broker.accept()) {
                        brokerConnections.incrementAndGet();
                      } catch (java.io.IOException e) {
                        return;
                      }
                    }
                  });
      Path cfg = data.resolve("agent.yml");
      java.nio.file.Files.writeString(cfg, "http:\n  bind: 127.0.0.1\n");
      CliRun run =
          CliRun.of(
              "listen",
              "--config",
              cfg.toString(),
              "--data-dir",
              data.resolve("d").toString(),
              "--broker",
              "tcp://127.0.0.1:" + broker.getLocalPort(),
              "--http-port",
              String.valueOf(taken.getLocalPort()),
              "--exit-after",
              "5s");
      assertThat(run.exit()).isEqualTo(1);
      assertThat(run.err())
          .contains("cannot listen on 127.0.0.1:" + taken.getLocalPort())
          .contains("--http-port")
          .contains("http.port");
      assertThat(run.err()).doesNotContain("MQTT").doesNotContain("Exception");
      broker.close();
      accept.join();
      assertThat(brokerConnections.get()).as("connections to the broker").isZero();
    }
  }
}
