package net.dhtedge.agent.config;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * The {@code mqtt:} section.
 *
 * @param enabled false: no MQTT at all (no publishing, no ingest)
 * @param embedded true: run the built-in broker and connect to it ({@code servers: [embedded]});
 *     {@code servers} is then empty
 * @param servers broker URIs ({@code tcp://}, {@code ssl://}, {@code ws://}, {@code wss://}), tried
 *     in order
 * @param clientId the MQTT client id as written in {@code mqtt.client_id}, or null for the default:
 *     one per data dir, generated once and kept there ({@code cli.ClientIdFile})
 * @param username null for none
 * @param password null for none
 * @param topicPrefix first topic level(s), e.g. {@code dht11} gives {@code dht11/sensor/data}
 * @param readingQos QoS of published readings, 0 or 1
 * @param subscribe ingest readings published by other devices (ESP32s) on {@code
 *     <prefix>/sensor/data}
 * @param defaultDevice device id for bare payloads without {@code device_id}
 * @param keepAlive MQTT keep-alive, whole seconds (0 disables)
 * @param reconnectMin first reconnect back-off
 * @param reconnectMax largest reconnect back-off
 * @param drainRate messages per second when the outbox drains after an outage
 * @param tls certificates for {@code ssl://} and {@code wss://}
 */
public record MqttConfig(
    boolean enabled,
    boolean embedded,
    List<URI> servers,
    String clientId,
    String username,
    Secret password,
    String topicPrefix,
    int readingQos,
    boolean subscribe,
    String defaultDevice,
    Duration keepAlive,
    Duration reconnectMin,
    Duration reconnectMax,
    int drainRate,
    TlsConfig tls) {

  public static final URI DEFAULT_SERVER = URI.create("tcp://localhost:1883");

  public MqttConfig {
    servers = List.copyOf(servers);
    Objects.requireNonNull(topicPrefix, "topicPrefix");
    Objects.requireNonNull(defaultDevice, "defaultDevice");
    Objects.requireNonNull(keepAlive, "keepAlive");
    Objects.requireNonNull(reconnectMin, "reconnectMin");
    Objects.requireNonNull(reconnectMax, "reconnectMax");
    Objects.requireNonNull(tls, "tls");
  }

  /** Connect to the given servers (or the embedded broker when {@code servers} is empty). */
  public MqttConfig withServers(boolean useEmbedded, List<URI> uris) {
    return new MqttConfig(
        true,
        useEmbedded,
        uris,
        clientId,
        username,
        password,
        topicPrefix,
        readingQos,
        subscribe,
        defaultDevice,
        keepAlive,
        reconnectMin,
        reconnectMax,
        drainRate,
        tls);
  }
}
