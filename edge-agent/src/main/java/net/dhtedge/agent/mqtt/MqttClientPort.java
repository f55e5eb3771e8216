package net.dhtedge.agent.mqtt;

import java.time.Duration;

/**
 * The seam in front of the MQTT client library (Paho in production and in the tests, which run it
 * against a real Mosquitto). Only what the agent uses; every method but {@link #connect} and {@link
 * #subscribe} returns without waiting for the network.
 */
public interface MqttClientPort extends AutoCloseable {

  /** Events from the client. Implementations of the port never let these throw into the library. */
  interface Events {
    /** The connection broke (not called for {@link #disconnect}). */
    void connectionLost(Throwable cause);

    /** A message arrived; QoS 1 messages must be {@link #ack acked} later. */
    void messageArrived(InboundMessage message);
  }

  /** One received message. */
  record InboundMessage(
      String topic, int messageId, int qos, byte[] payload, boolean retained, boolean duplicate) {}

  /** The outcome of one publish; called on a library thread, must be quick and must not throw. */
  interface PublishCallback {
    /** QoS 1: the broker acknowledged it. QoS 0: it was written to the socket. */
    void delivered();

    /** It was not delivered (disconnected, rejected). */
    void failed(Throwable cause);
  }

  /** A Last Will: published by the broker, retained, when we vanish without a DISCONNECT. */
  record Will(String topic, byte[] payload, int qos, boolean retained) {}

  /** Where events go; call once before the first connect. */
  void setEvents(Events events);

  /**
   * Connects (tries each server URI in order), waiting up to the options' connect timeout.
   *
   * @return the URI connected to
   */
  String connect(MqttOptions options, Will will) throws MqttPortException;

  /** Subscribes and waits for the SUBACK. */
  void subscribe(String filter, int qos, Duration timeout) throws MqttPortException;

  /** Starts a publish; the callback tells how it ended. */
  void publish(String topic, byte[] payload, int qos, boolean retained, PublishCallback callback)
      throws MqttPortException;

  /** Acknowledges a received QoS 1 message (manual acks). */
  void ack(int messageId, int qos) throws MqttPortException;

  /** Sends DISCONNECT (the will is not published), waiting at most {@code quiesce}. */
  void disconnect(Duration quiesce);

  boolean isConnected();

  /** Releases the client for good; safe to call twice. */
  @Override
  void close();
}
