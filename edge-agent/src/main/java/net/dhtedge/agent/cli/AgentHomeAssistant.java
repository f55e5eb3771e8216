package net.dhtedge.agent.cli;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import net.dhtedge.agent.config.AgentConfig;
import net.dhtedge.agent.config.SensorConfig;
import net.dhtedge.agent.core.Records;
import net.dhtedge.agent.homeassistant.Discovery;
import net.dhtedge.agent.homeassistant.DiscoveryOptions;
import net.dhtedge.agent.mqtt.MqttConnection;
import net.dhtedge.agent.pipeline.Pipeline;

/** Builds Home Assistant discovery from the configuration (kept out of {@link Agent}). */
final class AgentHomeAssistant {
  private AgentHomeAssistant() {}

  /** Announces the devices and hooks discovery into the pipeline; call before MQTT starts. */
  static Discovery start(
      AgentConfig c,
      List<SensorConfig> localSensors,
      Pipeline pipeline,
      MqttConnection connection,
      Path dataDir,
      Clock clock) {
    Map<String, String> models = new HashMap<>();
    Map<String, Duration> expire = new HashMap<>();
    for (SensorConfig s : localSensors) {
      models.put(s.id(), s.model().id().toUpperCase(Locale.ROOT));
      Duration threeReads = s.interval().multipliedBy(3);
      expire.put(
          s.id(),
          threeReads.compareTo(Duration.ofMinutes(1)) < 0 ? Duration.ofMinutes(1) : threeReads);
    }
    DiscoveryOptions o =
        Records.with(
            c.homeassistant(),
            "topics",
            connection.topics(),
            "version",
            VersionProvider.version(),
            "localDevices",
            models,
            "localExpireAfter",
            expire);
    Discovery d =
        new Discovery(
            o,
            pipeline.outbox(),
            connection,
            dataDir.resolve("homeassistant-announced.txt"),
            clock);
    pipeline.addListener(d);
    d.start(pipeline.store().lastSeenByDevice());
    return d;
  }
}
