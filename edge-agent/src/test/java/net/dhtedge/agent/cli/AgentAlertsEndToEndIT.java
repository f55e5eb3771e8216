package net.dhtedge.agent.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;
import jakarta.mail.internet.MimeMessage;
import java.nio.file.Path;
import java.time.Duration;
import net.dhtedge.agent.config.AgentConfig;
import net.dhtedge.agent.config.ConfigLoader;
import net.dhtedge.agent.core.AgentClock;
import net.dhtedge.agent.testing.MosquittoBroker;
import net.dhtedge.agent.testing.TestClient;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The whole agent with mail (GreenMail) and Home Assistant discovery on a private Mosquitto. */
class AgentAlertsEndToEndIT {
  private static MosquittoBroker broker;
  private static GreenMail smtp;
  private static int smtpPort;
  @TempDir static Path brokerDir;

  @BeforeAll
  static void up() {
    broker = MosquittoBroker.builder(brokerDir).start();
    smtpPort = MosquittoBroker.freePort();
    smtp = new GreenMail(new ServerSetup(smtpPort, "127.0.0.1", ServerSetup.PROTOCOL_SMTP));
    smtp.start();
  }

  @AfterAll
  static void down() {
    broker.close();
    smtp.stop();
  }

  private static AgentConfig config(Path dataDir) throws Exception {
    String yaml =
        """
        agent:
          data_dir: %s
          name: gw-alerts
        mqtt:
          servers: [%s]
          client_id: agent-alerts
          reconnect_min: 200ms
          reconnect_max: 1s
        http:
          port: 0
        rules:
          defaults:
            temperature: {min: 10, max: 30, hysteresis: 0.5, debounce_count: 1}
        mail:
          enabled: true
          host: 127.0.0.1
          port: %d
          security: none
          from: agent@example.org
          to: [ops@example.org]
          rate_limit: 0s
          status_url: http://gw-alerts.lan:8080/
        homeassistant:
          prefix: hass
        """
            .formatted(dataDir, broker.url(), smtpPort);
    return new ConfigLoader().parse(yaml, "test.yml").config();
  }

  @Test
  void anEsp32ReadingAboveTheMaximumMailsOnceAndTheDeviceAppearsInHomeAssistant(@TempDir Path data)
      throws Exception {
    try (TestClient homeAssistant = TestClient.connect(broker.url(), "hass-e2e")) {
      homeAssistant.subscribe("hass/sensor/+/config", 1).subscribe("dht11/sensor/+/state", 1);
      try (Agent agent = Agent.start(config(data), Agent.Mode.LISTEN, AgentClock.system())) {
        assertThat(agent.connection().awaitConnected(Duration.ofSeconds(10))).isTrue();
        try (TestClient esp = TestClient.connect(broker.url(), "esp-alerts")) {
          esp.publish(
              "dht11/sensor/data",
              "{\"device_id\":\"esp32-a\",\"seq\":1,\"temperature\":31.5,\"humidity\":40}",
              1,
              false);
        }
        await().atMost(Duration.ofSeconds(30)).until(() -> smtp.getReceivedMessages().length == 1);
        MimeMessage m = smtp.getReceivedMessages()[0];
        assertThat(m.getSubject()).isEqualTo("[gw-alerts] esp32-a: temperature_max opened (31.5)");
        await()
            .atMost(Duration.ofSeconds(15))
            .until(
                () ->
                    !homeAssistant
                            .payloads("hass/sensor/dhtedge_esp32-a_temperature/config")
                            .isEmpty()
                        && !homeAssistant.payloads("dht11/sensor/esp32-a/state").isEmpty());
        assertThat(homeAssistant.payloads("dht11/sensor/esp32-a/state").get(0))
            .contains("\"temperature\":31.5");
        assertThat(agent.status().mail()).isNotNull();
      }
      assertThat(smtp.getReceivedMessages()).hasSize(1);
    }
  }
}
