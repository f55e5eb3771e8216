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
 * When storing fails the message is not acknowledged and the connection is recycled (at most once
 * per {@code storeRetryDelay}) so the broker redelivers it; while the store stays broken the
 * broker's in-flight window fills and the broker queues the rest, which is the back-pressure we
 * want. QoS 0 readings cannot be redelivered: a store failure loses them (counted).
 *
 * <p>Nothing thrown here reaches Paho: an exception in its callback would drop the connection.
 */
public final class Ingest {

  private static final Logger LOG = LoggerFactory.getLogger(Ingest.class);

  /** Default pause between store-failure reconnects. */
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
  private final AtomicLong lastStoreRetryNanos;

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
    this.lastStoreRetryNanos = new AtomicLong(clock.nanos() - storeRetryDelay.toNanos());
  }

  /**
   * Hooks into the connection: takes its inbound messages and, when the options say subscribe,
   * subscribes to readings and device statuses on every connect. Call before {@code
   * connection.start()} so messages queued by the broker for our session are not missed.
   */
  public void start() {
    connection.setInboundHandler(this::onMessage);
    if (connection.options().subscribe()) {
      connection.addSubscription(topics.sensorData(), connection.options().readingQos());
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
              onStoreFailure(error);
              acks.settle(entry, false);
            } else if (outcome == ReadingIntake.Outcome.REFUSED) {
              rejects.record(ParseResult.Reject.tooManyDevices(deviceId), topic);
              acks.settle(entry, true); // redelivering it would not change the answer
            } else {
              (outcome == ReadingIntake.Outcome.DUPLICATE ? duplicates : stored).incrementAndGet();
              acks.settle(entry, true);
            }
          } catch (RuntimeException e) {
            LOG.error("settling an MQTT reading failed", e);
          }
        });
  }

  /** Devices whose status is kept at most; statuses of further new devices are not kept. */
  static final int STATUS_DEVICES = 10_000;

  private void onStoreFailure(Throwable error) {
    long n = storeFailures.incrementAndGet();
    long now = clock.nanos();
    long last = lastStoreRetryNanos.get();
    if (now - last >= storeRetryDelay.toNanos() && lastStoreRetryNanos.compareAndSet(last, now)) {
      String why = error == null ? "no outcome" : String.valueOf(error.getMessage());
      LOG.warn(
          "storing an MQTT reading failed ({}); {} failures so far; not acknowledged, the broker"
              + " will redeliver after a reconnect",
          why,
          n);
      connection.requestReconnect(
          "store failure: the broker will redeliver unacknowledged readings");
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
