package net.dhtedge.agent.cli;

import java.util.UUID;
import org.eclipse.paho.client.mqttv3.MqttAsyncClient;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.client.mqttv3.MqttException;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;

/** A short-lived Paho client for the CLI's publish and simulate commands. */
final class BrokerClient {
  private BrokerClient() {}

  static MqttAsyncClient connect(String url, String prefix, int maxInflight) throws MqttException {
    MqttAsyncClient client =
        new MqttAsyncClient(
            url,
            "edge-agent-cli-" + UUID.randomUUID().toString().substring(0, 8),
            new MemoryPersistence());
    MqttConnectOptions o = new MqttConnectOptions();
    o.setCleanSession(true);
    o.setAutomaticReconnect(false);
    o.setConnectionTimeout(5);
    o.setMaxInflight(maxInflight);
    String user = System.getenv("EDGE_AGENT_MQTT_USERNAME");
    String pass = System.getenv("EDGE_AGENT_MQTT_PASSWORD");
    if (user != null && !user.isEmpty()) {
      o.setUserName(user);
      if (pass != null) {
        o.setPassword(pass.toCharArray());
      }
    }
    client.connect(o).waitForCompletion(10_000);
    return client;
  }

  static String explain(MqttException e) {
    return switch (e.getReasonCode()) {
      case MqttException.REASON_CODE_FAILED_AUTHENTICATION,
          MqttException.REASON_CODE_NOT_AUTHORIZED ->
          "the broker refused the credentials (set EDGE_AGENT_MQTT_USERNAME/PASSWORD)";
      case MqttException.REASON_CODE_SERVER_CONNECT_ERROR,
          MqttException.REASON_CODE_CLIENT_TIMEOUT ->
          "cannot reach the broker" + (e.getCause() == null ? "" : " (" + e.getCause() + ")");
      default -> e.getMessage() + (e.getCause() == null ? "" : " (" + e.getCause() + ")");
    };
  }
}
