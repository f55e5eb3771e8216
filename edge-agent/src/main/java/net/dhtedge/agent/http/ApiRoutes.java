package net.dhtedge.agent.http;

import com.fasterxml.jackson.annotation.JsonUnwrapped;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.time.DateTimeException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import net.dhtedge.agent.core.Reading;
import net.dhtedge.agent.rules.Incident;
import net.dhtedge.agent.store.HistoryPoint;
import net.dhtedge.agent.store.Step;
import net.dhtedge.agent.store.Store;

/** The {@code /api/...} endpoints. */
final class ApiRoutes {
  /** Most points one {@code /api/readings} answer carries. */
  static final int MAX_POINTS = Store.MAX_POINTS;

  private static final Set<String> STATUSES = Set.of("open", "acknowledged", "resolved");

  private final ApiBackend b;

  ApiRoutes(ApiBackend backend) {
    this.b = backend;
  }

  void status(Call c) throws IOException {
    c.json(200, status());
  }

  void devices(Call c) throws IOException {
    c.json(200, Map.of("devices", devices()));
  }

  void readings(Call c) throws IOException {
    c.json(200, readings(c.query));
  }

  void incidents(Call c) throws IOException {
    c.json(200, incidents(c.query));
  }

  /** {@code POST /api/incidents/{id}/ack}. */
  void acknowledge(Call c, String id) throws IOException {
    incidentAction(c, id, true);
  }

  /** {@code POST /api/incidents/{id}/resolve}. */
  void resolve(Call c, String id) throws IOException {
    incidentAction(c, id, false);
  }

  /** {@code GET /api/status}: the agent's snapshot, and every device after it. */
  StatusBody status() {
    return new StatusBody(b.status(), devices());
  }

  /** The status with its devices: the snapshot's keys, then {@code devices}. */
  record StatusBody(@JsonUnwrapped StatusView status, List<DeviceJson> devices) {}

  List<DeviceJson> devices() {
    return b.devices().stream().map(DeviceJson::of).toList();
  }

  // ---- readings ----

  Map<String, Object> readings(Map<String, String> q) {
    String device = q.get("device");
    if (device == null || device.isEmpty()) {
      throw HttpError.badField("device", "required");
    }
    if (!Reading.DEVICE_ID.matcher(device).matches()) {
      throw HttpError.badField("device", "must match [A-Za-z0-9_.-]{1,64}");
    }
    Instant now = b.clock().instant();
    Instant to = q.containsKey("to") ? instant("to", q.get("to")) : now;
    Instant from =
        q.containsKey("from") ? instant("from", q.get("from")) : to.minus(Duration.ofHours(1));
    if (!from.isBefore(to)) {
      throw HttpError.badField("from", "must be before to");
    }
    Step step;
    try {
      step = Step.fromId(q.getOrDefault("step", "raw"));
    } catch (IllegalArgumentException e) {
      throw HttpError.badField("step", "must be raw, 1m or 1h");
    }
    long spanMs = Duration.between(from, to).toMillis();
    if (step != Step.RAW && spanMs / step.millis() > MAX_POINTS) {
      throw tooMany(step, spanMs);
    }
    Store store = b.pipeline().store();
    List<HistoryPoint> points = store.readings(device, from, to, step, MAX_POINTS);
    if (points.size() >= MAX_POINTS) {
      // The store returns at most MAX_POINTS: is there one more after the last?
      Instant after = points.get(points.size() - 1).ts().plusMillis(Math.max(1, step.millis()));
      if (after.isBefore(to) && !store.readings(device, after, to, step, 1).isEmpty()) {
        throw tooMany(step, spanMs);
      }
    }
    List<Map<String, Object>> out = new ArrayList<>(points.size());
    for (HistoryPoint p : points) {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("ts", Json.ts(p.ts()));
      if (step == Step.RAW) {
        m.put("temperature", p.temperatureAvg());
        m.put("humidity", p.humidityAvg());
      } else {
        m.put("n", p.count());
        m.put(
            "temperature",
            Map.of(
                "min",
                p.temperatureMin(),
                "max",
                p.temperatureMax(),
                "avg",
                round(p.temperatureAvg())));
        m.put(
            "humidity",
            Map.of("min", p.humidityMin(), "max", p.humidityMax(), "avg", round(p.humidityAvg())));
      }
      out.add(m);
    }
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("device", device);
    body.put("step", step.id());
    body.put("from", Json.ts(from));
    body.put("to", Json.ts(to));
    body.put("count", out.size());
    body.put("points", out);
    return body;
  }

  private static double round(double v) {
    return Math.round(v * 1000.0) / 1000.0;
  }

  private static HttpError tooMany(Step step, long spanMs) {
    String suggest =
        spanMs / Step.MINUTE.millis() <= MAX_POINTS
            ? "1m"
            : spanMs / Step.HOUR.millis() <= MAX_POINTS ? "1h" : null;
    if (suggest != null && suggest.equals(step.id())) {
      suggest = "1h";
    }
    HttpError e =
        HttpError.badField(
                "step",
                "more than "
                    + MAX_POINTS
                    + " points at step "
                    + step.id()
                    + (suggest == null ? "; narrow the range" : "; use step=" + suggest))
            .with("max_points", MAX_POINTS);
    e.with("suggested_step", suggest);
    return e;
  }

  /** The earliest and latest instants a query may name: the store's timestamps live in between. */
  static final Instant EARLIEST = Instant.EPOCH;

  static final Instant LATEST = Instant.parse("9999-12-31T23:59:59.999Z");

  static Instant instant(String field, String v) {
    if (v == null || v.isEmpty()) {
      throw HttpError.badField(field, "empty");
    }
    Instant t;
    if (v.chars().allMatch(Character::isDigit) && v.length() <= 15) {
      t = Instant.ofEpochMilli(Long.parseLong(v));
    } else {
      t = parseIso(field, v);
    }
    if (t.isBefore(EARLIEST) || t.isAfter(LATEST)) {
      throw HttpError.badField(field, "must lie between " + EARLIEST + " and " + LATEST);
    }
    return t;
  }

  private static Instant parseIso(String field, String v) {
    try {
      return Instant.parse(v);
    } catch (DateTimeException e) {
      try {
        return java.time.OffsetDateTime.parse(v).toInstant();
      } catch (DateTimeException e2) {
        // DateTimeException, not only its parse subclass: a year past ±999,999,999 is out of range
        throw HttpError.badField(field, "ISO-8601 (2026-11-27T22:00:00Z) or epoch milliseconds");
      }
    }
  }

  // ---- incidents ----

  Map<String, Object> incidents(Map<String, String> q) {
    Set<String> wanted = new LinkedHashSet<>();
    String s = q.get("status");
    if (s != null && !s.isEmpty()) {
      for (String one : s.split(",")) {
        if (!STATUSES.contains(one)) {
          throw HttpError.badField("status", "open, acknowledged or resolved");
        }
        wanted.add(one);
      }
    }
    int limit = 100;
    if (q.containsKey("limit")) {
      try {
        limit = Integer.parseInt(q.get("limit"));
      } catch (NumberFormatException e) {
        throw HttpError.badField("limit", "an integer 1.." + MAX_POINTS);
      }
      if (limit < 1 || limit > MAX_POINTS) {
        throw HttpError.badField("limit", "an integer 1.." + MAX_POINTS);
      }
    }
    Store store = b.pipeline().store();
    List<Incident> found =
        !wanted.isEmpty() && !wanted.contains("resolved")
            ? store.notResolvedIncidents()
            : store.incidents(wanted.isEmpty() ? limit : MAX_POINTS);
    List<IncidentJson> out = new ArrayList<>();
    for (Incident i : found) {
      if (wanted.isEmpty() || wanted.contains(i.status().id())) {
        out.add(IncidentJson.of(i));
        if (out.size() >= limit) {
          break;
        }
      }
    }
    return Map.of("incidents", out);
  }

  private void incidentAction(Call c, String rawId, boolean acknowledge) throws IOException {
    long id = incidentId(rawId);
    JsonNode body = Json.object(c.body());
    String who = "http";
    JsonNode by = body.get("by");
    if (by != null && !by.isNull()) {
      if (!by.isTextual() || by.asText().isBlank() || by.asText().length() > 64) {
        throw HttpError.badField("by", "a name of 1..64 characters");
      }
      who = by.asText();
    }
    CompletableFuture<Incident> f =
        acknowledge ? b.pipeline().acknowledge(id, who) : b.pipeline().resolve(id, who);
    c.json(200, IncidentJson.of(await(f, "incident " + id)));
  }

  static long incidentId(String raw) {
    try {
      long id = Long.parseLong(raw);
      if (id < 1) {
        throw new NumberFormatException();
      }
      return id;
    } catch (NumberFormatException e) {
      throw HttpError.badField("incident_id", "a positive integer");
    }
  }

  static <T> T await(CompletableFuture<T> f, String what) {
    try {
      return f.get(10, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new HttpError(503, "interrupted");
    } catch (TimeoutException e) {
      throw new HttpError(503, "store busy; try again");
    } catch (ExecutionException e) {
      if (e.getCause() instanceof NoSuchElementException) {
        throw HttpError.notFound(what);
      }
      if (e.getCause() instanceof IllegalArgumentException iae) {
        throw new HttpError(400, iae.getMessage());
      }
      throw new HttpError(503, "store failed; try again");
    }
  }
}
