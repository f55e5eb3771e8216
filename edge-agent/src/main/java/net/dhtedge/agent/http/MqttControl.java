package net.dhtedge.agent.http;

import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/** The MQTT side as the HTTP API sees it: state, switching brokers, the incidents topic. */
public interface MqttControl {

  /** Told about connects and disconnects; must only enqueue. */
  interface ConnectionListener {
    void changed(boolean connected, String server, String detail);
  }

  /** State for {@code GET /mqtt/status}: connected, state, server, last_error, since, ... */
  Map<String, Object> status();

  /** Reconnects the session to these brokers; completes after the first attempt (true: up). */
  CompletableFuture<Boolean> connect(List<String> serverUris);

  /** Disconnects and stays disconnected until {@link #connect}. */
  CompletableFuture<Void> disconnect();

  void addListener(ConnectionListener listener);

  /** {@code <prefix>/incidents}. */
  String incidentsTopic();

  /** {@code <prefix>/sensor/data}. */
  String readingsTopic();

  /** QoS of published readings. */
  int readingQos();

  /** Something was queued in the outbox: publish now. */
  void signal();
}
