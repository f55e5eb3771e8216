package net.dhtedge.agent.config;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import net.dhtedge.agent.homeassistant.DiscoveryOptions;
import net.dhtedge.agent.http.HttpOptions;
import net.dhtedge.agent.mail.MailOptions;
import net.dhtedge.agent.mqtt.MqttOptions;
import net.dhtedge.agent.rules.RulesOptions;
import net.dhtedge.agent.store.StoreOptions;

/**
 * The whole edge-agent configuration, validated: every value is in range and every default filled
 * in, so a module can use it without checking again. Built by {@link ConfigLoader}; the sections
 * mirror the YAML file (see docs/configuration.md).
 *
 * @param agent name, data directory, log level
 * @param sensors the local sensors (may be empty: a pure MQTT listener)
 * @param mqtt broker connection, topics, ingest
 * @param store on-disk store: group commit and retention; its data directory is the agent's
 * @param rules thresholds, staleness and sensor-failure rules
 * @param http the HTTP API and status page
 * @param mail e-mail alerts
 * @param homeassistant Home Assistant MQTT discovery
 */
public record AgentConfig(
    AgentSettings agent,
    List<SensorConfig> sensors,
    MqttOptions mqtt,
    StoreOptions store,
    RulesOptions rules,
    HttpOptions http,
    MailOptions mail,
    DiscoveryOptions homeassistant) {

  public AgentConfig {
    Objects.requireNonNull(agent, "agent");
    sensors = List.copyOf(sensors);
    Objects.requireNonNull(mqtt, "mqtt");
    Objects.requireNonNull(store, "store");
    if (!store.dataDir().equals(agent.dataDir())) {
      throw new IllegalArgumentException(
          "the store's data dir " + store.dataDir() + " is not the agent's " + agent.dataDir());
    }
    Objects.requireNonNull(rules, "rules");
    Objects.requireNonNull(http, "http");
    Objects.requireNonNull(mail, "mail");
    Objects.requireNonNull(homeassistant, "homeassistant");
  }

  /**
   * The rules, with each local sensor's interval as the one it is expected to report at (so it is
   * stale after that many of its own intervals).
   */
  public RulesOptions rulesForSensors() {
    Map<String, Duration> every = new LinkedHashMap<>();
    sensors.forEach(s -> every.put(s.id(), s.interval()));
    return rules.expecting(every);
  }
}
