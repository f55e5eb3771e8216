package net.dhtedge.agent.cli;

import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import net.dhtedge.agent.contract.RejectCounter;
import net.dhtedge.agent.core.AgentClock;
import net.dhtedge.agent.http.StatusView;
import net.dhtedge.agent.mail.MailSender;
import net.dhtedge.agent.mqtt.DeviceStatus;
import net.dhtedge.agent.mqtt.EmbeddedBroker;
import net.dhtedge.agent.mqtt.Ingest;
import net.dhtedge.agent.mqtt.MqttConnection;
import net.dhtedge.agent.mqtt.Publisher;
import net.dhtedge.agent.pipeline.Pipeline;
import net.dhtedge.agent.pipeline.PipelineCounters;
import net.dhtedge.agent.store.DiskSpace;
import net.dhtedge.agent.store.Store;
import net.dhtedge.agent.store.StoreCounts;
import net.dhtedge.agent.store.StoreHealth;
import net.dhtedge.gpio.loop.SensorLoop;
import net.dhtedge.gpio.loop.SensorStatus;

/**
 * {@code GET /api/status} (and the status page's numbers): one snapshot of every part of a running
 * agent. The JSON shape is documented in the HTTP README; the HTTP tests pin it.
 */
final class AgentStatus {

  private AgentStatus() {}

  /** What the status is read from: the agent's parts (null when a part is off). */
  record Parts(
      String name,
      Agent.Mode mode,
      AgentClock clock,
      AgentClock.Moment started,
      Instant startedAt,
      Pipeline pipeline,
      MqttConnection connection,
      Publisher publisher,
      EmbeddedBroker broker,
      Ingest ingest,
      RejectCounter rejects,
      MailSender mail,
      List<SensorLoop> sensors,
      RecentErrors errors) {}

  /** The snapshot behind {@code GET /api/status}. */
  static StatusView build(Parts p) {
    AgentClock.Moment now = p.clock().now();
    PipelineCounters pc = p.pipeline().counters();
    return new StatusView(
        VersionProvider.version(),
        p.name(),
        p.mode().name().toLowerCase(Locale.ROOT),
        p.startedAt().toString(),
        now.since(p.started()).toSeconds(),
        clockStatus(p.clock(), now),
        mqtt(p, pc),
        readings(p, pc),
        new StatusView.Incidents(pc.incidentsOpen()),
        store(p.pipeline().store()),
        p.mail() == null ? null : p.mail().stats(),
        p.sensors().stream().map(l -> sensor(l.status())).toList(),
        p.ingest() == null ? null : deviceStatus(p.ingest()),
        jvm(),
        p.errors().snapshot());
  }

  private static StatusView.Mqtt mqtt(Parts p, PipelineCounters pc) {
    MqttConnection connection = p.connection();
    StatusView.Connection c = null;
    if (connection != null) {
      MqttConnection.Status s = connection.status();
      c =
          new StatusView.Connection(
              s.state().name().toLowerCase(Locale.ROOT),
              s.serverUri(),
              s.lastError(),
              text(s.since()));
    }
    StatusView.Publishing publishing = null;
    if (p.publisher() != null) {
      Publisher.Stats ps = p.publisher().stats();
      publishing = new StatusView.Publishing(ps.published(), ps.confirmed(), ps.inFlight());
    }
    EmbeddedBroker broker = p.broker();
    return new StatusView.Mqtt(
        connection != null,
        connection != null && connection.isConnected(),
        pc.outboxDepth(),
        pc.outboxDropped(),
        c,
        publishing,
        broker == null ? null : new StatusView.Embedded(broker.tcpUrl(), broker.webSocketUrl()));
  }

  private static StatusView.Readings readings(Parts p, PipelineCounters pc) {
    Map<String, Long> rejected = new TreeMap<>();
    p.rejects().snapshot().forEach((reason, n) -> rejected.put(reason.id(), n));
    Ingest ingest = p.ingest();
    StatusView.IngestCounts counts = null;
    if (ingest != null) {
      Ingest.Stats is = ingest.stats();
      // why ingest waits for redeliveries of readings it could not store, or null
      counts =
          new StatusView.IngestCounts(
              is.received(), is.pendingAcks(), ingest.stalled().orElse(null));
    }
    return new StatusView.Readings(
        pc.stored(),
        pc.duplicates(),
        pc.eventsDropped(),
        pc.storeFailures(),
        pc.readFailures(),
        rejected,
        counts);
  }

  private static StatusView.Store store(Store store) {
    StoreHealth health = store.health();
    DiskSpace disk = health.disk();
    StatusView.Disk d =
        disk != null && disk.known()
            ? new StatusView.Disk(disk.usableBytes(), disk.totalBytes(), disk.reserveBytes())
            : null;
    // why not healthy: a full disk (below the reserve), a failed log write, an I/O error
    String reason = health.healthy() ? null : health.lastError();
    try {
      StoreCounts sc = store.recentCounts();
      long[] b = store.batchStats();
      return new StatusView.Store(
          health.healthy(),
          reason,
          d,
          new StatusView.StoreCounts(
              sc.readingsKept(), sc.devices(), sc.sizeOnDiskBytes(), b[0], b[1], b[2]),
          null);
    } catch (RuntimeException e) {
      return new StatusView.Store(health.healthy(), reason, d, null, e.getMessage());
    }
  }

  private static StatusView.Sensor sensor(SensorStatus s) {
    Map<String, Long> failures = new TreeMap<>();
    s.failures().forEach((reason, n) -> failures.put(reason.id(), n));
    StatusView.LastGood last = null;
    if (s.lastGood() != null) {
      last =
          new StatusView.LastGood(
              s.lastGood().temperature(),
              s.lastGood().humidity(),
              s.lastGoodAt().toString(),
              s.lastGoodAge() == null ? null : s.lastGoodAge().toSeconds());
    }
    return new StatusView.Sensor(
        s.sensorId(),
        s.backend(),
        s.valid(),
        s.attempts(),
        s.successes(),
        s.attempts() == 0 ? null : Math.round(1000.0 * s.successes() / s.attempts()) / 1000.0,
        failures,
        last,
        s.lastFailure() == null
            ? null
            : s.lastFailure().reason().id() + ": " + s.lastFailure().detail());
  }

  private static Map<String, StatusView.DeviceStatus> deviceStatus(Ingest ingest) {
    Map<String, StatusView.DeviceStatus> devices = new TreeMap<>();
    for (Map.Entry<String, DeviceStatus> e : ingest.deviceStatuses().entrySet()) {
      devices.put(
          e.getKey(),
          new StatusView.DeviceStatus(e.getValue().online(), text(e.getValue().since())));
    }
    return devices;
  }

  private static StatusView.Jvm jvm() {
    Runtime rt = Runtime.getRuntime();
    return new StatusView.Jvm(rt.totalMemory() - rt.freeMemory(), rt.totalMemory(), rt.maxMemory());
  }

  private static String text(Instant t) {
    return t == null ? null : t.toString();
  }

  /**
   * {@code "clock"} of {@code /api/status}: the wall-clock time, and the steps of the wall clock
   * noticed since start (the last one with its size; negative seconds: set back).
   */
  static StatusView.Clock clockStatus(AgentClock clock, AgentClock.Moment now) {
    StatusView.Step last =
        clock
            .lastStep()
            .map(step -> new StatusView.Step(step.noticedAt().toString(), step.seconds()))
            .orElse(null);
    return new StatusView.Clock(
        now.wall().toString(), clock.steps(), AgentClock.STEP_THRESHOLD.toSeconds(), last);
  }
}
