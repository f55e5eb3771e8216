package net.dhtedge.agent.cli;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import net.dhtedge.agent.config.AgentConfig;
import net.dhtedge.agent.config.DeviceRules;
import net.dhtedge.agent.config.MqttConfig;
import net.dhtedge.agent.config.RulesConfig;
import net.dhtedge.agent.config.SensorConfig;
import net.dhtedge.agent.config.StoreConfig;
import net.dhtedge.agent.config.ThresholdRule;
import net.dhtedge.agent.mqtt.MqttOptions;
import net.dhtedge.agent.mqtt.TlsOptions;
import net.dhtedge.agent.pipeline.PipelineOptions;
import net.dhtedge.agent.rules.RulesOptions;
import net.dhtedge.agent.rules.Threshold;
import net.dhtedge.agent.store.StoreOptions;

/** Maps the user's configuration (the YAML schema) onto each module's own options record. */
final class RuntimeOptions {
  private RuntimeOptions() {}

  static StoreOptions store(AgentConfig c) {
    StoreConfig s = c.store();
    StoreOptions d = StoreOptions.defaults(c.agent().dataDir());
    return new StoreOptions(
        d.dataDir(),
        (int) s.writeDelay().toMillis(), // 0..1 s, checked by the binder
        d.maxBatch(),
        d.queueCapacity(),
        d.fileWriteDelayMillis(),
        days(s.retentionRaw()),
        days(s.retentionMinute()),
        days(s.retentionHour()),
        s.outboxCapacity(),
        d.outboxKeepConfirmed(),
        d.housekeepingInterval(),
        d.housekeepingChunk(),
        d.diskReserve(),
        d.seqReuseAfter(),
        (int) s.localSyncInterval().toMillis()); // 0..10 s, checked by the binder
  }

  /**
   * The store keeps whole days: a retention is rounded up, never down (36h kept 24 h of raw
   * readings before: data deleted earlier than the user asked), and is at least one day.
   */
  private static int days(Duration d) {
    return (int) Math.max(1, Math.ceilDiv(d.toSeconds(), Duration.ofDays(1).toSeconds()));
  }

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
    MqttConfig m = c.mqtt();
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
        c.mail().enabled(),
        c.store().maxDevices());
  }

  static MqttOptions mqtt(
      AgentConfig c, List<String> servers, Set<String> localIds, String clientId) {
    MqttConfig m = c.mqtt();
    MqttOptions.Builder b =
        MqttOptions.builder()
            .serverUris(servers)
            .clientId(clientId)
            .topicPrefix(m.topicPrefix())
            .readingQos(m.readingQos())
            .cleanSession(false)
            .keepAlive(m.keepAlive())
            .reconnect(m.reconnectMin(), m.reconnectMax())
            .drainRatePerSecond(m.drainRate())
            .subscribe(m.subscribe())
            .defaultDevice(m.defaultDevice())
            .localDeviceIds(localIds)
            .tls(
                new TlsOptions(
                    m.tls().caFile(),
                    m.tls().certFile(),
                    m.tls().keyFile(),
                    m.tls().verifyHostname()));
    if (m.username() != null) {
      b.username(m.username());
    }
    if (m.password() != null) {
      b.password(m.password().reveal().toCharArray());
    }
    return b.build();
  }
}
