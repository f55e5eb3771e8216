package net.dhtedge.agent.cli;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;
import net.dhtedge.agent.config.AgentConfig;
import net.dhtedge.agent.contract.RejectCounter;
import net.dhtedge.agent.core.AgentClock;
import net.dhtedge.agent.http.ApiBackend;
import net.dhtedge.agent.http.DeviceView;
import net.dhtedge.agent.http.MqttControl;
import net.dhtedge.agent.http.StatusView;
import net.dhtedge.agent.mqtt.DeviceStatus;
import net.dhtedge.agent.mqtt.Ingest;
import net.dhtedge.agent.mqtt.MqttConnection;
import net.dhtedge.agent.mqtt.Publisher;
import net.dhtedge.agent.pipeline.Pipeline;
import net.dhtedge.agent.rules.RulesOptions;
import net.dhtedge.agent.store.DeviceSummary;
import net.dhtedge.gpio.FailureReason;
import net.dhtedge.gpio.loop.SensorLoop;
import net.dhtedge.gpio.loop.SensorStatus;

/** What the HTTP server sees of the agent: built by {@link Agent} from its parts. */
final class AgentHttpBackend implements ApiBackend {

  private final AgentConfig config;
  private final AgentClock clock;
  private final AgentClock.Moment started;
  private final Supplier<StatusView> status;
  private final Pipeline pipeline;
  private final List<SensorLoop> sensors;
  private final Ingest ingest;
  private final RejectCounter rejects;
  private final RecentErrors errors;
  private final RulesOptions rules;
  private final Optional<MqttControl> mqtt;

  AgentHttpBackend(
      AgentConfig config,
      AgentClock clock,
      AgentClock.Moment started,
      Supplier<StatusView> status,
      Pipeline pipeline,
      List<SensorLoop> sensors,
      MqttConnection connection,
      Publisher publisher,
      Ingest ingest,
      RejectCounter rejects,
      RecentErrors errors) {
    this.config = config;
    this.clock = clock;
    this.started = started;
    this.status = status;
    this.pipeline = pipeline;
    this.sensors = sensors;
    this.ingest = ingest;
    this.rejects = rejects;
    this.errors = errors;
    this.rules = config.rulesForSensors();
    this.mqtt =
        connection == null ? Optional.empty() : Optional.of(new Control(connection, publisher));
  }

  @Override
  public String version() {
    return VersionProvider.version();
  }

  @Override
  public Instant startedAt() {
    return started.wall();
  }

  @Override
  public Duration uptime(AgentClock.Moment now) {
    Duration d = now.since(started);
    return d.isNegative() ? Duration.ZERO : d;
  }

  @Override
  public String name() {
    return config.agent().name();
  }

  @Override
  public AgentClock clock() {
    return clock;
  }

  @Override
  public StatusView status() {
    return status.get();
  }

  @Override
  public List<DeviceView> devices() {
    Map<String, SensorStatus> local = new TreeMap<>();
    for (SensorLoop l : sensors) {
      SensorStatus s = l.status();
      local.put(s.sensorId(), s);
    }
    Map<String, DeviceStatus> remote = ingest == null ? Map.of() : ingest.deviceStatuses();
    Map<String, DeviceView> out = new TreeMap<>();
    AgentClock.Moment now = clock.now();
    for (DeviceSummary d : pipeline.store().devices()) {
      out.put(d.deviceId(), view(d.deviceId(), d, local.get(d.deviceId()), remote, now));
    }
    for (String id : local.keySet()) {
      out.computeIfAbsent(id, k -> view(k, null, local.get(k), remote, now));
    }
    for (String id : remote.keySet()) {
      out.computeIfAbsent(id, k -> view(k, null, null, remote, now));
    }
    return new ArrayList<>(out.values());
  }

  private DeviceView view(
      String id,
      DeviceSummary d,
      SensorStatus s,
      Map<String, DeviceStatus> remote,
      AgentClock.Moment now) {
    Duration interval = rules.staleAfter(id).dividedBy(rules.staleAfterIntervals());
    Boolean online = null;
    Double rate = null;
    boolean failed = false;
    String failure = null;
    if (s != null) {
      online = s.running();
      rate = s.attempts() == 0 ? null : (double) s.successes() / s.attempts();
      failed = !s.valid() && s.lastFailure() != null;
      if (s.lastFailure() != null) {
        failure = s.lastFailure().reason().id() + ": " + s.lastFailure().detail();
      }
    } else if (remote.containsKey(id)) {
      online = remote.get(id).online();
    }
    return new DeviceView(
        id,
        s != null,
        d == null ? null : d.temperature(),
        d == null ? null : d.humidity(),
        d == null ? null : d.lastTs(),
        d == null || d.lastTs() == null ? null : age(id, d.lastTs(), now),
        interval,
        online,
        rate,
        failed,
        failure,
        d == null ? null : d.source(),
        d == null ? 0 : d.readings());
  }

  /**
   * The age of the device's newest reading: from the monotonic clock when this run stored it
   * ({@link Pipeline#age}), else from the wall clock, never below zero (a reading stored before a
   * restart whose ts is ahead of the clock now is "just now", not "in −1 h").
   */
  private Duration age(String id, Instant lastTs, AgentClock.Moment now) {
    return pipeline
        .age(id, now)
        .orElseGet(
            () -> {
              Duration d = Duration.between(lastTs, now.wall());
              return d.isNegative() ? Duration.ZERO : d;
            });
  }

  @Override
  public Pipeline pipeline() {
    return pipeline;
  }

  @Override
  public boolean isLocal(String deviceId) {
    return sensors.stream().anyMatch(l -> l.status().sensorId().equals(deviceId));
  }

  @Override
  public String defaultDevice() {
    return config.mqtt().defaultDevice();
  }

  @Override
  public Optional<String> ingestStalled() {
    return ingest == null ? Optional.empty() : ingest.stalled();
  }

  @Override
  public Map<String, Long> rejects() {
    Map<String, Long> out = new TreeMap<>();
    rejects.snapshot().forEach((r, n) -> out.put(r.id(), n));
    return out;
  }

  @Override
  public List<SensorReads> sensorReads() {
    List<SensorReads> out = new ArrayList<>();
    for (SensorLoop l : sensors) {
      SensorStatus s = l.status();
      out.add(new SensorReads(s.sensorId(), "ok", "", s.successes()));
      for (FailureReason r : FailureReason.values()) {
        out.add(new SensorReads(s.sensorId(), "failed", r.id(), s.failures().getOrDefault(r, 0L)));
      }
    }
    return out;
  }

  @Override
  public List<Duration> retention() {
    var s = config.store();
    return List.of(
        Duration.ofDays(s.rawRetentionDays()),
        Duration.ofDays(s.minuteRetentionDays()),
        Duration.ofDays(s.hourRetentionDays()));
  }

  @Override
  public List<Map<String, Object>> recentErrors() {
    return errors.snapshot();
  }

  @Override
  public Optional<MqttControl> mqtt() {
    return mqtt;
  }

  /** The MQTT connection and publisher behind the {@code /mqtt/...} endpoints. */
  private static final class Control implements MqttControl {
    private final MqttConnection connection;
    private final Publisher publisher;

    Control(MqttConnection connection, Publisher publisher) {
      this.connection = connection;
      this.publisher = publisher;
    }

    @Override
    public Map<String, Object> status() {
      MqttConnection.Status s = connection.status();
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("connected", connection.isConnected());
      m.put("state", s.state().name().toLowerCase(Locale.ROOT));
      String server = s.serverUri();
      m.put("server", server);
      java.net.URI u = server == null ? null : java.net.URI.create(server);
      m.put("broker", u == null ? null : u.getHost());
      m.put("port", u == null || u.getPort() < 0 ? null : u.getPort());
      m.put("servers", connection.serverUris());
      m.put("client_id", connection.options().clientId());
      m.put("last_error", s.lastError());
      m.put("since", s.since() == null ? null : s.since().toString());
      return m;
    }

    @Override
    public CompletableFuture<Boolean> connect(List<String> serverUris) {
      return connection.switchTo(serverUris);
    }

    @Override
    public CompletableFuture<Void> disconnect() {
      return connection.disconnectOnRequest();
    }

    @Override
    public void addListener(ConnectionListener listener) {
      connection.addListener(
          new MqttConnection.Listener() {
            @Override
            public void connected(String serverUri) {
              listener.changed(true, serverUri, null);
            }

            @Override
            public void disconnected(String cause) {
              listener.changed(false, connection.status().serverUri(), cause);
            }
          });
    }

    @Override
    public String incidentsTopic() {
      return connection.topics().incidents();
    }

    @Override
    public String readingsTopic() {
      return connection.topics().sensorData();
    }

    @Override
    public int readingQos() {
      return connection.options().readingQos();
    }

    @Override
    public void signal() {
      publisher.signal();
    }
  }
}
