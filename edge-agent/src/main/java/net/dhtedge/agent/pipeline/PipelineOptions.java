package net.dhtedge.agent.pipeline;

import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import net.dhtedge.agent.contract.Topics;
import net.dhtedge.agent.core.Reading;

/**
 * Options of the pipeline (source -> store -> rules -> outbox). Not a section of the config file:
 * the agent derives them from {@code mqtt}, {@code agent}, {@code mail} and the sensors. A
 * variation for a test: {@code Records.with(PipelineOptions.defaults(), "mailEnabled", true)}.
 *
 * @param topicPrefix MQTT topic prefix. Default {@code dht11}.
 * @param readingQos QoS of local readings queued on {@code <prefix>/sensor/data}, 0 or 1. Default
 *     1.
 * @param remoteSource readings whose source is this came from the broker and are not published
 *     again. Default {@code mqtt}.
 * @param agentDeviceId the device id the agent's own incidents (store failure) carry. Default
 *     {@code agent}.
 * @param staleCheckInterval how often the stale rule is evaluated. Default 10 s.
 * @param models sensor model by device id for local sensors (dht11, dht22), added to published
 *     readings when known. Default none.
 * @param localDevices the agent's own sensors: only their readings are published on {@code
 *     <prefix>/sensor/data} (readings ingested from the broker, whatever their {@code source}, are
 *     already there). {@code null} = decide by {@code remoteSource} alone.
 * @param mailEnabled queue a mail for every opened and resolved incident, in the transaction of the
 *     incident step (the mail sender reads the store's mail queue). Default false.
 */
public record PipelineOptions(
    String topicPrefix,
    int readingQos,
    String remoteSource,
    String agentDeviceId,
    Duration staleCheckInterval,
    Map<String, String> models,
    java.util.Set<String> localDevices,
    boolean mailEnabled) {

  /** Options that tell local from remote readings by {@code remoteSource} alone. */
  public PipelineOptions(
      String topicPrefix,
      int readingQos,
      String remoteSource,
      String agentDeviceId,
      Duration staleCheckInterval,
      Map<String, String> models) {
    this(
        topicPrefix,
        readingQos,
        remoteSource,
        agentDeviceId,
        staleCheckInterval,
        models,
        null,
        false);
  }

  /** Whether a reading is the agent's own and so must be published. */
  public boolean isLocal(Reading reading) {
    if (localDevices != null) {
      return localDevices.contains(reading.deviceId());
    }
    return !remoteSource.equals(reading.source());
  }

  public PipelineOptions {
    localDevices = localDevices == null ? null : java.util.Set.copyOf(localDevices);
    Objects.requireNonNull(topicPrefix, "topicPrefix");
    Objects.requireNonNull(remoteSource, "remoteSource");
    Objects.requireNonNull(agentDeviceId, "agentDeviceId");
    Objects.requireNonNull(staleCheckInterval, "staleCheckInterval");
    models = Map.copyOf(Objects.requireNonNull(models, "models"));
    new Topics(topicPrefix); // the contract's check of a prefix
    if (readingQos < 0 || readingQos > 1) {
      throw new IllegalArgumentException("readingQos must be 0 or 1: " + readingQos);
    }
    if (!Reading.DEVICE_ID.matcher(agentDeviceId).matches()) {
      throw new IllegalArgumentException("invalid agent device id: " + agentDeviceId);
    }
    if (staleCheckInterval.toMillis() < 100) {
      throw new IllegalArgumentException("staleCheckInterval must be >= 100 ms");
    }
  }

  public static PipelineOptions defaults() {
    return new PipelineOptions("dht11", 1, "mqtt", "agent", Duration.ofSeconds(10), Map.of());
  }

  /** The contract's topics under {@link #topicPrefix}. */
  public Topics topics() {
    return new Topics(topicPrefix);
  }
}
