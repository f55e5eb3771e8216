package net.dhtedge.agent.cli;

import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.Callable;
import net.dhtedge.agent.config.AgentConfig;
import net.dhtedge.agent.config.LoadedConfig;
import net.dhtedge.agent.core.Records;
import net.dhtedge.agent.rules.RulesOptions;
import net.dhtedge.agent.rules.Threshold;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** {@code edge-agent demo}: the whole gateway on one machine with nothing else installed. */
@Command(
    name = "demo",
    mixinStandardHelpOptions = true,
    description = {
      "Run everything locally with nothing else installed, to try the gateway.",
      "A simulated DHT11, an embedded MQTT broker (TCP and WebSocket on loopback), the store in"
          + " demo-data/ and the status page. The broker is in the demo's jar, which bin/edge-agent"
          + " demo runs in a clone; the Debian package has none (there, use --broker).",
      "Defaults: --broker embedded --sensor sim --data-dir demo-data --http-port 8080 (or a free"
          + " port when 8080 is taken).",
      "A temperature band of 15..25 °C is set when the configuration has none, so the simulated"
          + " daily swing raises and resolves incidents; one reading beyond it opens one (debounce"
          + " 1, demo only).",
      "Pages on http://localhost:* and http://127.0.0.1:* may read the API (CORS) unless"
          + " http.cors_origins is set. A built dashboard (http.dashboard_dir, found by"
          + " bin/edge-agent in a clone) is served at /dashboard/. Ctrl-C stops it."
    })
final class DemoCommand implements Callable<Integer> {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;
  @Mixin ConfigOptions config;
  @Mixin ConfigOptions.BrokerOption broker;
  @Mixin ConfigOptions.HttpPortOption http;
  @Mixin ConfigOptions.SensorOption sensor;
  @Mixin ExitAfterOption exit;

  @Override
  public Integer call() {
    config.with(broker, http, sensor);
    if (config.broker == null) {
      config.broker = "embedded";
    }
    if (config.sensor == null) {
      config.sensor = "sim";
    }
    if (config.dataDir == null) {
      config.dataDir = Path.of("demo-data");
    }
    Optional<LoadedConfig> loaded = config.load(spec.commandLine().getErr());
    if (loaded.isEmpty()) {
      return ConfigOptions.EXIT_CONFIG;
    }
    AgentConfig c = demoDefaults(loaded.get().config());
    if (config.httpPort == null && c.http().port() == 8080 && Agent.preferPort(8080) == 0) {
      c = Records.with(c, "http", Records.with(c.http(), "port", -1)); // 8080 is taken: OS picks
    }
    var out = spec.commandLine().getOut();
    LoadedConfig shown = new LoadedConfig(c, loaded.get().file(), loaded.get().warnings());
    return AgentRunner.run(
        c,
        Agent.Mode.DEMO,
        out,
        spec.commandLine().getErr(),
        exit.parse(spec),
        agent -> Banner.print(agent, shown, out));
  }

  /**
   * Browser origins the demo lets read its API when the configuration names none: the local
   * development servers the dashboard's README uses ({@code python3 -m http.server 8000}, any
   * port).
   */
  static final java.util.List<String> DEMO_CORS_ORIGINS =
      java.util.List.of("http://localhost:*", "http://127.0.0.1:*");

  /** Readings beyond the demo band that open an incident: one, so one publish shows it. */
  static final int DEMO_DEBOUNCE = 1;

  /**
   * What the demo sets when the configuration does not: the 15..25 °C band (debounce 1) and the
   * local development origins for CORS.
   */
  static AgentConfig demoDefaults(AgentConfig c) {
    AgentConfig out = withDemoRules(c);
    if (out.http().corsOrigins().isEmpty()) {
      out = Records.with(out, "http", Records.with(out.http(), "corsOrigins", DEMO_CORS_ORIGINS));
    }
    return out;
  }

  private static AgentConfig withDemoRules(AgentConfig c) {
    RulesOptions r = c.rules();
    if (r.temperature().isActive() || r.humidity().isActive()) {
      return c;
    }
    // Debounce 1: one reading beyond the band opens an incident, as the banner's publish line says
    // (a real sensor's rule wants 3 in a row against single bad reads; the demo wants to show it).
    RulesOptions demo =
        Records.with(
            r,
            "temperature",
            new Threshold(15.0, 25.0, 0.5),
            "debounceCount",
            DEMO_DEBOUNCE,
            "debounceDuration",
            java.time.Duration.ZERO);
    return Records.with(c, "rules", demo);
  }
}
