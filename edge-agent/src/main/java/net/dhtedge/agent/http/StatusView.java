package net.dhtedge.agent.http;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonUnwrapped;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import java.util.List;
import java.util.Map;

/**
 * The body of {@code GET /api/status} (without its {@code devices}, which the API adds): one
 * snapshot of every part of a running agent, serialized by Jackson with snake_case names. The shape
 * is documented in the HTTP README and pinned by the HTTP tests.
 *
 * <p>A part that is off leaves its keys out rather than sending nulls: the {@link JsonUnwrapped}
 * parts below are null when their part does not run (no MQTT connection, no publisher, no embedded
 * broker, no ingest), and then add no keys at all.
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
public record StatusView(
    String version,
    String name,
    String mode,
    String startedAt,
    long uptimeS,
    Clock clock,
    Mqtt mqtt,
    Readings readings,
    Incidents incidents,
    Store store,
    @JsonInclude(JsonInclude.Include.NON_NULL) Object mail,
    List<Sensor> sensors,
    @JsonInclude(JsonInclude.Include.NON_NULL) Map<String, DeviceStatus> deviceStatus,
    Jvm jvm,
    List<Map<String, Object>> recentErrors) {

  /** The wall-clock time, and the steps of the wall clock noticed since start. */
  @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
  public record Clock(String now, long steps, long stepThresholdS, Step lastStep) {}

  /** The last step of the wall clock: when it was noticed and by how much (negative: set back). */
  @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
  public record Step(String noticedAt, double byS) {}

  /** The MQTT client, its publisher and the embedded broker, each when it runs. */
  @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
  public record Mqtt(
      boolean enabled,
      boolean connected,
      long outbox,
      long outboxDropped,
      @JsonUnwrapped Connection connection,
      @JsonUnwrapped Publishing publishing,
      @JsonUnwrapped Embedded embedded) {}

  /** The connection's state, server, last error and since when it is in that state. */
  @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
  public record Connection(String state, String server, String lastError, String since) {}

  /** Messages the publisher sent, the broker confirmed, and those awaiting confirmation. */
  @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
  public record Publishing(long published, long confirmed, long inFlight) {}

  /** Where the embedded (demo) broker listens. */
  @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
  public record Embedded(String embeddedTcp, String embeddedWs) {}

  /** Reading counters, the rejected payloads by reason, and MQTT ingest's when it runs. */
  @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
  public record Readings(
      long stored,
      long duplicates,
      long eventsDropped,
      long storeFailures,
      long readFailures,
      Map<String, Long> rejected,
      @JsonUnwrapped IngestCounts ingest) {}

  /**
   * Readings received over MQTT, those not yet acknowledged, and why ingest waits for redeliveries
   * of readings it could not store (null when it flows).
   */
  @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
  public record IngestCounts(long received, long pendingAcks, String ingestStalled) {}

  /** Open incidents. */
  public record Incidents(long open) {}

  /**
   * The store's health (with the reason when unhealthy), its disk when known, and its counts, or
   * the error that kept them from being read.
   */
  @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
  public record Store(
      boolean healthy,
      String reason,
      @JsonUnwrapped Disk disk,
      @JsonUnwrapped StoreCounts counts,
      @JsonInclude(JsonInclude.Include.NON_NULL) String error) {}

  /** Free and total bytes of the store's file system, and the reserve kept free. */
  @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
  public record Disk(long diskFreeBytes, long diskSizeBytes, long diskReserveBytes) {}

  /** Rows and bytes kept, and the group commit's totals. */
  @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
  public record StoreCounts(
      long readingsKept,
      long devices,
      long sizeBytes,
      long commits,
      long writesCommitted,
      long largestCommit) {}

  /** One local sensor loop: its reads, failures by reason, last good value and last failure. */
  @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
  public record Sensor(
      String id,
      String backend,
      boolean valid,
      long attempts,
      long successes,
      Double successRate,
      Map<String, Long> failures,
      @JsonUnwrapped LastGood lastGood,
      @JsonInclude(JsonInclude.Include.NON_NULL) String lastFailure) {}

  /** A sensor's last good reading and its age in seconds. */
  @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
  public record LastGood(double temperature, double humidity, String lastGoodAt, Long ageS) {}

  /** A device's own online/offline status and since when. */
  public record DeviceStatus(boolean online, String since) {}

  /** The JVM heap. */
  @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
  public record Jvm(long heapUsedBytes, long heapCommittedBytes, long heapMaxBytes) {}
}
