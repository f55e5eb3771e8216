package net.dhtedge.agent.mqtt;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadFeature;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import net.dhtedge.agent.contract.ParseResult;
import net.dhtedge.agent.contract.ReadingParser;
import net.dhtedge.agent.contract.RejectCounter;
import net.dhtedge.agent.contract.Topics;
import net.dhtedge.agent.core.AgentClock;
import net.dhtedge.agent.core.Reading;
import net.dhtedge.agent.pipeline.ReadingIntake;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Takes readings from {@code <prefix>/sensor/data} into the pipeline and tracks every device's
 * {@code <prefix>/status/<id>}.
 *
 * <p>Acks are manual: a QoS 1 reading is acknowledged only after {@link ReadingIntake#submit}
 * completed (STORED or DUPLICATE), so the broker keeps it until it is on disk. Rejected payloads
 * and our own readings are acknowledged at once (a malformed message must not come back forever).
 * When storing fails the message is not acknowledged and ingest is <em>stalled</em>: while it is, a
 * timer recycles the connection (persistent session, so the broker redelivers every unacknowledged
 * reading) after 1 s, 2 s, 4 s, ... up to {@code storeRetryDelay}, until a reading received after
 * such a reconnect is stored. It does not wait for a new failure: once the broker's in-flight
 * window is full of readings we could not store, no new message (and so no new failure) comes
 * (issue 15.3). While the store stays broken the broker queues the rest, which is the back-pressure
 * we want. {@link #stalled()} says why for {@code /healthz}. QoS 0 readings cannot be redelivered:
 * a store failure loses them (counted, logged at most once per {@code storeRetryDelay}).
 *
 * <p>Nothing thrown here reaches Paho: an exception in its callback would drop the connection.
 *
 * <p>Why it is long (~450 lines): acknowledging after the commit, the stall and its reconnect
 * timer, and the device status tracking read and change one set of per-connection state (the epoch,
 * the pending acks, the stall since); parsing is already in {@code contract}.
 */
public final class Ingest implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(Ingest.class);

  /** First pause before a store-failure reconnect (doubles up to {@code storeRetryDelay}). */
  static final Duration STORE_RETRY_FIRST = Duration.ofSeconds(1);

  /** Default longest pause between store-failure reconnects. */
  public static final Duration STORE_RETRY_DELAY = Duration.ofSeconds(30);

  private static final JsonFactory JSON =
      JsonFactory.builder().enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION).build();

  /** Counters for the status page and the tests. */
  public record Stats(
      long received,
      long stored,
      long duplicates,
      long own,
      long rejected,
      long storeFailures,
      long acked,
      long unacked,
      long pendingAcks,
      long statusUpdates,
      long statusRejects,
      long otherTopics) {}

  private final MqttConnection connection;
  private final ReadingIntake intake;
  private final RejectCounter rejects;
  private final AgentClock clock;
  private final Duration storeRetryDelay;
  private final Topics topics;
  private final ReadingParser parser;
  private final Set<String> localDevices;
  private final AckQueue acks;
  private final Map<String, DeviceStatus> devices = new ConcurrentHashMap<>();
  private final AtomicLong received = new AtomicLong();
  private final AtomicLong stored = new AtomicLong();
  private final AtomicLong duplicates = new AtomicLong();
  private final AtomicLong own = new AtomicLong();
  private final AtomicLong storeFailures = new AtomicLong();
  private final AtomicLong statusUpdates = new AtomicLong();
  private final AtomicLong statusRejects = new AtomicLong();
  private final AtomicLong otherTopics = new AtomicLong();
  private final AtomicLong qos0Lost = new AtomicLong();
  private final AtomicLong lastQos0LogNanos;
  private final java.util.concurrent.ScheduledExecutorService redelivery;
  private final Object stallLock = new Object();
  // guarded by stallLock
  private long stalledEpoch = -1; // epoch of the newest unacknowledged store failure, -1: none
  private long stalledSinceMillis;
  private long unstored; // store failures since the stall began
  private String stallError;
  private long retryDelayNanos;
  private java.util.concurrent.ScheduledFuture<?> retryTick;

  public Ingest(
      MqttConnection connection, ReadingIntake intake, RejectCounter rejects, AgentClock clock) {
    this(connection, intake, rejects, clock, STORE_RETRY_DELAY);
  }

  /**
   * @param connection the session (its options give prefix, QoS, default and local devices)
   * @param intake where readings go
   * @param rejects counts rejected payloads
   * @param clock receive times (wall clock) and the store-retry pause (monotonic clock)
   * @param storeRetryDelay least time between two reconnects caused by store failures
   */
  public Ingest(
      MqttConnection connection,
      ReadingIntake intake,
      RejectCounter rejects,
      AgentClock clock,
      Duration storeRetryDelay) {
    this.connection = Objects.requireNonNull(connection, "connection");
    this.intake = Objects.requireNonNull(intake, "intake");
    this.rejects = Objects.requireNonNull(rejects, "rejects");
    this.clock = Objects.requireNonNull(clock, "clock");
    this.storeRetryDelay = Objects.requireNonNull(storeRetryDelay, "storeRetryDelay");
    MqttOptions o = connection.options();
    this.topics = o.topics();
    this.parser = new ReadingParser(o.defaultDevice());
    this.localDevices = o.localDeviceIds();
    this.acks = new AckQueue(connection::ack, connection::epoch);
    this.lastQos0LogNanos = new AtomicLong(clock.nanos() - storeRetryDelay.toNanos());
    java.util.concurrent.ScheduledThreadPoolExecutor t =
        new java.util.concurrent.ScheduledThreadPoolExecutor(
            1,
            r -> {
              Thread th = new Thread(r, "mqtt-ingest-redelivery");
              th.setDaemon(true);
              return th;
            });
    t.setRemoveOnCancelPolicy(true);
    this.redelivery = t;
  }

  /**
   * Why ingest is stalled: readings that could not be stored wait unacknowledged for the broker to
   * redeliver them; empty when it flows. For {@code /healthz}.
   */
  public Optional<String> stalled() {
    synchronized (stallLock) {
      if (stalledEpoch < 0) {
        return Optional.empty();
      }
      return Optional.of(
          "ingest stalled: "
              + unstored
              + " MQTT readings could not be stored since "
              + Instant.ofEpochMilli(stalledSinceMillis)
              + " ("
              + stallError
              + "); they are not acknowledged and the broker redelivers them on a reconnect every "
              + "<= "
              + storeRetryDelay.toSeconds()
              + " s until they are stored");
    }
  }

  /** QoS 0 readings lost because storing them failed (they cannot be redelivered). */
  public long qos0Lost() {
    return qos0Lost.get();
  }

  /** Stops the redelivery timer. Safe to call twice. */
  @Override
  public void close() {
    redelivery.shutdownNow();
  }

  /**
   * Hooks into the connection: takes its inbound messages and, when the options say subscribe,
   * subscribes to readings and device statuses on every connect. Call before {@code
   * connection.start()} so messages queued by the broker for our session are not missed.
   */
  public void start() {
    connection.setInboundHandler(this::onMessage);
    if (connection.options().subscribe()) {
      connection.addSubscription(
          connection.options().readingFilter(topics), connection.options().readingQos());
      connection.addSubscription(topics.deviceStatusFilter(), 1);
    }
  }

  /** Every device's last status, by device id. */
  public Map<String, DeviceStatus> deviceStatuses() {
    return Map.copyOf(devices);
  }

  public Optional<DeviceStatus> deviceStatus(String deviceId) {
    return Optional.ofNullable(devices.get(deviceId));
  }

  public RejectCounter rejects() {
    return rejects;
  }

  public Stats stats() {
    return new Stats(
        received.get(),
        stored.get(),
        duplicates.get(),
        own.get(),
        rejects.total(),
        storeFailures.get(),
        acks.acked(),
        acks.skipped(),
        acks.pending(),
        statusUpdates.get(),
        statusRejects.get(),
        otherTopics.get());
  }

  private void onMessage(MqttClientPort.InboundMessage m, long epoch) {
    AckQueue.Entry entry = acks.arrived(epoch, m.messageId(), m.qos());
    try {
      if (m.topic().equals(topics.sensorData())) {
        onReading(m, entry);
      } else if (m.topic().startsWith(topics.status() + "/")) {
        onDeviceStatus(m);
        acks.settle(entry, true);
      } else {
        otherTopics.incrementAndGet();
        acks.settle(entry, true);
      }
    } catch (RuntimeException e) {
      LOG.error("MQTT message on {} could not be handled", m.topic(), e);
      acks.settle(entry, false);
    }
  }

  private void onReading(MqttClientPort.InboundMessage m, AckQueue.Entry entry) {
    received.incrementAndGet();
    ParseResult r = parser.parse(m.payload(), Instant.ofEpochMilli(clock.millis()));
    if (r instanceof ParseResult.Reject reject) {
      rejects.record(reject, m.topic());
      acks.settle(entry, true);
      return;
    }
    ParseResult.Accepted a = (ParseResult.Accepted) r;
    if (!a.bare() && localDevices.contains(a.reading().deviceId())) {
      own.incrementAndGet();
      acks.settle(entry, true);
      return;
    }
    Reading reading = a.reading();
    String deviceId = reading.deviceId();
    String topic = m.topic();
    CompletableFuture<ReadingIntake.Outcome> f;
    try {
      // Without ts the reading carries the wall clock at receipt; the store keeps two of one
      // device in one millisecond (or after the clock was set back) apart.
      f = a.stamped() ? intake.submitStamped(reading) : intake.submit(reading);
    } catch (RuntimeException e) {
      f = CompletableFuture.failedFuture(e);
    }
    f.whenComplete(
        (outcome, error) -> {
          try {
            if (error != null || outcome == null) {
              onStoreFailure(error, entry, m.qos());
              acks.settle(entry, false);
            } else if (outcome == ReadingIntake.Outcome.REFUSED) {
              rejects.record(ParseResult.Reject.tooManyDevices(deviceId), topic);
              acks.settle(entry, true); // redelivering it would not change the answer
            } else {
              (outcome == ReadingIntake.Outcome.DUPLICATE ? duplicates : stored).incrementAndGet();
              acks.settle(entry, true);
              onStored(entry);
            }
          } catch (RuntimeException e) {
            LOG.error("settling an MQTT reading failed", e);
          }
        });
  }

  /** Devices whose status is kept at most; statuses of further new devices are not kept. */
  static final int STATUS_DEVICES = 10_000;

  private void onStoreFailure(Throwable error, AckQueue.Entry entry, int qos) {
    long n = storeFailures.incrementAndGet();
    String why = error == null ? "no outcome" : String.valueOf(error.getMessage());
    if (qos == 0) {
      long lost = qos0Lost.incrementAndGet();
      long now = clock.nanos();
      long last = lastQos0LogNanos.get();
      if (now - last >= storeRetryDelay.toNanos() && lastQos0LogNanos.compareAndSet(last, now)) {
        LOG.warn(
            "storing a QoS 0 MQTT reading failed ({}); QoS 0 cannot be redelivered: {} lost so far"
                + " (logged at most every {} s)",
            why,
            lost,
            storeRetryDelay.toSeconds());
      }
      return;
    }
    synchronized (stallLock) {
      boolean starts = stalledEpoch < 0;
      if (starts) {
        stalledSinceMillis = clock.millis();
        unstored = 0;
        retryDelayNanos = Math.min(STORE_RETRY_FIRST.toNanos(), storeRetryDelay.toNanos());
        LOG.warn(
            "storing an MQTT reading failed ({}); {} failures so far; not acknowledged: the broker"
                + " redelivers it after a reconnect, tried again with back-off until it is stored",
            why,
            n);
      }
      stalledEpoch = Math.max(stalledEpoch, entry.epoch);
      unstored++;
      stallError = why;
      if (retryTick == null) {
        scheduleTick();
      }
    }
  }

  /** A reading stored: if it came on a socket newer than the last failure, ingest flows again. */
  private void onStored(AckQueue.Entry entry) {
    synchronized (stallLock) {
      if (stalledEpoch >= 0 && entry.epoch > stalledEpoch) {
        endStall("a redelivered reading was stored");
      }
    }
  }

  /** stallLock held. */
  private void endStall(String how) {
    LOG.info(
        "MQTT ingest flows again after {} store failures ({}); the redeliveries are stored",
        unstored,
        how);
    stalledEpoch = -1;
    if (retryTick != null) {
      retryTick.cancel(false);
      retryTick = null;
    }
  }

  /** stallLock held. */
  private void scheduleTick() {
    try {
      retryTick =
          redelivery.schedule(
              this::tick, retryDelayNanos, java.util.concurrent.TimeUnit.NANOSECONDS);
    } catch (java.util.concurrent.RejectedExecutionException e) {
      retryTick = null; // closed
    }
    retryDelayNanos = Math.min(retryDelayNanos * 2, storeRetryDelay.toNanos());
  }

  /**
   * While stalled: if the socket the failure came on is still the current one, reconnect so the
   * broker redelivers; if a newer socket is up and nothing is waiting for its outcome, the broker
   * had nothing more to redeliver.
   */
  private void tick() {
    synchronized (stallLock) {
      retryTick = null;
      if (stalledEpoch < 0) {
        return;
      }
      if (connection.isConnected()) {
        long now = connection.epoch();
        if (now <= stalledEpoch) {
          connection.requestReconnect(
              unstored + " readings not stored: reconnecting so the broker redelivers them");
        } else if (acks.pending() == 0) {
          endStall("nothing left to redeliver");
          return;
        }
      }
      scheduleTick();
    }
  }

  private void onDeviceStatus(MqttClientPort.InboundMessage m) {
    Optional<String> id = topics.deviceIdOfStatusTopic(m.topic());
    if (id.isEmpty()) {
      statusRejects.incrementAndGet();
      return;
    }
    String deviceId = id.get();
    if (m.payload() == null || m.payload().length == 0) {
      devices.remove(deviceId); // A cleared retained status: the device is gone.
      statusUpdates.incrementAndGet();
      return;
    }
    Boolean online = parseStatus(m.payload(), deviceId);
    if (online == null) {
      statusRejects.incrementAndGet();
      return;
    }
    if (devices.size() >= STATUS_DEVICES && !devices.containsKey(deviceId)) {
      statusRejects.incrementAndGet(); // a flood of ever new ids must not fill the heap
      return;
    }
    devices.put(deviceId, new DeviceStatus(deviceId, online, clock.instant()));
    statusUpdates.incrementAndGet();
  }

  /** TRUE online, FALSE offline, null malformed (or naming another device). */
  static Boolean parseStatus(byte[] payload, String deviceId) {
    if (payload.length > ReadingParser.MAX_BYTES) {
      return null;
    }
    String status = null;
    String named = null;
    try (JsonParser p = JSON.createParser(payload)) {
      if (p.nextToken() != JsonToken.START_OBJECT) {
        return null;
      }
      JsonToken t;
      while ((t = p.nextToken()) == JsonToken.FIELD_NAME) {
        String name = p.currentName();
        JsonToken v = p.nextToken();
        if (name.equals("status") && v == JsonToken.VALUE_STRING) {
          status = p.getText();
        } else if (name.equals("device_id") && v == JsonToken.VALUE_STRING) {
          named = p.getText();
        }
        p.skipChildren();
      }
      if (t != JsonToken.END_OBJECT || p.nextToken() != null) {
        return null;
      }
    } catch (IOException | RuntimeException e) {
      return null;
    }
    if (named != null && !named.equals(deviceId)) {
      return null;
    }
    if ("online".equals(status)) {
      return Boolean.TRUE;
    }
    if ("offline".equals(status)) {
      return Boolean.FALSE;
    }
    return null;
  }
}
