package net.dhtedge.agent.mqtt;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Random;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import net.dhtedge.agent.contract.Payloads;
import net.dhtedge.agent.contract.Topics;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One MQTT session for the agent: connects, keeps the retained online/offline status right (Last
 * Will {@code {"status":"offline"}} on {@code <prefix>/status}, retained online message on every
 * connect), reconnects with exponential back-off and full jitter (reset on every connect, capped at
 * {@code reconnect_max}), re-subscribes, and tells listeners (publisher, status page) when it is up
 * or down. All connect/disconnect work runs on one thread so events reach listeners in order.
 *
 * <p>Every socket gets a new {@link #epoch()}: a received QoS 1 message may only be acknowledged on
 * the socket it came in on (packet ids are per connection), so {@link #ack} skips acks from an
 * older epoch and the broker redelivers those messages instead.
 *
 * <p>Why it is long (~550 lines): it is one thread's state machine (connecting, connected, waiting
 * to reconnect, closed) with its epoch, back-off and listener order; split across files, every
 * transition would need the others' state. The Paho calls themselves sit behind {@link
 * PahoClientPort}.
 */
public final class MqttConnection implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(MqttConnection.class);

  /** The connection's state, for the status page. */
  public enum State {
    NEW,
    CONNECTING,
    CONNECTED,
    WAITING_TO_RECONNECT,
    /** Disconnected on request ({@link #disconnectOnRequest}); stays so until {@link #switchTo}. */
    DISCONNECTED,
    CLOSED
  }

  /**
   * A snapshot for the status page.
   *
   * @param state the state
   * @param serverUri the broker connected to (or last tried)
   * @param lastError the last failure, one line, or null
   * @param since when the state began
   */
  public record Status(State state, String serverUri, String lastError, Instant since) {}

  /** Told about connects and disconnects, on the connection's thread; must not block long. */
  public interface Listener {
    default void connected(String serverUri) {}

    default void disconnected(String cause) {}
  }

  /** Receives every inbound message with the epoch of the socket it came on. */
  public interface InboundHandler {
    void messageArrived(MqttClientPort.InboundMessage message, long epoch);
  }

  private record Subscription(String filter, int qos) {}

  private final MqttOptions options;
  private final MqttClientPort port;
  private final Clock clock;
  private final String version;
  private final Topics topics;
  private final Backoff backoff;
  private final ScheduledExecutorService thread;
  private final List<Listener> listeners = new CopyOnWriteArrayList<>();
  private final List<Subscription> subscriptions = new CopyOnWriteArrayList<>();
  private final AtomicLong epoch = new AtomicLong();
  private final AtomicBoolean started = new AtomicBoolean();
  private final AtomicBoolean closed = new AtomicBoolean();
  private final java.util.Map<String, InboundHandler> topicHandlers =
      new java.util.concurrent.ConcurrentHashMap<>();
  private volatile InboundHandler inbound;
  private volatile MqttOptions current; // the servers connected to now: switchTo changes them
  private volatile boolean paused; // disconnected on request: no reconnect until switchTo
  private java.util.concurrent.ScheduledFuture<?> retry; // connection thread only
  private volatile Status status;
  private volatile boolean connected;

  /** A connection over Paho. */
  public static MqttConnection create(MqttOptions options, Clock clock, String version) {
    return new MqttConnection(options, new PahoClientPort(options), clock, version, new Random());
  }

  /**
   * @param options validated options
   * @param port the client
   * @param clock for status timestamps
   * @param version the agent version, published in the online status
   * @param random jitter source of the reconnect back-off (a seeded or scripted one in tests)
   */
  public MqttConnection(
      MqttOptions options,
      MqttClientPort port,
      Clock clock,
      String version,
      java.util.random.RandomGenerator random) {
    this.options = Objects.requireNonNull(options, "options");
    this.current = options;
    this.port = Objects.requireNonNull(port, "port");
    this.clock = Objects.requireNonNull(clock, "clock");
    this.version = Objects.requireNonNull(version, "version");
    this.topics = options.topics();
    this.backoff = new Backoff(options.reconnectMin(), options.reconnectMax(), random);
    ScheduledThreadPoolExecutor t =
        new ScheduledThreadPoolExecutor(
            1,
            r -> {
              Thread th = new Thread(r, "mqtt-connection");
              th.setDaemon(true);
              return th;
            });
    t.setRemoveOnCancelPolicy(true);
    this.thread = t;
    this.status = new Status(State.NEW, options.serverUris().get(0), null, clock.instant());
    port.setEvents(new PortEvents());
  }

  public MqttOptions options() {
    return options;
  }

  /** The broker URIs used for the next connect (the options' own unless {@link #switchTo}). */
  public List<String> serverUris() {
    return current.serverUris();
  }

  public Topics topics() {
    return topics;
  }

  /** Adds a listener; if already connected it is told so at once (on the connection thread). */
  public void addListener(Listener listener) {
    listeners.add(Objects.requireNonNull(listener, "listener"));
    thread.execute(
        () -> {
          if (connected) {
            safely(() -> listener.connected(status.serverUri()));
          }
        });
  }

  /** Where inbound messages go (one handler: the ingest). Set before {@link #start()}. */
  public void setInboundHandler(InboundHandler handler) {
    this.inbound = handler;
  }

  /**
   * Subscribes to one exact topic at QoS 0 (nothing to acknowledge) on every connect, and hands its
   * messages to {@code handler} instead of the inbound handler. The handler runs on the client's
   * thread: it must return quickly (hand work to its own thread).
   */
  public void subscribeTopic(String topic, InboundHandler handler) {
    topicHandlers.put(Objects.requireNonNull(topic, "topic"), Objects.requireNonNull(handler));
    addSubscription(topic, 0);
  }

  /** Subscribes on every connect from now on (and now, if connected). */
  public void addSubscription(String filter, int qos) {
    subscriptions.add(new Subscription(filter, qos));
    thread.execute(
        () -> {
          if (connected) {
            try {
              port.subscribe(filter, qos, options.connectTimeout());
            } catch (MqttPortException e) {
              LOG.warn("MQTT subscribe to {} failed: {}", filter, e.getMessage());
            }
          }
        });
  }

  /** Starts connecting in the background; returns at once. */
  public void start() {
    if (closed.get()) {
      throw new IllegalStateException("closed");
    }
    if (started.compareAndSet(false, true)) {
      thread.execute(this::connectOnce);
    }
  }

  /** Waits until connected; true if it is. */
  public boolean awaitConnected(Duration timeout) throws InterruptedException {
    long end = System.nanoTime() + timeout.toNanos();
    while (!connected) {
      if (System.nanoTime() > end || closed.get()) {
        return false;
      }
      Thread.sleep(20);
    }
    return true;
  }

  public boolean isConnected() {
    return connected;
  }

  public Status status() {
    return status;
  }

  /** The current socket's number; changes whenever a socket is lost or closed. */
  public long epoch() {
    return epoch.get();
  }

  /** Publishes through the client (the publisher and the status messages use this). */
  public void publish(
      String topic,
      byte[] payload,
      int qos,
      boolean retained,
      MqttClientPort.PublishCallback callback)
      throws MqttPortException {
    port.publish(topic, payload, qos, retained, callback);
  }

  /**
   * Acknowledges a received message if the socket it came on is still the current one.
   *
   * @return true if the ack was sent
   */
  public boolean ack(long messageEpoch, int messageId, int qos) {
    if (qos == 0) {
      return true;
    }
    if (messageEpoch != epoch.get() || !port.isConnected()) {
      return false;
    }
    try {
      port.ack(messageId, qos);
      return true;
    } catch (MqttPortException e) {
      LOG.debug("ack of message {} failed: {}", messageId, e.getMessage());
      return false;
    }
  }

  /**
   * Drops the connection cleanly and reconnects after the backoff: the broker then redelivers every
   * QoS 1 message we did not acknowledge (used after a store failure).
   */
  public void requestReconnect(String reason) {
    thread.execute(
        () -> {
          if (!connected || closed.get()) {
            return;
          }
          LOG.warn("MQTT reconnecting on purpose: {}", reason);
          epoch.incrementAndGet();
          connected = false;
          port.disconnect(Duration.ofSeconds(1));
          lost(reason);
        });
  }

  private void connectOnce() {
    retry = null;
    if (closed.get() || connected || paused) {
      return;
    }
    setStatus(State.CONNECTING, status.serverUri(), status.lastError());
    String uri;
    try {
      uri = port.connect(current, will());
    } catch (MqttPortException e) {
      retryLater("connect to " + current.serverUris() + " failed: " + e.getMessage());
      return;
    } catch (RuntimeException e) {
      retryLater("connect to " + current.serverUris() + " failed: " + e);
      return;
    }
    // No epoch change here: the broker may already be redelivering on this socket, and those
    // messages must keep the epoch they were tagged with. The epoch moves when a socket ends.
    try {
      for (Subscription s : subscriptions) {
        port.subscribe(s.filter(), s.qos(), options.connectTimeout());
      }
    } catch (MqttPortException e) {
      epoch.incrementAndGet();
      port.disconnect(Duration.ofMillis(200));
      retryLater("subscribe after connecting to " + uri + " failed: " + e.getMessage());
      return;
    }
    connected = true;
    // Every successful connect starts the back-off again: the next loss is retried within
    // reconnect_min (issue 15.10; the jitter keeps a fleet from coming back in lock-step).
    backoff.reset();
    setStatus(State.CONNECTED, uri, null);
    LOG.info("MQTT connected to {} as {}", uri, options.clientId());
    publishOnline();
    for (Listener l : listeners) {
      safely(() -> l.connected(uri));
    }
  }

  private void retryLater(String why) {
    if (closed.get() || paused) {
      return;
    }
    Duration d = backoff.next();
    LOG.warn("MQTT {}; retrying in {} ms", why, d.toMillis());
    setStatus(State.WAITING_TO_RECONNECT, status.serverUri(), why);
    retry = thread.schedule(this::connectOnce, d.toMillis(), TimeUnit.MILLISECONDS);
  }

  /**
   * Moves the session to other brokers at runtime (the HTTP API's {@code POST /mqtt/connect}):
   * publishes the offline status to the old broker, disconnects cleanly, and connects to {@code
   * serverUris} with the same client id, will and subscriptions. Works from any state, also after
   * {@link #disconnectOnRequest}. The outbox is untouched: what was not confirmed is sent to the
   * new broker.
   *
   * @throws IllegalArgumentException when a URI is not a valid broker URI (nothing changes then)
   * @return completes when the first connect attempt to the new servers ended (connected or not)
   */
  public java.util.concurrent.CompletableFuture<Boolean> switchTo(List<String> serverUris) {
    MqttOptions next = withServers(serverUris);
    if (closed.get()) {
      throw new IllegalStateException("closed");
    }
    started.set(true);
    java.util.concurrent.CompletableFuture<Boolean> done =
        new java.util.concurrent.CompletableFuture<>();
    thread.execute(
        () -> {
          dropOnPurpose("switching to " + next.serverUris());
          paused = false;
          current = next;
          backoff.reset();
          setStatus(State.CONNECTING, next.serverUris().get(0), null);
          connectOnce();
          done.complete(connected);
        });
    return done;
  }

  /**
   * Disconnects cleanly (offline status first) and stays disconnected until {@link #switchTo}: the
   * HTTP API's {@code POST /mqtt/disconnect}. Readings keep being stored and queued.
   */
  public java.util.concurrent.CompletableFuture<Void> disconnectOnRequest() {
    java.util.concurrent.CompletableFuture<Void> done =
        new java.util.concurrent.CompletableFuture<>();
    thread.execute(
        () -> {
          paused = true;
          dropOnPurpose("disconnected on request");
          setStatus(State.DISCONNECTED, status.serverUri(), null);
          done.complete(null);
        });
    return done;
  }

  /** Connection thread: cancels a pending retry and ends the current socket cleanly. */
  private void dropOnPurpose(String why) {
    if (retry != null) {
      retry.cancel(false);
      retry = null;
    }
    if (connected) {
      publishOfflineAndWait();
      epoch.incrementAndGet();
      connected = false;
      port.disconnect(Duration.ofSeconds(1));
      LOG.info("MQTT {}", why);
      for (Listener l : listeners) {
        safely(() -> l.disconnected(why));
      }
    }
  }

  private MqttOptions withServers(List<String> uris) {
    return current.toBuilder().serverUris(uris).build();
  }

  /** On the connection thread, after the socket is gone. */
  private void lost(String cause) {
    for (Listener l : listeners) {
      safely(() -> l.disconnected(cause));
    }
    retryLater("connection lost (" + cause + ")");
  }

  private MqttClientPort.Will will() {
    return new MqttClientPort.Will(topics.status(), Payloads.agentOffline(), 1, true);
  }

  private void publishOnline() {
    byte[] json = Payloads.agentStatus("online", clock.instant(), version);
    try {
      port.publish(
          topics.status(),
          json,
          1,
          true,
          new MqttClientPort.PublishCallback() {
            @Override
            public void delivered() {}

            @Override
            public void failed(Throwable cause) {
              LOG.debug("online status not delivered: {}", cause.toString());
            }
          });
    } catch (MqttPortException e) {
      LOG.warn("MQTT could not publish the online status: {}", e.getMessage());
    }
  }

  private void publishOfflineAndWait() {
    CountDownLatch done = new CountDownLatch(1);
    try {
      port.publish(
          topics.status(),
          Payloads.agentOffline(),
          1,
          true,
          new MqttClientPort.PublishCallback() {
            @Override
            public void delivered() {
              done.countDown();
            }

            @Override
            public void failed(Throwable cause) {
              done.countDown();
            }
          });
      done.await(2, TimeUnit.SECONDS);
    } catch (MqttPortException e) {
      LOG.debug("offline status not published: {}", e.getMessage());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private void setStatus(State state, String uri, String error) {
    status = new Status(state, uri, error, clock.instant());
  }

  private static void safely(Runnable r) {
    try {
      r.run();
    } catch (RuntimeException e) {
      LOG.error("MQTT connection listener failed", e);
    }
  }

  /**
   * Publishes the retained offline status (a clean DISCONNECT does not fire the will), disconnects
   * and releases the client. Safe to call twice.
   */
  @Override
  public void close() {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    var f =
        thread.submit(
            () -> {
              if (connected) {
                publishOfflineAndWait();
                epoch.incrementAndGet();
                connected = false;
                port.disconnect(Duration.ofSeconds(1));
                for (Listener l : listeners) {
                  safely(() -> l.disconnected("closed"));
                }
              }
            });
    try {
      f.get(10, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (Exception e) {
      LOG.debug("MQTT close: {}", e.toString());
    }
    thread.shutdownNow();
    port.close();
    setStatus(State.CLOSED, status.serverUri(), null);
  }

  private final class PortEvents implements MqttClientPort.Events {
    @Override
    public void connectionLost(Throwable cause) {
      epoch.incrementAndGet();
      connected = false;
      String why = cause == null ? "unknown" : oneLine(cause);
      try {
        thread.execute(() -> lost(why));
      } catch (java.util.concurrent.RejectedExecutionException e) {
        // Closing.
      }
    }

    @Override
    public void messageArrived(MqttClientPort.InboundMessage message) {
      InboundHandler own = topicHandlers.get(message.topic());
      if (own != null) {
        own.messageArrived(message, epoch.get());
        return;
      }
      InboundHandler h = inbound;
      if (h != null) {
        h.messageArrived(message, epoch.get());
      }
    }
  }

  private static String oneLine(Throwable t) {
    String m = t.getMessage();
    Throwable c = t.getCause();
    if (c != null && c.getMessage() != null) {
      m = (m == null ? "" : m + ": ") + c.getMessage();
    }
    return m == null ? t.getClass().getSimpleName() : m;
  }
}
