package net.dhtedge.agent.cli;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import net.dhtedge.agent.config.AgentConfig;
import net.dhtedge.agent.config.MqttConfig;
import net.dhtedge.agent.config.SensorConfig;
import net.dhtedge.agent.contract.RejectCounter;
import net.dhtedge.agent.core.AgentClock;
import net.dhtedge.agent.core.Reading;
import net.dhtedge.agent.homeassistant.Discovery;
import net.dhtedge.agent.http.ApiServer;
import net.dhtedge.agent.mail.MailSender;
import net.dhtedge.agent.mqtt.ClientIdFile;
import net.dhtedge.agent.mqtt.DeviceStatus;
import net.dhtedge.agent.mqtt.EmbeddedBroker;
import net.dhtedge.agent.mqtt.Ingest;
import net.dhtedge.agent.mqtt.MqttConnection;
import net.dhtedge.agent.mqtt.MqttOptions;
import net.dhtedge.agent.mqtt.Publisher;
import net.dhtedge.agent.mqtt.SessionTakeoverWatch;
import net.dhtedge.agent.pipeline.Pipeline;
import net.dhtedge.agent.pipeline.PipelineCounters;
import net.dhtedge.agent.store.DiskSpace;
import net.dhtedge.agent.store.StoreCounts;
import net.dhtedge.agent.store.StoreHealth;
import net.dhtedge.gpio.loop.SensorLoop;
import net.dhtedge.gpio.loop.SensorStatus;
import net.dhtedge.gpio.loop.SensorUpdate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one place where the agent is put together: every part is constructed here with its options
 * and closed here in reverse order. No container, no reflection.
 */
public final class Agent implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(Agent.class);

  /** How the agent runs. */
  public enum Mode {
    /** Local sensors, ingest from the broker, publishing: the service on a Pi. */
    RUN,
    /** Ingest only: no local sensor. */
    LISTEN,
    /** Everything local: simulated sensor, embedded broker, store in ./demo-data. */
    DEMO
  }

  private final AgentConfig config;
  private final Mode mode;
  private final AgentClock clock;
  private final AgentClock.Moment started;
  private final Instant startedAt;
  private final Deque<AutoCloseable> closeables = new ArrayDeque<>();
  private final List<SensorLoop> sensors = new ArrayList<>();
  private final RejectCounter rejects;
  private final RecentErrors errors = new RecentErrors(20);
  private Pipeline pipeline;
  private EmbeddedBroker broker;
  private MqttConnection connection;
  private Ingest ingest;
  private Publisher publisher;
  private ApiServer http;
  private volatile String newHttpToken;
  private MailSender mail;
  private Discovery discovery;
  private volatile boolean closed;

  private Agent(AgentConfig config, Mode mode, AgentClock clock) {
    this.config = config;
    this.mode = mode;
    this.clock = clock;
    this.started = clock.now();
    this.startedAt = started.wall();
    this.rejects = new RejectCounter(clock);
  }

  /**
   * Builds and starts every part; on failure, closes what was started and rethrows.
   *
   * @param clock the one clock of every part (wall clock for timestamps, monotonic for durations)
   */
  public static Agent start(AgentConfig config, Mode mode, AgentClock clock) {
    Agent agent = new Agent(config, mode, clock);
    try {
      agent.startParts();
      return agent;
    } catch (RuntimeException | Error e) {
      agent.close();
      throw e;
    }
  }

  private void startParts() {
    Path dataDir = config.agent().dataDir();
    try {
      Files.createDirectories(dataDir);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create data dir " + dataDir, e);
    }
    List<SensorConfig> localSensors = mode == Mode.LISTEN ? List.of() : config.sensors();
    // Before anything connects or opens: a taken HTTP port is the one thing said, at once.
    HttpWiring.checkPort(config.http());
    // Before the store opens: a data dir that already holds one keeps the id earlier versions used.
    String clientId =
        config.mqtt().enabled()
            ? ClientIdFile.resolve(config.mqtt().clientId(), config.agent().name(), dataDir, true)
            : null;

    pipeline =
        Pipeline.open(
            RuntimeOptions.store(config),
            RuntimeOptions.rules(config),
            RuntimeOptions.pipeline(config, localSensors),
            clock);
    closeables.push(pipeline);

    if (config.mail().enabled()) {
      mail = AgentMail.start(config, dataDir, pipeline.store(), clock);
      closeables.push(mail);
      pipeline.addListener(mail);
    }

    MqttConfig m = config.mqtt();
    if (m.enabled()) {
      List<String> servers = new ArrayList<>();
      if (m.embedded()) {
        broker =
            new EmbeddedBroker(
                new EmbeddedBroker.Options(
                    preferPort(1883), preferPort(8083), dataDir.resolve("broker")));
        broker.start();
        closeables.push(broker);
        servers.add(broker.tcpUrl());
      } else {
        m.servers().stream().map(URI::toString).forEach(servers::add);
      }
      Set<String> localIds = new LinkedHashSet<>();
      localSensors.forEach(s -> localIds.add(s.id()));
      MqttOptions options = RuntimeOptions.mqtt(config, servers, localIds, clientId);
      connection = MqttConnection.create(options, clock, VersionProvider.version());
      closeables.push(connection);
      connection.addListener(
          new MqttConnection.Listener() {
            @Override
            public void disconnected(String cause) {
              errors.add(clock.instant(), "mqtt: " + cause);
            }
          });
      connection.addListener(
          new SessionTakeoverWatch(options.clientId(), System::nanoTime, LOG::warn));
      // The publisher wakes on every commit that queued messages (Outbox.onEnqueued).
      publisher = new Publisher(connection, pipeline.outbox());
      closeables.push(publisher);
      if (m.subscribe()) {
        ingest = new Ingest(connection, pipeline, rejects, clock);
        closeables.push(ingest);
        ingest.start();
      }
      if (config.homeassistant().discovery()) {
        discovery =
            AgentHomeAssistant.start(config, localSensors, pipeline, connection, dataDir, clock);
        closeables.push(discovery);
      }
      publisher.start();
      connection.start();
    }

    for (SensorConfig s : localSensors) {
      SensorLoop loop = SensorLoop.create(SensorWiring.toOptions(s));
      String source = s.backend().name().toLowerCase(java.util.Locale.ROOT);
      loop.addListener(update -> onSensorUpdate(update, source));
      sensors.add(loop);
      closeables.push(loop);
      loop.start();
    }

    if (config.http().enabled()) {
      http = HttpWiring.start(config, dataDir, this::onNewHttpToken, httpBackend());
      closeables.push(http);
    }
  }

  private void onSensorUpdate(SensorUpdate update, String source) {
    switch (update) {
      case SensorUpdate.Good g -> {
        Reading r;
        try {
          r =
              new Reading(
                  g.sensorId(),
                  g.measuredAt(),
                  null,
                  g.reading().temperature(),
                  g.reading().humidity(),
                  source);
        } catch (IllegalArgumentException e) {
          // Outside what the agent accepts: counted as a failure, never stored as a number.
          pipeline.recordFailure(g.sensorId(), g.measuredAt(), "implausible");
          return;
        }
        pipeline
            .submitStamped(r) // the loop stamped it with the wall clock; it has no seq
            .whenComplete(
                (outcome, failure) -> {
                  if (failure != null) {
                    errors.add(clock.instant(), "store: " + failure.getMessage());
                  }
                });
      }
      case SensorUpdate.Invalid i -> {
        pipeline.recordFailure(i.sensorId(), i.at(), i.reason().id());
        if (i.consecutiveFailures() == 1 || i.consecutiveFailures() % 10 == 0) {
          LOG.warn(
              "sensor {}: read failed ({}): {} [{} in a row]",
              i.sensorId(),
              i.reason().id(),
              i.detail(),
              i.consecutiveFailures());
          errors.add(i.at(), "sensor " + i.sensorId() + ": " + i.reason().id() + ": " + i.detail());
        }
      }
    }
  }

  private AgentHttpBackend httpBackend() {
    return new AgentHttpBackend(
        config,
        clock,
        started,
        this::status,
        pipeline,
        List.copyOf(sensors),
        connection,
        publisher,
        ingest,
        rejects,
        errors);
  }

  private void onNewHttpToken(String token) {
    newHttpToken = token;
  }

  /**
   * The HTTP token when this start generated it (first start without a configured token), to be
   * printed once; otherwise null.
   */
  public String newHttpToken() {
    return newHttpToken;
  }

  /** Port {@code wanted} when it is free on loopback, else 0 (the OS picks one). */
  static int preferPort(int wanted) {
    try (ServerSocket s = new ServerSocket()) {
      s.setReuseAddress(true);
      s.bind(new InetSocketAddress("127.0.0.1", wanted));
      return wanted;
    } catch (IOException e) {
      return 0;
    }
  }

  /** The mode in lower case: run, listen or demo. */
  public String mode() {
    return mode.name().toLowerCase(java.util.Locale.ROOT);
  }

  public Pipeline pipeline() {
    return pipeline;
  }

  /** The HTTP port actually bound, or 0 when HTTP is off. */
  public int httpPort() {
    return http == null ? 0 : http.port();
  }

  /** The embedded broker, when the agent runs one. */
  public EmbeddedBroker broker() {
    return broker;
  }

  public MqttConnection connection() {
    return connection;
  }

  public List<SensorLoop> sensors() {
    return List.copyOf(sensors);
  }

  /** The snapshot behind {@code GET /api/status}. */
  public Map<String, Object> status() {
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("version", VersionProvider.version());
    out.put("name", config.agent().name());
    out.put("mode", mode.name().toLowerCase(java.util.Locale.ROOT));
    out.put("started_at", startedAt.toString());
    AgentClock.Moment now = clock.now();
    out.put("uptime_s", now.since(started).toSeconds());
    out.put("clock", clockStatus(clock, now));

    PipelineCounters pc = pipeline.counters();
    Map<String, Object> mqtt = new LinkedHashMap<>();
    mqtt.put("enabled", connection != null);
    mqtt.put("connected", connection != null && connection.isConnected());
    mqtt.put("outbox", pc.outboxDepth());
    mqtt.put("outbox_dropped", pc.outboxDropped());
    if (connection != null) {
      MqttConnection.Status s = connection.status();
      mqtt.put("state", s.state().name().toLowerCase(java.util.Locale.ROOT));
      mqtt.put("server", s.serverUri());
      mqtt.put("last_error", s.lastError());
      mqtt.put("since", s.since() == null ? null : s.since().toString());
    }
    if (publisher != null) {
      Publisher.Stats ps = publisher.stats();
      mqtt.put("published", ps.published());
      mqtt.put("confirmed", ps.confirmed());
      mqtt.put("in_flight", ps.inFlight());
    }
    if (broker != null) {
      mqtt.put("embedded_tcp", broker.tcpUrl());
      mqtt.put("embedded_ws", broker.webSocketUrl());
    }
    out.put("mqtt", mqtt);

    Map<String, Object> readings = new LinkedHashMap<>();
    readings.put("stored", pc.stored());
    readings.put("duplicates", pc.duplicates());
    readings.put("events_dropped", pc.eventsDropped());
    readings.put("store_failures", pc.storeFailures());
    readings.put("read_failures", pc.readFailures());
    Map<String, Long> rejected = new TreeMap<>();
    rejects.snapshot().forEach((reason, n) -> rejected.put(reason.id(), n));
    readings.put("rejected", rejected);
    if (ingest != null) {
      Ingest.Stats is = ingest.stats();
      readings.put("received", is.received());
      readings.put("pending_acks", is.pendingAcks());
      // why ingest waits for redeliveries of readings it could not store, or null
      readings.put("ingest_stalled", ingest.stalled().orElse(null));
    }
    out.put("readings", readings);

    Map<String, Object> incidents = new LinkedHashMap<>();
    incidents.put("open", pc.incidentsOpen());
    out.put("incidents", incidents);

    Map<String, Object> store = new LinkedHashMap<>();
    StoreHealth health = pipeline.store().health();
    store.put("healthy", health.healthy());
    // why not: a full disk (below the reserve), a failed log write, an I/O error
    store.put("reason", health.healthy() ? null : health.lastError());
    DiskSpace disk = health.disk();
    if (disk != null && disk.known()) {
      store.put("disk_free_bytes", disk.usableBytes());
      store.put("disk_size_bytes", disk.totalBytes());
      store.put("disk_reserve_bytes", disk.reserveBytes());
    }
    try {
      StoreCounts sc = pipeline.store().recentCounts();
      store.put("readings_kept", sc.readingsKept());
      store.put("devices", sc.devices());
      store.put("size_bytes", sc.sizeOnDiskBytes());
      long[] b = pipeline.store().batchStats();
      store.put("commits", b[0]);
      store.put("writes_committed", b[1]);
      store.put("largest_commit", b[2]);
    } catch (RuntimeException e) {
      store.put("error", e.getMessage());
    }
    out.put("store", store);
    if (mail != null) {
      out.put("mail", mail.stats());
    }

    List<Map<String, Object>> sensorList = new ArrayList<>();
    for (SensorLoop loop : sensors) {
      SensorStatus s = loop.status();
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("id", s.sensorId());
      m.put("backend", s.backend());
      m.put("valid", s.valid());
      m.put("attempts", s.attempts());
      m.put("successes", s.successes());
      m.put(
          "success_rate",
          s.attempts() == 0 ? null : Math.round(1000.0 * s.successes() / s.attempts()) / 1000.0);
      Map<String, Long> failures = new TreeMap<>();
      s.failures().forEach((reason, n) -> failures.put(reason.id(), n));
      m.put("failures", failures);
      if (s.lastGood() != null) {
        m.put("temperature", s.lastGood().temperature());
        m.put("humidity", s.lastGood().humidity());
        m.put("last_good_at", s.lastGoodAt().toString());
        m.put("age_s", s.lastGoodAge() == null ? null : s.lastGoodAge().toSeconds());
      }
      if (s.lastFailure() != null) {
        m.put("last_failure", s.lastFailure().reason().id() + ": " + s.lastFailure().detail());
      }
      sensorList.add(m);
    }
    out.put("sensors", sensorList);

    if (ingest != null) {
      Map<String, Object> devices = new TreeMap<>();
      for (Map.Entry<String, DeviceStatus> e : ingest.deviceStatuses().entrySet()) {
        Map<String, Object> d = new LinkedHashMap<>();
        d.put("online", e.getValue().online());
        d.put("since", e.getValue().since() == null ? null : e.getValue().since().toString());
        devices.put(e.getKey(), d);
      }
      out.put("device_status", devices);
    }
    Runtime rt = Runtime.getRuntime();
    Map<String, Object> jvm = new LinkedHashMap<>();
    jvm.put("heap_used_bytes", rt.totalMemory() - rt.freeMemory());
    jvm.put("heap_committed_bytes", rt.totalMemory());
    jvm.put("heap_max_bytes", rt.maxMemory());
    out.put("jvm", jvm);
    out.put("recent_errors", errors.snapshot());
    return out;
  }

  /**
   * {@code "clock"} of {@code /api/status}: the wall-clock time, and the steps of the wall clock
   * noticed since start (the last one with its size; negative seconds: set back).
   */
  static Map<String, Object> clockStatus(AgentClock clock, AgentClock.Moment now) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("now", now.wall().toString());
    m.put("steps", clock.steps());
    m.put("step_threshold_s", AgentClock.STEP_THRESHOLD.toSeconds());
    Map<String, Object> last = null;
    if (clock.lastStep().isPresent()) {
      AgentClock.Step step = clock.lastStep().get();
      last = new LinkedHashMap<>();
      last.put("noticed_at", step.noticedAt().toString());
      last.put("by_s", step.seconds());
    }
    m.put("last_step", last);
    return m;
  }

  /** Stops sensors first, then HTTP, MQTT, and finally the store. Safe to call twice. */
  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    while (!closeables.isEmpty()) {
      AutoCloseable c = closeables.pop();
      try {
        c.close();
      } catch (Exception e) {
        LOG.warn("closing {} failed: {}", c.getClass().getSimpleName(), e.toString());
      }
    }
  }
}
