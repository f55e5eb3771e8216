package net.dhtedge.agent.mqtt;

/** A failed MQTT operation, with the client library's reason code when it has one. */
public final class MqttPortException extends Exception {

  /** Reason code when the library gave none. */
  public static final int UNKNOWN = -1;

  private final int reasonCode;

  public MqttPortException(String message, int reasonCode, Throwable cause) {
    super(message, cause);
    this.reasonCode = reasonCode;
  }

  /** The library's reason code (Paho: 4 bad credentials, 5 not authorized, ...), or -1. */
  public int reasonCode() {
    return reasonCode;
  }
}
