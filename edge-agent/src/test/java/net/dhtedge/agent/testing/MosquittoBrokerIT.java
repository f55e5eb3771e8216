package net.dhtedge.agent.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import java.net.Socket;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MosquittoBrokerIT {

  @Test
  void aMissingBinaryFailsWithAMessageSayingWhatToInstall(@TempDir Path dir) {
    MosquittoBroker b = MosquittoBroker.builder(dir).binary(dir.resolve("no-mosquitto")).build();
    assertThatThrownBy(b::start)
        .hasMessageContaining("mosquitto not found")
        .hasMessageContaining("apt-get install");
  }

  @Test
  void itRestartsOnTheSamePortAndCloseKillsIt(@TempDir Path dir) throws Exception {
    MosquittoBroker b = MosquittoBroker.builder(dir).webSockets(true).start();
    try {
      int port = b.port();
      b.stop();
      assertThat(b.isRunning()).isFalse();
      b.start();
      assertThat(b.port()).isEqualTo(port);
      try (Socket s = new Socket(InetAddress.getLoopbackAddress(), port)) {
        assertThat(s.isConnected()).isTrue();
      }
      try (TestClient ws = TestClient.connect(b.webSocketUrl(), "ws")) {
        ws.publish("x", "y", 1, false);
      }
    } finally {
      b.close();
      b.close();
    }
    assertThat(b.isRunning()).isFalse();
  }
}
