package net.dhtedge.agent.cli;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import net.dhtedge.agent.config.AgentConfig;
import net.dhtedge.agent.config.DeviceRules;
import net.dhtedge.agent.config.RulesConfig;
import net.dhtedge.agent.config.SensorConfig;
import net.dhtedge.agent.config.ThresholdRule;
import net.dhtedge.agent.mqtt.MqttOptions;
import net.dhtedge.agent.pipeline.PipelineOptions;
import net.dhtedge.agent.rules.RulesOptions;
import net.dhtedge.agent.rules.Threshold;

/** Maps the user's configuration (the YAML schema) onto each module's own options record. */
final class RuntimeOptions {
  private RuntimeOptions() {}

  static RulesOptions rules(AgentConfig c) {
    RulesConfig r = c.rules();
    DeviceRules def = r.defaults();
    ThresholdRule t = def.temperature();
    Map<String, net.dhtedge.agent.rules.DeviceRules> devices = new HashMap<>();
    for (Map.Entry<String, DeviceRules> e : r.devices().entrySet()) {
      devices.put(
          e.getKey(),
          new net.dhtedge.agent.rules.DeviceRules(
              threshold(e.getValue().temperature()), threshold(e.getValue().humidity()), null));
    }
    for (SensorConfig s : c.sensors()) {
      net.dhtedge.agent.rules.DeviceRules existing = devices.get(s.id());
      devices.put(
          s.id(),
          new net.dhtedge.agent.rules.DeviceRules(
              existing == null ? null : existing.temperature(),
              existing == null ? null : existing.humidity(),
              s.interval()));
    }
    double failurePercent = Math.min(99, Math.max(1, r.sensorFailure().thresholdPercent()));
    Duration window = r.sensorFailure().window();
    if (window.toSeconds() < 10) {
      window = Duration.ofSeconds(10);
    }
    RulesOptions d = RulesOptions.defaults();
    return new RulesOptions(
        threshold(t),
        threshold(def.humidity()),
        Math.max(1, t.debounceCount()),
        t.debounceTime(),
        d.expectedInterval(),
        r.staleAfterIntervals(),
        failurePercent,
        failurePercent / 2,
        window,
        d.failureMinAttempts(),
        devices);
  }

  private static Threshold threshold(ThresholdRule t) {
    if (t == null || !t.isActive()) {
      return Threshold.none();
    }
    return new Threshold(t.min(), t.max(), t.hysteresis());
  }

  static PipelineOptions pipeline(AgentConfig c, List<SensorConfig> localSensors) {
    Map<String, String> models = new HashMap<>();
    for (SensorConfig s : localSensors) {
      models.put(s.id(), s.model().id());
    }
    MqttOptions m = c.mqtt();
    // Only the agent's own sensors are published: a reading ingested from the broker is there
    // already, whatever "source" its sender wrote in it.
    return new PipelineOptions(
        m.topicPrefix(),
        m.readingQos(),
        "mqtt",
        c.agent().name(),
        Duration.ofSeconds(10),
        models,
        models.keySet(),
        c.mail().enabled());
  }
}
