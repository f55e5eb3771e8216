package net.dhtedge.agent.testing;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.eclipse.paho.client.mqttv3.IMqttDeliveryToken;
import org.eclipse.paho.client.mqttv3.MqttAsyncClient;
import org.eclipse.paho.client.mqttv3.MqttCallbackExtended;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.client.mqttv3.MqttException;
import org.eclipse.paho.client.mqttv3.MqttMessage;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;

/**
 * A plain Paho client playing the other side in tests (an ESP32, a dashboard): publishes, and
 * records everything it receives. Uses Paho's own automatic reconnect, which is fine for a test
 * observer.
 */
public final class TestClient implements AutoCloseable {

  /** One received message. */
  public record Received(String topic, String payload, boolean retained, boolean duplicate) {}

  private final MqttAsyncClient client;
  private final List<Received> received = new ArrayList<>();
  private final List<String[]> subscriptions = new ArrayList<>();

  private TestClient(String url, String clientId, boolean cleanSession) throws MqttException {
    this(url, clientId, cleanSession, null, null);
  }

  private TestClient(
      String url, String clientId, boolean cleanSession, String user, String password)
      throws MqttException {
    client = new MqttAsyncClient(url, clientId, new MemoryPersistence());
    client.setCallback(
        new MqttCallbackExtended() {
          @Override
          public void connectComplete(boolean reconnect, String serverURI) {
            if (reconnect) {
              try {
                for (String[] s : subscriptions) {
                  client.subscribe(s[0], Integer.parseInt(s[1]));
                }
              } catch (MqttException e) {
                // The next reconnect tries again.
              }
            }
          }

          @Override
          public void connectionLost(Throwable cause) {}

          @Override
          public void messageArrived(String topic, MqttMessage m) {
            synchronized (received) {
              received.add(
                  new Received(
                      topic,
                      new String(m.getPayload(), StandardCharsets.UTF_8),
                      m.isRetained(),
                      m.isDuplicate()));
            }
          }

          @Override
          public void deliveryComplete(IMqttDeliveryToken token) {}
        });
    MqttConnectOptions o = new MqttConnectOptions();
    o.setCleanSession(cleanSession);
    o.setAutomaticReconnect(true);
    o.setMaxReconnectDelay(500);
    o.setMaxInflight(1000);
    o.setMqttVersion(MqttConnectOptions.MQTT_VERSION_3_1_1);
    if (user != null) {
      o.setUserName(user);
      o.setPassword(password.toCharArray());
    }
    client.connect(o).waitForCompletion(10_000);
  }

  /** Connects with a clean session. */
  public static TestClient connect(String url, String clientId) {
    return connect(url, clientId, true);
  }

  public static TestClient connect(String url, String clientId, boolean cleanSession) {
    try {
      return new TestClient(url, clientId, cleanSession);
    } catch (MqttException e) {
      throw new IllegalStateException("test client could not connect to " + url, e);
    }
  }

  /** Connects as a user (clean session). */
  public static TestClient connect(String url, String clientId, String user, String password) {
    try {
      return new TestClient(url, clientId, true, user, password);
    } catch (MqttException e) {
      throw new IllegalStateException("test client could not connect to " + url + " as " + user, e);
    }
  }

  public TestClient subscribe(String filter, int qos) {
    try {
      subscriptions.add(new String[] {filter, Integer.toString(qos)});
      client.subscribe(filter, qos).waitForCompletion(10_000);
      return this;
    } catch (MqttException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Publishes and waits until the broker has it (QoS 1) or it was sent (QoS 0). */
  public void publish(String topic, byte[] payload, int qos, boolean retained) {
    try {
      client.publish(topic, payload, qos, retained).waitForCompletion(10_000);
    } catch (MqttException e) {
      throw new IllegalStateException(e);
    }
  }

  public void publish(String topic, String payload, int qos, boolean retained) {
    publish(topic, payload.getBytes(StandardCharsets.UTF_8), qos, retained);
  }

  /** Publishes many QoS 1 messages with up to 500 in flight, then waits for all. */
  public void publishAll(String topic, List<byte[]> payloads) {
    try {
      List<IMqttDeliveryToken> tokens = new ArrayList<>();
      for (byte[] p : payloads) {
        tokens.add(publishWhenThereIsRoom(topic, p, tokens));
        if (tokens.size() >= 500) {
          for (IMqttDeliveryToken t : tokens) {
            t.waitForCompletion(30_000);
          }
          tokens.clear();
        }
      }
      for (IMqttDeliveryToken t : tokens) {
        t.waitForCompletion(30_000);
      }
    } catch (MqttException e) {
      throw new IllegalStateException(e);
    }
  }

  /**
   * Publishes at QoS 1; when Paho's in-flight window is full (32202, seen on a loaded machine with
   * PUBACKs of the previous window still being processed) waits for the outstanding ones first, as
   * a well-behaved publisher does, instead of failing.
   */
  private IMqttDeliveryToken publishWhenThereIsRoom(
      String topic, byte[] p, List<IMqttDeliveryToken> outstanding) throws MqttException {
    for (int attempt = 0; ; attempt++) {
      try {
        return client.publish(topic, p, 1, false);
      } catch (MqttException e) {
        if (e.getReasonCode() != MqttException.REASON_CODE_MAX_INFLIGHT || attempt >= 100) {
          throw e;
        }
        for (IMqttDeliveryToken t : outstanding) {
          t.waitForCompletion(30_000);
        }
        try {
          Thread.sleep(50);
        } catch (InterruptedException ie) {
          Thread.currentThread().interrupt();
          throw e;
        }
      }
    }
  }

  public List<Received> received() {
    synchronized (received) {
      return List.copyOf(received);
    }
  }

  public List<String> payloads(String topic) {
    return received().stream().filter(r -> r.topic().equals(topic)).map(Received::payload).toList();
  }

  @Override
  public void close() {
    try {
      if (client.isConnected()) {
        client.disconnect().waitForCompletion(5_000);
      }
      client.close(true);
    } catch (MqttException e) {
      // Test teardown.
    }
  }
}
