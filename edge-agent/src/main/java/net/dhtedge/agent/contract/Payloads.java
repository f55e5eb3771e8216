package net.dhtedge.agent.contract;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;
import net.dhtedge.agent.core.Reading;
import net.dhtedge.agent.rules.Incident;
import net.dhtedge.agent.rules.Transition;

/**
 * JSON payloads of the MQTT contract (docs/mqtt.md): readings, incidents, alerts and status. Times
 * are ISO-8601 UTC with millisecond precision and a {@code Z}.
 */
public final class Payloads {

  private static final JsonFactory JSON = new JsonFactory();

  private Payloads() {}

  /** {@code 2026-11-27T22:00:00.123Z}: {@link Timestamps#format}. */
  public static String ts(Instant t) {
    return Timestamps.format(t);
  }

  @FunctionalInterface
  private interface Body {
    void write(JsonGenerator g) throws IOException;
  }

  private static byte[] object(Body body) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(256);
    try (JsonGenerator g = JSON.createGenerator(out)) {
      g.writeStartObject();
      body.write(g);
      g.writeEndObject();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot encode JSON payload", e);
    }
    return out.toByteArray();
  }

  /**
   * A reading for {@code <prefix>/sensor/data}; {@code model} and {@code gateway} (the agent that
   * first stored it) may be null, and are then left out.
   */
  public static byte[] reading(Reading r, String model, String gateway) {
    return object(
        g -> {
          g.writeStringField("device_id", r.deviceId());
          g.writeStringField("ts", ts(r.ts()));
          if (r.seq() != null) {
            g.writeNumberField("seq", r.seq());
          }
          g.writeNumberField("temperature", r.temperature());
          g.writeNumberField("humidity", r.humidity());
          g.writeStringField("source", r.source());
          if (model != null) {
            g.writeStringField("model", model);
          }
          if (gateway != null) {
            g.writeStringField("gateway", gateway);
          }
        });
  }

  /** One incident transition for {@code <prefix>/incidents}. */
  public static byte[] incident(Transition t) {
    Incident i = t.incident();
    return object(
        g -> {
          g.writeNumberField("incident_id", i.id());
          g.writeStringField("status", i.status().id());
          g.writeStringField("device_id", i.deviceId());
          g.writeStringField("rule", i.rule().id());
          g.writeStringField("metric", i.rule().metric());
          number(g, "value", i.value());
          number(g, "threshold", i.threshold());
          time(g, "opened_at", i.openedAt());
          time(g, "acknowledged_at", i.acknowledgedAt());
          time(g, "resolved_at", i.resolvedAt());
          g.writeStringField("message", t.message());
          g.writeStringField("ts", ts(t.ts()));
        });
  }

  /** The alert of one incident transition for {@code <prefix>/alerts}. */
  public static byte[] alert(long alertId, Transition t) {
    Incident i = t.incident();
    return object(
        g -> {
          g.writeNumberField("alert_id", alertId);
          g.writeNumberField("incident_id", i.id());
          g.writeStringField("alert_type", t.change().id());
          g.writeStringField("device_id", i.deviceId());
          g.writeStringField("rule", i.rule().id());
          g.writeStringField("metric", i.rule().metric());
          number(g, "value", t.value() != null ? t.value() : i.value());
          number(g, "threshold", i.threshold());
          g.writeStringField("severity", i.rule().severity());
          g.writeStringField("message", t.message());
          g.writeStringField("ts", ts(t.ts()));
        });
  }

  /**
   * The agent's own retained status for {@code <prefix>/status}: online, with its time and version.
   */
  public static byte[] agentStatus(String status, Instant ts, String version) {
    return object(
        g -> {
          g.writeStringField("status", status);
          g.writeStringField("ts", ts(ts));
          g.writeStringField("version", version);
        });
  }

  /**
   * The agent's last will and clean-stop status for {@code <prefix>/status}: {@code
   * {"status":"offline"}}, with nothing else (a will is written at connect, long before it is
   * sent).
   */
  public static byte[] agentOffline() {
    return object(g -> g.writeStringField("status", "offline"));
  }

  /** A local device's retained status for {@code <prefix>/status/<device_id>}. */
  public static byte[] deviceStatus(String status, String deviceId) {
    return object(
        g -> {
          g.writeStringField("status", status);
          g.writeStringField("device_id", deviceId);
        });
  }

  private static void number(JsonGenerator g, String name, Double v) throws IOException {
    if (v == null) {
      g.writeNullField(name);
    } else {
      g.writeNumberField(name, v);
    }
  }

  private static void time(JsonGenerator g, String name, Instant t) throws IOException {
    if (t == null) {
      g.writeNullField(name);
    } else {
      g.writeStringField(name, ts(t));
    }
  }
}
