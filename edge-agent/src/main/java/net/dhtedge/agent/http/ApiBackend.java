package net.dhtedge.agent.http;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import net.dhtedge.agent.core.AgentClock;
import net.dhtedge.agent.pipeline.Pipeline;

/**
 * Everything the HTTP layer reads or asks of the agent. The agent's wiring supplies it; the HTTP
 * package never reaches into sensors, ingest or the MQTT client itself.
 */
public interface ApiBackend {

  /** The agent version, e.g. {@code 0.1.0}. */
  String version();

  Instant startedAt();

  /** How long the agent has run at {@code now} (monotonic clock; never negative). */
  Duration uptime(AgentClock.Moment now);

  /** This gateway's name ({@code agent.name}). */
  String name();

  /** The agent's clock (receive times, timestamps; its steps for the status page and metrics). */
  AgentClock clock();

  /** The snapshot behind {@code GET /api/status}, without its devices. */
  StatusView status();

  /** Every known device (local sensors and devices seen in the store), by id. */
  List<DeviceView> devices();

  /** Store, incident actions and the reading front door. */
  Pipeline pipeline();

  /** Whether the device is one of the agent's own sensors (their readings publish themselves). */
  boolean isLocal(String deviceId);

  /** The device a reading without {@code device_id} is attributed to. */
  String defaultDevice();

  /** Rejected MQTT payloads since start, by the contract's reason id. */
  Map<String, Long> rejects();

  /** Local sensor reads since start: device, outcome ({@code ok}/{@code failed}), reason, count. */
  List<SensorReads> sensorReads();

  /** Retention of raw readings, 1-minute and 1-hour aggregates. */
  List<Duration> retention();

  /** The last errors, newest first: {@code at} and {@code message}. */
  List<Map<String, Object>> recentErrors();

  /**
   * Why MQTT ingest is stalled (readings that could not be stored wait for redelivery), or empty
   * when it flows or is off. Makes {@code /healthz} answer 503.
   */
  default Optional<String> ingestStalled() {
    return Optional.empty();
  }

  /** The MQTT side, when MQTT is on. */
  Optional<MqttControl> mqtt();

  /** One counter of sensor reads. */
  record SensorReads(String device, String outcome, String reason, long count) {}
}
