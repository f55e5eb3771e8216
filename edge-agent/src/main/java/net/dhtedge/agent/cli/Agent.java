package net.dhtedge.agent.cli;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import net.dhtedge.agent.config.AgentConfig;
import net.dhtedge.agent.config.SensorConfig;
import net.dhtedge.agent.contract.BootSequence;
import net.dhtedge.agent.contract.RejectCounter;
import net.dhtedge.agent.core.AgentClock;
import net.dhtedge.agent.homeassistant.Discovery;
import net.dhtedge.agent.http.ApiServer;
import net.dhtedge.agent.http.StatusView;
import net.dhtedge.agent.mail.MailSender;
import net.dhtedge.agent.mqtt.ClientIdFile;
import net.dhtedge.agent.mqtt.EmbeddedBroker;
import net.dhtedge.agent.mqtt.Ingest;
import net.dhtedge.agent.mqtt.MqttConnection;
import net.dhtedge.agent.mqtt.MqttOptions;
import net.dhtedge.agent.mqtt.Publisher;
import net.dhtedge.agent.mqtt.SessionTakeoverWatch;
import net.dhtedge.agent.pipeline.Pipeline;
import net.dhtedge.agent.pipeline.PipelineOptions;
import net.dhtedge.agent.store.Store;
import net.dhtedge.gpio.loop.SensorLoop;
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
    /** A central collector: ingest only, into PostgreSQL ({@code store.url}). */
    HUB,
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
    if (mode == Mode.HUB && !config.store().target().isPostgres()) {
      throw new IllegalArgumentException(
          "hub stores into PostgreSQL: give --store jdbc:postgresql://HOST:PORT/DB (or store.url)");
    }
    List<SensorConfig> localSensors =
        mode == Mode.LISTEN || mode == Mode.HUB ? List.of() : config.sensors();
    // Before anything connects or opens: a taken HTTP port is the one thing said, at once.
    HttpWiring.checkPort(config.http());
    // So is an embedded broker this jar does not have (the Debian package's has none).
    if (config.mqtt().enabled() && config.mqtt().embedded() && !EmbeddedBroker.available()) {
      throw new IllegalStateException(EmbeddedBroker.MISSING);
    }
    // Before the store opens: a data dir that already holds one keeps the id earlier versions used.
    String clientId =
        config.mqtt().enabled()
            ? ClientIdFile.resolve(config.mqtt().clientId(), config.agent().name(), dataDir, true)
            : null;

    pipeline =
        Pipeline.open(
            Store.open(config.store(), config.store().target(), clock),
            config.rulesForSensors(),
            pipelineOptions(config, localSensors),
            clock);
    closeables.push(pipeline);

    if (config.mail().enabled()) {
      mail = AgentMail.start(config, dataDir, pipeline.store(), clock);
      closeables.push(mail);
      pipeline.addListener(mail);
    }

    MqttOptions m = config.mqtt();
    if (m.enabled()) {
      List<String> servers = new ArrayList<>();
      if (m.embedded()) {
        broker =
            EmbeddedBroker.create(
                new EmbeddedBroker.Options(
                    EmbeddedBroker.firstFreePort(
                        EmbeddedBroker.DEFAULT_TCP_PORT, EmbeddedBroker.PORTS_TRIED),
                    EmbeddedBroker.firstFreePort(
                        EmbeddedBroker.DEFAULT_WEB_SOCKET_PORT, EmbeddedBroker.PORTS_TRIED),
                    dataDir.resolve("broker")));
        broker.start();
        closeables.push(broker);
        servers.add(broker.tcpUrl());
      } else {
        servers.addAll(m.serverUris());
      }
      Set<String> localIds = new LinkedHashSet<>();
      localSensors.forEach(s -> localIds.add(s.id()));
      MqttOptions options =
          m.toBuilder().serverUris(servers).clientId(clientId).localDeviceIds(localIds).build();
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

    BootSequence seqs = localSensors.isEmpty() ? null : BootSequence.open(dataDir);
    if (seqs != null && seqs.problem().isPresent()) {
      LOG.error("{}", seqs.problem().get());
      errors.add(clock.instant(), seqs.problem().get());
    }
    for (SensorConfig s : localSensors) {
      SensorLoop loop = SensorLoop.create(SensorWiring.toOptions(s), clock);
      String source = s.backend().name().toLowerCase(java.util.Locale.ROOT);
      loop.addListener(new SensorIntake(pipeline, errors, clock, source, seqs));
      sensors.add(loop);
      closeables.push(loop);
      loop.start();
    }

    if (config.http().enabled()) {
      http =
          HttpWiring.start(
              config,
              dataDir,
              this::onNewHttpToken,
              httpBackend(),
              broker == null ? null : broker.webSocketUrl());
      closeables.push(http);
    }
  }

  /**
   * The pipeline's options: local sensors' models, and only their readings published (a reading
   * ingested from the broker is there already, whatever "source" its sender wrote in it).
   */
  private static PipelineOptions pipelineOptions(AgentConfig c, List<SensorConfig> localSensors) {
    Map<String, String> models = new HashMap<>();
    for (SensorConfig s : localSensors) {
      models.put(s.id(), s.model().id());
    }
    return new PipelineOptions(
        c.mqtt().topicPrefix(),
        c.mqtt().readingQos(),
        "mqtt",
        c.agent().name(),
        Duration.ofSeconds(10),
        models,
        models.keySet(),
        c.mail().enabled());
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

  /** The snapshot behind {@code GET /api/status}: {@link AgentStatus}. */
  public StatusView status() {
    return AgentStatus.build(
        new AgentStatus.Parts(
            config.agent().name(),
            mode,
            clock,
            started,
            startedAt,
            pipeline,
            connection,
            publisher,
            broker,
            ingest,
            rejects,
            mail,
            sensors,
            errors));
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
