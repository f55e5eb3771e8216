package net.dhtedge.agent.http;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.regex.Pattern;
import net.dhtedge.agent.contract.ParseResult;
import net.dhtedge.agent.contract.Payloads;
import net.dhtedge.agent.contract.ReadingParser;
import net.dhtedge.agent.core.Reading;
import net.dhtedge.agent.outbox.OutboxPriority;
import net.dhtedge.agent.pipeline.ReadingIntake;
import net.dhtedge.agent.rules.Incident;
import net.dhtedge.agent.rules.IncidentStatus;
import net.dhtedge.agent.rules.Transition;

/** The reference system's {@code /mqtt/...} endpoints. */
final class MqttRoutes {
  private static final Pattern HOST =
      Pattern.compile("[A-Za-z0-9.-]{1,253}|\\[[0-9A-Fa-f:.]{2,45}]");
  private static final List<String> FIELDS =
      List.of("temperature", "humidity", "device_id", "ts", "seq", "source", "model");

  private final ApiBackend b;
  private final ReadingParser parser;

  MqttRoutes(ApiBackend backend) {
    this.b = backend;
    this.parser = new ReadingParser(backend.defaultDevice());
  }

  /** MQTT's side of the agent, or 409 when the configuration has MQTT off. */
  private MqttControl mqtt() {
    return b.mqtt().orElseThrow(() -> new HttpError(409, "mqtt is off in the configuration"));
  }

  void status(Call c) throws IOException {
    c.json(200, status(mqtt()));
  }

  void connect(Call c) throws IOException {
    connect(c, mqtt());
  }

  void disconnect(Call c) throws IOException {
    MqttControl m = mqtt();
    Json.object(c.body());
    ApiRoutes.await(m.disconnect(), "mqtt");
    c.json(200, status(m));
  }

  /** {@code POST /mqtt/publish/incident/{id}}. */
  void republishIncident(Call c, String rawId) throws IOException {
    republishIncident(c, mqtt(), rawId);
  }

  private Map<String, Object> status(MqttControl m) {
    Map<String, Object> out = new LinkedHashMap<>(m.status());
    out.put("outbox", b.pipeline().counters().outboxDepth());
    return out;
  }

  private void connect(Call c, MqttControl m) throws IOException {
    JsonNode body = Json.object(c.body());
    JsonNode broker = body.get("broker");
    if (broker == null || broker.isNull()) {
      throw HttpError.badField("broker", "required: a host name or address");
    }
    if (!broker.isTextual() || !HOST.matcher(broker.asText()).matches()) {
      throw HttpError.badField("broker", "a host name or address (letters, digits, . and -)");
    }
    int port = 1883;
    JsonNode p = body.get("port");
    if (p != null && !p.isNull()) {
      if (!p.isIntegralNumber() || p.asLong() < 1 || p.asLong() > 65535) {
        throw HttpError.badField("port", "an integer 1..65535");
      }
      port = p.asInt();
    }
    String uri = "tcp://" + broker.asText() + ":" + port;
    Boolean up;
    try {
      up = m.connect(List.of(uri)).get(60, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new HttpError(503, "interrupted");
    } catch (TimeoutException e) {
      up = false;
    } catch (ExecutionException e) {
      throw new HttpError(503, "cannot switch brokers");
    } catch (IllegalArgumentException e) {
      throw HttpError.badField("broker", e.getMessage());
    }
    Map<String, Object> out = status(m);
    // 200 when connected; 202 when the first attempt failed and it keeps retrying.
    c.json(Boolean.TRUE.equals(up) ? 200 : 202, out);
  }

  void publishSensor(Call c) throws IOException {
    byte[] body = c.body();
    ParseResult r = parser.parse(body, b.clock().instant());
    if (r instanceof ParseResult.Reject reject) {
      String field = fieldOf(reject.detail());
      HttpError e = HttpError.badField(field, reject.detail()).with("reason", reject.reason().id());
      throw e;
    }
    ParseResult.Accepted a = (ParseResult.Accepted) r;
    Reading reading = a.reading();
    ReadingIntake.Outcome outcome =
        ApiRoutes.await(
            a.stamped() ? b.pipeline().submitStamped(reading) : b.pipeline().submit(reading),
            "reading");
    if (outcome == ReadingIntake.Outcome.REFUSED) {
      ParseResult.Reject refused = ParseResult.Reject.tooManyDevices(reading.deviceId());
      throw new HttpError(507, "too many devices")
          .with("reason", refused.reason().id())
          .with("detail", refused.detail());
    }
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("outcome", outcome.name().toLowerCase(java.util.Locale.ROOT));
    out.put("reading", ReadingJson.of(reading));
    boolean queued = false;
    if (outcome == ReadingIntake.Outcome.STORED
        && b.mqtt().isPresent()
        && !b.isLocal(reading.deviceId())) {
      MqttControl m = b.mqtt().get();
      b.pipeline()
          .outbox()
          .enqueue(
              m.readingsTopic(),
              Payloads.reading(reading, a.model(), a.gateway() != null ? a.gateway() : b.name()),
              m.readingQos(),
              false,
              OutboxPriority.READING);
      m.signal();
      queued = true;
    }
    out.put("published", queued);
    c.json(outcome == ReadingIntake.Outcome.STORED ? 201 : 200, out);
  }

  private static String fieldOf(String detail) {
    for (String f : FIELDS) {
      if (detail.startsWith(f + " ") || detail.startsWith(f + ":")) {
        return f;
      }
    }
    return "body";
  }

  private void republishIncident(Call c, MqttControl m, String rawId) throws IOException {
    long id = ApiRoutes.incidentId(rawId);
    Incident i =
        b.pipeline().store().incident(id).orElseThrow(() -> HttpError.notFound("incident " + id));
    Transition.Change change =
        i.status() == IncidentStatus.OPEN
            ? Transition.Change.CREATED
            : i.status() == IncidentStatus.ACKNOWLEDGED
                ? Transition.Change.ACKNOWLEDGED
                : Transition.Change.RESOLVED;
    Transition t = new Transition(i, change, b.clock().instant(), "http", i.value(), i.message());
    b.pipeline()
        .outbox()
        .enqueue(m.incidentsTopic(), Payloads.incident(t), 1, false, OutboxPriority.INCIDENT);
    m.signal();
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("queued", true);
    out.put("topic", m.incidentsTopic());
    out.put("incident", IncidentJson.of(i));
    c.json(202, out);
  }
}
