package net.dhtedge.agent.http;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.util.Map;
import java.util.TreeMap;
import net.dhtedge.agent.pipeline.PipelineCounters;

/** {@code GET /metrics}: Prometheus text exposition format 0.0.4. */
final class Metrics {
  static final String CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

  private final StringBuilder out = new StringBuilder(2048);

  private Metrics() {}

  static String render(ApiBackend b, EventHub events, ConnectionGuard guard, JsonErrors errors) {
    Metrics m = new Metrics();
    PipelineCounters pc = b.pipeline().counters();
    m.family("edge_agent_readings_stored_total", "counter", "Readings committed to the store.");
    m.sample("edge_agent_readings_stored_total", Map.of(), pc.stored());
    m.family("edge_agent_readings_duplicate_total", "counter", "Readings dropped as duplicates.");
    m.sample("edge_agent_readings_duplicate_total", Map.of(), pc.duplicates());
    m.family(
        "edge_agent_pipeline_events_dropped_total",
        "counter",
        "Stored readings not passed to live views and Home Assistant (listeners too far behind).");
    m.sample("edge_agent_pipeline_events_dropped_total", Map.of(), pc.eventsDropped());
    m.family(
        "edge_agent_readings_store_failures_total",
        "counter",
        "Readings that could not be stored.");
    m.sample("edge_agent_readings_store_failures_total", Map.of(), pc.storeFailures());
    m.family(
        "edge_agent_readings_rejected_total",
        "counter",
        "MQTT reading payloads rejected, by contract reason.");
    new TreeMap<>(b.rejects())
        .forEach(
            (reason, n) ->
                m.sample("edge_agent_readings_rejected_total", Map.of("reason", reason), n));
    m.family(
        "edge_agent_clock_steps_total",
        "counter",
        "Steps of the wall clock (more than 2 s against the monotonic clock) since start.");
    m.sample("edge_agent_clock_steps_total", Map.of(), b.clock().steps());
    m.family(
        "edge_agent_clock_last_step_seconds",
        "gauge",
        "Size of the last wall-clock step (negative: set back); 0 before any.");
    m.sample(
        "edge_agent_clock_last_step_seconds",
        Map.of(),
        b.clock().lastStep().map(s -> s.seconds()).orElse(0.0));
    m.family("edge_agent_outbox_depth", "gauge", "Messages waiting to be published.");
    m.sample("edge_agent_outbox_depth", Map.of(), pc.outboxDepth());
    m.family(
        "edge_agent_outbox_dropped_total",
        "counter",
        "Reading messages dropped because the outbox was full.");
    m.sample("edge_agent_outbox_dropped_total", Map.of(), pc.outboxDropped());
    m.family(
        "edge_agent_sensor_reads_total",
        "counter",
        "Local sensor reads, by device, outcome (ok, failed) and failure reason.");
    for (ApiBackend.SensorReads r : b.sensorReads()) {
      Map<String, String> labels = new java.util.LinkedHashMap<>();
      labels.put("device", r.device());
      labels.put("outcome", r.outcome());
      labels.put("reason", r.reason() == null ? "" : r.reason());
      m.sample("edge_agent_sensor_reads_total", labels, r.count());
    }
    m.family("edge_agent_incidents", "gauge", "Incidents in the store, by status.");
    Map<String, Long> byStatus = b.pipeline().store().incidentCounts();
    for (String s : new String[] {"open", "acknowledged", "resolved"}) {
      m.sample("edge_agent_incidents", Map.of("status", s), byStatus.getOrDefault(s, 0L));
    }
    m.family("edge_agent_store_healthy", "gauge", "1 while the store's writes succeed.");
    m.sample("edge_agent_store_healthy", Map.of(), pc.storeHealthy() ? 1 : 0);
    m.family("edge_agent_mqtt_connected", "gauge", "1 while connected to the MQTT broker.");
    boolean connected =
        b.mqtt().map(c -> Boolean.TRUE.equals(c.status().get("connected"))).orElse(false);
    m.sample("edge_agent_mqtt_connected", Map.of(), connected ? 1 : 0);
    m.family("edge_agent_sse_clients", "gauge", "Connected Server-Sent Events clients.");
    m.sample("edge_agent_sse_clients", Map.of(), events.clients());
    m.family("edge_agent_sse_clients_dropped_total", "counter", "SSE clients dropped as too slow.");
    m.sample("edge_agent_sse_clients_dropped_total", Map.of(), events.clientsDropped());
    m.family("edge_agent_http_connections", "gauge", "Open HTTP connections.");
    m.sample("edge_agent_http_connections", Map.of(), guard.open());
    m.family(
        "edge_agent_http_connections_closed_total",
        "counter",
        "HTTP connections the server closed: idle without a complete request, evicted at the cap"
            + " to make room, or refused at the cap.");
    m.sample(
        "edge_agent_http_connections_closed_total", Map.of("reason", "idle"), guard.timedOut());
    m.sample(
        "edge_agent_http_connections_closed_total", Map.of("reason", "evicted"), guard.evicted());
    m.sample(
        "edge_agent_http_connections_closed_total", Map.of("reason", "refused"), guard.refused());
    m.family(
        "edge_agent_http_requests_rejected_total",
        "counter",
        "Malformed or oversized requests answered with an error before any handler ran.");
    m.sample("edge_agent_http_requests_rejected_total", Map.of(), errors.rejected());
    MemoryMXBean mem = ManagementFactory.getMemoryMXBean();
    m.family("edge_agent_jvm_memory_used_bytes", "gauge", "JVM memory in use, by area.");
    m.sample(
        "edge_agent_jvm_memory_used_bytes",
        Map.of("area", "heap"),
        mem.getHeapMemoryUsage().getUsed());
    m.sample(
        "edge_agent_jvm_memory_used_bytes",
        Map.of("area", "nonheap"),
        mem.getNonHeapMemoryUsage().getUsed());
    m.family("edge_agent_uptime_seconds", "gauge", "Seconds since the agent started.");
    m.sample("edge_agent_uptime_seconds", Map.of(), b.uptime(b.clock().now()).toMillis() / 1000.0);
    return m.out.toString();
  }

  private void family(String name, String type, String help) {
    out.append("# HELP ").append(name).append(' ').append(escapeHelp(help)).append('\n');
    out.append("# TYPE ").append(name).append(' ').append(type).append('\n');
  }

  private void sample(String name, Map<String, String> labels, double value) {
    out.append(name);
    if (!labels.isEmpty()) {
      out.append('{');
      boolean first = true;
      for (Map.Entry<String, String> e : labels.entrySet()) {
        if (!first) {
          out.append(',');
        }
        first = false;
        out.append(e.getKey()).append("=\"").append(escapeLabel(e.getValue())).append('"');
      }
      out.append('}');
    }
    out.append(' ').append(format(value)).append('\n');
  }

  static String format(double v) {
    if (v == Math.rint(v) && Math.abs(v) < 1e15) {
      return Long.toString((long) v);
    }
    return Double.toString(v);
  }

  /** HELP text: backslash and line feed escaped. */
  static String escapeHelp(String s) {
    return s.replace("\\", "\\\\").replace("\n", "\\n");
  }

  /** Label values: backslash, double quote and line feed escaped. */
  static String escapeLabel(String s) {
    return s.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n");
  }
}
