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
 *
 * <p>Why it is long (~510 lines): it is the one seam in front of Paho, so every Paho callback,
 * every reason code mapped to a sentence, and giving up a client whose connect never finished
 * (issue 15.2) live here and nowhere else.
 */
public final class PahoClientPort implements MqttClientPort {

  private static final Logger LOG = LoggerFactory.getLogger(PahoClientPort.class);

  /** How long closing an abandoned client may hold up the next connect attempt. */
  private static final long ABANDON_WAIT_MS = 3_000;

  private final String firstUri;
  private final String clientId;
  private final javax.net.ssl.SSLSocketFactory tls;
  private final java.util.concurrent.atomic.AtomicLong abandoned =
      new java.util.concurrent.atomic.AtomicLong();
  private volatile Session session;
  private volatile Events events;
  private volatile boolean closed;

  /**
   * One Paho client and the publishes handed to it. A client whose connect did not end (timed out
   * while Paho kept waiting for the CONNACK) is abandoned and replaced: left alone, Paho completes
   * that connect later, unseen, and every further {@code connect} fails with "Client is connected
   * (32100)" (issue 15.2).
   */
  private final class Session {
    final MqttAsyncClient client;
    final java.util.Set<Pending> pending = java.util.concurrent.ConcurrentHashMap.newKeySet();

    Session(MqttAsyncClient client) {
      this.client = client;
    }
  }

  /** A publish awaiting its outcome; told exactly once. */
  private static final class Pending {
    final PublishCallback callback;
    final java.util.concurrent.atomic.AtomicBoolean told =
        new java.util.concurrent.atomic.AtomicBoolean();

    Pending(PublishCallback callback) {
      this.callback = callback;
    }

    void delivered() {
      if (told.compareAndSet(false, true)) {
        try {
          callback.delivered();
        } catch (RuntimeException e) {
          LOG.error("publish callback failed", e);
        }
      }
    }

    void failed(Throwable cause) {
      if (told.compareAndSet(false, true)) {
        try {
          callback.failed(cause);
        } catch (RuntimeException e) {
          LOG.error("publish callback failed", e);
        }
      }
    }
  }

  /** Creates the Paho client for the options' first URI and client id (no connection yet). */
  public PahoClientPort(MqttOptions options) {
    // Built here so a bad certificate file stops the start-up with its name, not a retry loop.
    tls = options.usesTls() ? BrokerTls.socketFactory(options.tls()) : null;
    firstUri = options.serverUris().get(0);
    clientId = options.clientId();
    session = new Session(newClient());
  }

  private MqttAsyncClient newClient() {
    MqttAsyncClient c;
    try {
      c = new MqttAsyncClient(firstUri, clientId, new MemoryPersistence());
    } catch (MqttException e) {
      throw new IllegalArgumentException(
          "mqtt: cannot create the client for " + firstUri + ": " + describe(e), e);
    }
    c.setManualAcks(true);
    return c;
  }

  @Override
  public void setEvents(Events events) {
    this.events = Objects.requireNonNull(events, "events");
    Session s = session;
    s.client.setCallback(new Adapter(s));
  }

  /** Clients given up after a connect that did not end in time (tests, status). */
  public long abandonedClients() {
    return abandoned.get();
  }

  @Override
  public String connect(MqttOptions o, Will will) throws MqttPortException {
    if (closed) {
      throw new MqttPortException("client closed", MqttPortException.UNKNOWN, null);
    }
    if (session.client.isConnected()) {
      // We were told it is down (or never saw it come up): start over on a fresh client.
      abandon(session, "connected while the agent considered it down");
    }
    MqttPortException last = null;
    // One URI per Paho connect: Paho's own walk over several URIs goes on by itself after a
    // failure, which an abandoned client must not do.
    for (String uri : o.serverUris()) {
      try {
        return connectTo(uri, o, will);
      } catch (MqttPortException e) {
        last = e;
      }
    }
    throw last;
  }

  private String connectTo(String uri, MqttOptions o, Will will) throws MqttPortException {
    MqttConnectOptions c = new MqttConnectOptions();
    c.setServerURIs(new String[] {uri});
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
    char[] pw = o.password() == null ? null : o.password().reveal().toCharArray();
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
    Session s = session;
    IMqttToken token = null;
    // Paho's connection timeout covers the TCP (and TLS) connect; the CONNACK gets a margin more.
    long waitMs = o.connectTimeout().toMillis() + 2_000;
    try {
      token = s.client.connect(c);
      token.waitForCompletion(waitMs);
      if (!s.client.isConnected()) {
        throw new MqttException(MqttException.REASON_CODE_CLIENT_TIMEOUT);
      }
      String current = s.client.getCurrentServerURI();
      return current == null ? uri : current;
    } catch (MqttException e) {
      // A connect that did not end (no CONNACK in time: our wait ran out with no failure on the
      // token) is still running inside Paho: give that client up, or its late success wedges
      // every retry with "Client is connected". A refused or failed connect leaves it reusable.
      if (token == null || token.getException() == null || s.client.isConnected()) {
        abandon(s, "connect to " + uri + " did not finish within " + waitMs + " ms");
      }
      MqttPortException failure = connectFailure(e, o);
      if (e.getReasonCode() == MqttException.REASON_CODE_CLIENT_TIMEOUT) {
        failure =
            new MqttPortException(
                "no answer from " + uri + " within " + waitMs + " ms (reason 32000)",
                e.getReasonCode(),
                e);
      }
      throw failure;
    } finally {
      if (pw != null) {
        java.util.Arrays.fill(pw, '\0');
      }
    }
  }

  /**
   * Gives a client up: closes its socket without a DISCONNECT (so a connect still running inside it
   * can never complete), fails its unconfirmed publishes (the publisher sends them again on the
   * next client), and puts a fresh client in its place. Closing runs on its own thread so a stuck
   * Paho cannot hold the caller for more than {@link #ABANDON_WAIT_MS}.
   */
  private synchronized void abandon(Session s, String why) {
    if (session != s) {
      return;
    }
    abandoned.incrementAndGet();
    LOG.info("MQTT: giving up client {} ({}); the next attempt uses a new one", clientId, why);
    if (!closed) {
      Session next = new Session(newClient());
      if (events != null) {
        next.client.setCallback(new Adapter(next));
      }
      session = next;
    }
    Thread t = new Thread(() -> forceClose(s.client), "mqtt-abandon");
    t.setDaemon(true);
    t.start();
    try {
      t.join(ABANDON_WAIT_MS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    MqttPortException gone =
        new MqttPortException("client given up: " + why, MqttPortException.UNKNOWN, null);
    for (Pending p : s.pending) {
      p.failed(gone);
    }
    s.pending.clear();
  }

  private static void forceClose(MqttAsyncClient c) {
    try {
      c.disconnectForcibly(0, 0, false);
    } catch (MqttException | RuntimeException e) {
      LOG.debug("forced disconnect of a given-up client: {}", e.toString());
    }
    try {
      c.close(true);
    } catch (MqttException | RuntimeException e) {
      LOG.debug("closing a given-up client: {}", e.toString());
    }
  }

  @Override
  public void subscribe(String filter, int qos, Duration timeout) throws MqttPortException {
    try {
      IMqttToken t = session.client.subscribe(filter, qos);
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
    Session s = session;
    Pending p = new Pending(callback);
    s.pending.add(p);
    try {
      s.client.publish(
          topic,
          payload,
          qos,
          retained,
          null,
          new IMqttActionListener() {
            @Override
            public void onSuccess(IMqttToken asyncActionToken) {
              s.pending.remove(p);
              p.delivered();
            }

            @Override
            public void onFailure(IMqttToken asyncActionToken, Throwable exception) {
              s.pending.remove(p);
              p.failed(exception);
            }
          });
    } catch (MqttException e) {
      s.pending.remove(p);
      throw wrap(e);
    }
    if (session != s && s.pending.remove(p)) {
      // given up meanwhile: this publish went to a client that is gone
      p.failed(new MqttPortException("client given up", MqttPortException.UNKNOWN, null));
    }
  }

  @Override
  public void ack(int messageId, int qos) throws MqttPortException {
    try {
      session.client.messageArrivedComplete(messageId, qos);
    } catch (MqttException e) {
      throw wrap(e);
    }
  }

  @Override
  public void disconnect(Duration quiesce) {
    MqttAsyncClient client = session.client;
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
    return session.client.isConnected();
  }

  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    Session s = session;
    try {
      if (s.client.isConnected()) {
        s.client.disconnectForcibly(0, 1_000, false);
      }
      s.client.close(true);
    } catch (MqttException e) {
      LOG.debug("closing the MQTT client: {}", describe(e));
      forceClose(s.client); // a connect still in progress: close its socket first
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

  /** Paho's callbacks of one client; silent once that client was given up. */
  private final class Adapter implements MqttCallback {
    private final Session owner;

    Adapter(Session owner) {
      this.owner = owner;
    }

    @Override
    public void connectionLost(Throwable cause) {
      Events ev = events;
      if (ev == null || session != owner) {
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
      if (ev == null || session != owner) {
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
