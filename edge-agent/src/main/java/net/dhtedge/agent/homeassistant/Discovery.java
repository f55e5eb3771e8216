package net.dhtedge.agent.homeassistant;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import net.dhtedge.agent.contract.Payloads;
import net.dhtedge.agent.core.Reading;
import net.dhtedge.agent.mqtt.MqttClientPort;
import net.dhtedge.agent.mqtt.MqttConnection;
import net.dhtedge.agent.mqtt.MqttPortException;
import net.dhtedge.agent.outbox.Outbox;
import net.dhtedge.agent.outbox.OutboxPriority;
import net.dhtedge.agent.pipeline.PipelineListener;
import net.dhtedge.agent.pipeline.ReadingIntake;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Home Assistant MQTT discovery: a retained config per device and metric, queued in the outbox at
 * start-up, for each new device seen via ingest, and again whenever Home Assistant announces {@code
 * <discovery_prefix>/status online}. Devices announced before but gone now (deleted from the
 * config, or not heard from for {@link DiscoveryOptions#keepRemote()}) are removed with an empty
 * retained config. What was announced is kept in a small file in the data dir. Stored readings are
 * mirrored on {@code <prefix>/sensor/<device_id>/state} by a {@link StateMirror}; the local
 * sensors' retained {@code <prefix>/status/<device_id>} says online on every connect and offline on
 * a clean shutdown.
 */
public final class Discovery implements PipelineListener, AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(Discovery.class);
  private static final String LOCAL = "local";
  private static final String REMOTE = "remote";

  private final DiscoveryOptions options;
  private final Outbox outbox;
  private final MqttConnection connection;
  private final Path file;
  private final Clock clock;
  private final ExecutorService worker;
  private final StateMirror states;
  private final Map<String, String> announced = new LinkedHashMap<>(); // device id -> kind
  private final AtomicLong announcements = new AtomicLong();
  private volatile boolean closed;

  /**
   * @param connection where Home Assistant's status is heard and device statuses are published
   * @param file what was announced, e.g. {@code <data_dir>/homeassistant-announced.txt}
   */
  public Discovery(
      DiscoveryOptions options, Outbox outbox, MqttConnection connection, Path file, Clock clock) {
    this.options = Objects.requireNonNull(options, "options");
    this.outbox = Objects.requireNonNull(outbox, "outbox");
    this.connection = Objects.requireNonNull(connection, "connection");
    this.file = Objects.requireNonNull(file, "file");
    this.clock = Objects.requireNonNull(clock, "clock");
    this.worker =
        Executors.newSingleThreadExecutor(
            r -> {
              Thread t = new Thread(r, "homeassistant-discovery");
              t.setDaemon(true);
              return t;
            });
    this.states =
        new StateMirror(
            options, StateMirror.qos0(connection), options.stateInterval(), System::nanoTime);
  }

  /**
   * Removes what is gone, announces what is there, and starts listening to Home Assistant. Call
   * before the connection starts.
   *
   * @param lastSeen every device the store knows, with its last reading time
   */
  public synchronized void start(Map<String, Instant> lastSeen) {
    Map<String, String> before = load();
    Map<String, String> now = new LinkedHashMap<>();
    options.localDevices().keySet().forEach(id -> now.put(id, LOCAL));
    Instant cutoff = clock.instant().minus(options.keepRemote());
    lastSeen.forEach(
        (id, at) -> {
          boolean wasLocal = LOCAL.equals(before.get(id));
          if (!now.containsKey(id) && !wasLocal && at != null && at.isAfter(cutoff)) {
            now.put(id, REMOTE);
          }
        });
    List<Outbox.Entry> messages = new ArrayList<>();
    for (String gone : before.keySet()) {
      if (!now.containsKey(gone)) {
        for (DiscoveryPayloads.Metric m : DiscoveryPayloads.Metric.values()) {
          messages.add(
              new Outbox.Entry(
                  DiscoveryPayloads.configTopic(options, gone, m),
                  new byte[0],
                  1,
                  true,
                  OutboxPriority.STATUS));
        }
        LOG.info("Home Assistant: removing device {} (no longer configured or seen)", gone);
      }
    }
    announced.clear();
    announced.putAll(now);
    save();
    // Removals and every device's configs in one commit: start-up time does not grow with the
    // number of devices (one commit each made 520 devices take 9 s on a quiet machine).
    messages.addAll(configs(new ArrayList<>(now.keySet())));
    outbox.enqueueAll(messages);
    announcements.addAndGet(now.size());
    LOG.info("Home Assistant: announced {} device(s)", now.size());
    connection.subscribeTopic(
        options.haStatusTopic(),
        (message, epoch) -> {
          String payload = new String(message.payload(), StandardCharsets.UTF_8).strip();
          if (payload.equals("online")) {
            submit(this::announceAll);
          }
        });
    connection.addListener(
        new MqttConnection.Listener() {
          @Override
          public void connected(String serverUri) {
            for (String id : options.localDevices().keySet()) {
              publishDeviceStatus(id, "online", null);
            }
          }
        });
  }

  /** Queues the config of every announced device (again). */
  public void announceAll() {
    List<String> ids;
    synchronized (this) {
      ids = new ArrayList<>(announced.keySet());
    }
    // Outside the lock: the enqueue waits for a store commit, and the pipeline's event thread
    // takes this lock for every reading.
    announce(ids);
    LOG.info("Home Assistant: announced {} device(s)", ids.size());
  }

  private void announce(String deviceId) {
    announce(List.of(deviceId));
  }

  /** Queues the configs of these devices in one store commit. */
  private void announce(List<String> deviceIds) {
    outbox.enqueueAll(configs(deviceIds));
    announcements.addAndGet(deviceIds.size());
  }

  private List<Outbox.Entry> configs(List<String> deviceIds) {
    List<Outbox.Entry> configs = new ArrayList<>();
    for (String deviceId : deviceIds) {
      String model = options.localDevices().get(deviceId);
      for (DiscoveryPayloads.Metric m : DiscoveryPayloads.Metric.values()) {
        configs.add(
            new Outbox.Entry(
                DiscoveryPayloads.configTopic(options, deviceId, m),
                DiscoveryPayloads.config(options, deviceId, m, model),
                1,
                true,
                OutboxPriority.STATUS));
      }
    }
    return configs;
  }

  /** How many device announcements were queued since start (for tests and the status page). */
  public long announcements() {
    return announcements.get();
  }

  /** The devices announced now. */
  public synchronized List<String> devices() {
    return new ArrayList<>(announced.keySet());
  }

  /**
   * A stored reading: mirrored for Home Assistant; from a device not announced yet, it also
   * announces the device (off the pipeline's thread).
   */
  @Override
  public void onReading(Reading reading, ReadingIntake.Outcome outcome) {
    if (outcome == ReadingIntake.Outcome.STORED) {
      states.offer(reading);
    }
    String id = reading.deviceId();
    synchronized (this) {
      if (announced.containsKey(id)) {
        return;
      }
      announced.put(id, options.localDevices().containsKey(id) ? LOCAL : REMOTE);
    }
    submit(
        () -> {
          synchronized (this) {
            save();
          }
          announce(id);
          LOG.info("Home Assistant: announced new device {}", id);
        });
  }

  /** What the state mirror did since start (for tests and the status page). */
  StateMirror.Stats stateStats() {
    return states.stats();
  }

  private void submit(Runnable r) {
    if (closed) {
      return;
    }
    try {
      worker.execute(
          () -> {
            try {
              r.run();
            } catch (RuntimeException e) {
              LOG.warn("Home Assistant discovery failed: {}", e.toString());
            }
          });
    } catch (java.util.concurrent.RejectedExecutionException e) {
      // Closing.
    }
  }

  private void publishDeviceStatus(String deviceId, String status, CountDownLatch done) {
    try {
      connection.publish(
          options.topics().deviceStatus(deviceId),
          Payloads.deviceStatus(status, deviceId),
          1,
          true,
          new MqttClientPort.PublishCallback() {
            @Override
            public void delivered() {
              if (done != null) {
                done.countDown();
              }
            }

            @Override
            public void failed(Throwable cause) {
              if (done != null) {
                done.countDown();
              }
            }
          });
    } catch (MqttPortException e) {
      LOG.debug("status {} of {} not published: {}", status, deviceId, e.getMessage());
      if (done != null) {
        done.countDown();
      }
    }
  }

  private Map<String, String> load() {
    Map<String, String> out = new LinkedHashMap<>();
    if (!Files.exists(file)) {
      return out;
    }
    try {
      for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
        String[] parts = line.strip().split("\t");
        if (parts.length == 2 && Reading.DEVICE_ID.matcher(parts[0]).matches()) {
          out.put(parts[0], parts[1]);
        }
      }
    } catch (IOException e) {
      LOG.warn("Home Assistant: cannot read {} ({}); nothing will be removed", file, e.toString());
    }
    return out;
  }

  private void save() {
    StringBuilder b = new StringBuilder();
    announced.forEach((id, kind) -> b.append(id).append('\t').append(kind).append('\n'));
    Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
    try {
      Files.writeString(tmp, b.toString(), StandardCharsets.UTF_8);
      Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    } catch (IOException e) {
      throw new UncheckedIOException("Home Assistant: cannot write " + file, e);
    }
  }

  /** Publishes the local sensors' offline status (while still connected). Safe to call twice. */
  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    states.close();
    worker.shutdown();
    try {
      worker.awaitTermination(5, TimeUnit.SECONDS);
      if (connection.isConnected() && !options.localDevices().isEmpty()) {
        CountDownLatch done = new CountDownLatch(options.localDevices().size());
        for (String id : options.localDevices().keySet()) {
          publishDeviceStatus(id, "offline", done);
        }
        done.await(2, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    worker.shutdownNow();
  }
}
