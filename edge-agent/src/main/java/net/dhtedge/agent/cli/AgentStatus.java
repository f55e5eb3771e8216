package net.dhtedge.agent.cli;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import net.dhtedge.agent.contract.RejectCounter;
import net.dhtedge.agent.core.AgentClock;
import net.dhtedge.agent.mail.MailSender;
import net.dhtedge.agent.mqtt.DeviceStatus;
import net.dhtedge.agent.mqtt.EmbeddedBroker;
import net.dhtedge.agent.mqtt.Ingest;
import net.dhtedge.agent.mqtt.MqttConnection;
import net.dhtedge.agent.mqtt.Publisher;
import net.dhtedge.agent.pipeline.Pipeline;
import net.dhtedge.agent.pipeline.PipelineCounters;
import net.dhtedge.agent.store.DiskSpace;
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
  static Map<String, Object> build(Parts p) {
    AgentClock clock = p.clock();
    Pipeline pipeline = p.pipeline();
    MqttConnection connection = p.connection();
    Publisher publisher = p.publisher();
    EmbeddedBroker broker = p.broker();
    Ingest ingest = p.ingest();
    MailSender mail = p.mail();
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("version", VersionProvider.version());
    out.put("name", p.name());
    out.put("mode", p.mode().name().toLowerCase(java.util.Locale.ROOT));
    out.put("started_at", p.startedAt().toString());
    AgentClock.Moment now = clock.now();
    out.put("uptime_s", now.since(p.started()).toSeconds());
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
    p.rejects().snapshot().forEach((reason, n) -> rejected.put(reason.id(), n));
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
    for (SensorLoop loop : p.sensors()) {
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
    out.put("recent_errors", p.errors().snapshot());
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
}
