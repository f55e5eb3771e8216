package net.dhtedge.agent.mqtt;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;
import org.eclipse.paho.client.mqttv3.IMqttActionListener;
import org.eclipse.paho.client.mqttv3.IMqttDeliveryToken;
import org.eclipse.paho.client.mqttv3.IMqttToken;
import org.eclipse.paho.client.mqttv3.MqttAsyncClient;
import org.eclipse.paho.client.mqttv3.MqttCallback;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.client.mqttv3.MqttException;
import org.eclipse.paho.client.mqttv3.MqttMessage;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@link MqttClientPort} over Paho's {@link MqttAsyncClient} (MQTT 3.1.1), with manual acks and
 * Paho's own automatic reconnect off (the agent reconnects with its own backoff).
 *
 * <p>Persistence is {@link MemoryPersistence}: Paho keeps unacknowledged outgoing QoS 1 messages in
 * memory and resends them after a reconnect of this same client; across a process restart they are
 * not lost either, because the durable copy is in the agent's outbox, which only forgets a message
 * once the broker confirmed it. A file store would only duplicate that (and wear the SD card).
 */
public final class PahoClientPort implements MqttClientPort {

  private static final Logger LOG = LoggerFactory.getLogger(PahoClientPort.class);

  private final MqttAsyncClient client;
  private final javax.net.ssl.SSLSocketFactory tls;
  private volatile Events events;
  private volatile boolean closed;

  /** Creates the Paho client for the options' first URI and client id (no connection yet). */
  public PahoClientPort(MqttOptions options) {
    // Built here so a bad certificate file stops the start-up with its name, not a retry loop.
    tls = options.usesTls() ? BrokerTls.socketFactory(options.tls()) : null;
    try {
      client =
          new MqttAsyncClient(
              options.serverUris().get(0), options.clientId(), new MemoryPersistence());
    } catch (MqttException e) {
      throw new IllegalArgumentException(
          "mqtt: cannot create the client for " + options.serverUris() + ": " + describe(e), e);
    }
    client.setManualAcks(true);
    client.setCallback(new Adapter());
  }

  @Override
  public void setEvents(Events events) {
    this.events = Objects.requireNonNull(events, "events");
  }

  @Override
  public String connect(MqttOptions o, Will will) throws MqttPortException {
    MqttConnectOptions c = new MqttConnectOptions();
    c.setServerURIs(o.serverUris().toArray(String[]::new));
    c.setMqttVersion(MqttConnectOptions.MQTT_VERSION_3_1_1);
    c.setCleanSession(o.cleanSession());
    c.setKeepAliveInterval((int) o.keepAlive().toSeconds());
    c.setConnectionTimeout((int) Math.max(1, o.connectTimeout().toSeconds()));
    c.setAutomaticReconnect(false);
    // Room for the publisher's window plus status messages and redeliveries.
    c.setMaxInflight(o.inflightWindow() + 10);
    if (o.username() != null) {
      c.setUserName(o.username());
    }
    char[] pw = o.password();
    if (pw != null) {
      c.setPassword(pw);
    }
    if (tls != null) {
      c.setSocketFactory(tls);
      // Paho then sets the endpoint identification algorithm HTTPS on the socket, so the JDK
      // checks the certificate's names against the host during the handshake.
      c.setHttpsHostnameVerificationEnabled(o.tls().verifyHostname());
      if (!o.tls().verifyHostname()) {
        c.setSSLHostnameVerifier((host, session) -> true);
      }
    } else {
      c.setSocketFactory(BufferedSocketFactory.INSTANCE);
    }
    if (will != null) {
      c.setWill(will.topic(), will.payload(), will.qos(), will.retained());
    }
    try {
      IMqttToken token = client.connect(c);
      // Paho applies the timeout per URI; allow every URI its turn plus a margin.
      long waitMs = o.connectTimeout().toMillis() * o.serverUris().size() + 2_000;
      token.waitForCompletion(waitMs);
      if (!client.isConnected()) {
        throw new MqttPortException("not connected after " + waitMs + " ms", 32000, null);
      }
      String uri = client.getCurrentServerURI();
      return uri == null ? o.serverUris().get(0) : uri;
    } catch (MqttException e) {
      throw connectFailure(e, o);
    } finally {
      if (pw != null) {
        java.util.Arrays.fill(pw, '\0');
      }
    }
  }

  @Override
  public void subscribe(String filter, int qos, Duration timeout) throws MqttPortException {
    try {
      IMqttToken t = client.subscribe(filter, qos);
      t.waitForCompletion(timeout.toMillis());
      int[] granted = t.getGrantedQos();
      if (granted != null && granted.length > 0 && granted[0] == 0x80) {
        throw new MqttPortException("the broker refused the subscription to " + filter, 128, null);
      }
    } catch (MqttException e) {
      throw wrap(e);
    }
  }

  @Override
  public void publish(
      String topic, byte[] payload, int qos, boolean retained, PublishCallback callback)
      throws MqttPortException {
    try {
      client.publish(
          topic,
          payload,
          qos,
          retained,
          null,
          new IMqttActionListener() {
            @Override
            public void onSuccess(IMqttToken asyncActionToken) {
              try {
                callback.delivered();
              } catch (RuntimeException e) {
                LOG.error("publish callback failed", e);
              }
            }

            @Override
            public void onFailure(IMqttToken asyncActionToken, Throwable exception) {
              try {
                callback.failed(exception);
              } catch (RuntimeException e) {
                LOG.error("publish callback failed", e);
              }
            }
          });
    } catch (MqttException e) {
      throw wrap(e);
    }
  }

  @Override
  public void ack(int messageId, int qos) throws MqttPortException {
    try {
      client.messageArrivedComplete(messageId, qos);
    } catch (MqttException e) {
      throw wrap(e);
    }
  }

  @Override
  public void disconnect(Duration quiesce) {
    if (!client.isConnected()) {
      return;
    }
    try {
      client.disconnect(quiesce.toMillis()).waitForCompletion(quiesce.toMillis() + 1_000);
    } catch (MqttException e) {
      LOG.debug("clean disconnect failed ({}); closing the socket", describe(e));
      try {
        client.disconnectForcibly(0, 1_000, false);
      } catch (MqttException ignored) {
        // Already gone.
      }
    }
  }

  @Override
  public boolean isConnected() {
    return client.isConnected();
  }

  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    try {
      if (client.isConnected()) {
        client.disconnectForcibly(0, 1_000, false);
      }
      client.close(true);
    } catch (MqttException e) {
      LOG.debug("closing the MQTT client: {}", describe(e));
    }
  }

  /** A one-line description of a Paho failure, for logs without stack traces. */
  static String describe(MqttException e) {
    String text =
        switch (e.getReasonCode()) {
          case MqttException.REASON_CODE_FAILED_AUTHENTICATION ->
              "the broker refused the user name or password";
          case MqttException.REASON_CODE_NOT_AUTHORIZED -> "the broker says we are not authorized";
          case MqttException.REASON_CODE_INVALID_CLIENT_ID -> "the broker refused the client id";
          case MqttException.REASON_CODE_BROKER_UNAVAILABLE -> "the broker is unavailable";
          case MqttException.REASON_CODE_INVALID_PROTOCOL_VERSION ->
              "the broker does not speak MQTT 3.1.1";
          case MqttException.REASON_CODE_SERVER_CONNECT_ERROR -> "cannot reach the broker";
          case MqttException.REASON_CODE_CLIENT_TIMEOUT -> "timed out";
          case MqttException.REASON_CODE_CONNECTION_LOST -> "connection lost";
          case MqttException.REASON_CODE_CLIENT_NOT_CONNECTED -> "not connected";
          default -> e.getMessage();
        };
    Throwable cause = e.getCause();
    if (cause != null && cause.getMessage() != null) {
      text = text + ": " + cause.getMessage();
    }
    return text + " (reason " + e.getReasonCode() + ")";
  }

  /** One line a user can act on for the usual connect failures (certificates, credentials). */
  static MqttPortException connectFailure(MqttException e, MqttOptions o) {
    for (Throwable c = e; c != null; c = c.getCause()) {
      if (c instanceof BrokerTls.CertificateRefused refused) {
        return new MqttPortException(refused.getMessage(), e.getReasonCode(), e);
      }
    }
    String clientCertificate = clientCertificateHint(e, o);
    if (clientCertificate != null) {
      return new MqttPortException(
          clientCertificate + " (" + describe(e) + ")", e.getReasonCode(), e);
    }
    int code = e.getReasonCode();
    if (code == MqttException.REASON_CODE_FAILED_AUTHENTICATION
        || code == MqttException.REASON_CODE_NOT_AUTHORIZED) {
      String text =
          o.username() == null
              ? "broker refused anonymous access: set mqtt.username and the password"
                  + " (EDGE_AGENT_MQTT_PASSWORD)"
              : "broker refused user '" + o.username() + "': bad username or password";
      return new MqttPortException(text + " (reason " + code + ")", code, e);
    }
    return wrap(e);
  }

  /** TLS alerts a broker sends when it does not accept (or did not get) a client certificate. */
  private static final java.util.regex.Pattern CLIENT_CERTIFICATE_ALERT =
      java.util.regex.Pattern.compile(
          "Received fatal alert: (certificate_required|bad_certificate|unknown_ca"
              + "|certificate_unknown|access_denied)\\b");

  /**
   * What to do when the broker ended a TLS connect over the client certificate, or null when the
   * failure does not look like that. A fatal alert from the broker names the cause. With TLS 1.3
   * the broker checks the client certificate after the client's side of the handshake is done, so
   * its alert races Paho's CONNECT and the failure may be only a broken pipe or a reset; on an
   * {@code ssl://} or {@code wss://} broker that is reported as a likely client-certificate
   * refusal, on plain TCP it is not.
   */
  static String clientCertificateHint(MqttException e, MqttOptions o) {
    boolean alert = false;
    boolean closed = false;
    for (Throwable c = e; c != null; c = c.getCause()) {
      String m = c.getMessage();
      if (m == null) {
        continue;
      }
      if (c instanceof javax.net.ssl.SSLException && CLIENT_CERTIFICATE_ALERT.matcher(m).find()) {
        alert = true;
      } else if (c instanceof java.io.IOException
          && (m.contains("Broken pipe")
              || m.contains("Connection reset")
              || m.contains("Remote host terminated the handshake"))) {
        closed = true;
      }
    }
    boolean allTls =
        o.serverUris().stream().allMatch(u -> u.startsWith("ssl://") || u.startsWith("wss://"));
    Path cert = o.tls().certFile();
    if (alert) {
      return cert == null
          ? "broker requires a client certificate: set mqtt.tls.cert_file and key_file"
          : "broker refused the TLS client certificate in mqtt.tls.cert_file "
              + cert
              + ": is it signed by a CA the broker trusts?";
    }
    if (closed && allTls) {
      return cert == null
          ? "broker closed the TLS connection while connecting; if it requires a client"
              + " certificate, set mqtt.tls.cert_file and key_file"
          : "broker closed the TLS connection while connecting; if it refused the TLS client"
              + " certificate, check that mqtt.tls.cert_file "
              + cert
              + " is signed by a CA the broker trusts";
    }
    return null;
  }

  private static MqttPortException wrap(MqttException e) {
    return new MqttPortException(describe(e), e.getReasonCode(), e);
  }

  private final class Adapter implements MqttCallback {
    @Override
    public void connectionLost(Throwable cause) {
      Events ev = events;
      if (ev == null) {
        return;
      }
      try {
        ev.connectionLost(cause);
      } catch (RuntimeException e) {
        LOG.error("connection-lost handler failed", e);
      }
    }

    @Override
    public void messageArrived(String topic, MqttMessage message) {
      // Never throw here: an exception from this callback makes Paho drop the connection.
      Events ev = events;
      if (ev == null) {
        return;
      }
      try {
        ev.messageArrived(
            new InboundMessage(
                topic,
                message.getId(),
                message.getQos(),
                message.getPayload(),
                message.isRetained(),
                message.isDuplicate()));
      } catch (RuntimeException e) {
        LOG.error("message handler failed on {}", topic, e);
      }
    }

    @Override
    public void deliveryComplete(IMqttDeliveryToken token) {
      // Each publish has its own listener.
    }
  }
}
