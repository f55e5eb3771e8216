package net.dhtedge.agent.cli;

import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.Callable;
import net.dhtedge.agent.config.Durations;
import net.dhtedge.agent.config.LoadedConfig;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** {@code edge-agent run}: the service. */
@Command(
    name = "run",
    mixinStandardHelpOptions = true,
    description = {
      "Run the agent: local sensors, ingest from the broker, rules, publishing, HTTP.",
      "Talks to an external broker (default tcp://localhost:1883). Stops cleanly on SIGTERM or"
          + " Ctrl-C."
    })
final class RunCommand implements Callable<Integer> {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;
  @Mixin ConfigOptions config;
  @Mixin ConfigOptions.BrokerOption broker;
  @Mixin ConfigOptions.HttpPortOption http;
  @Mixin ConfigOptions.SensorOption sensor;
  @Mixin ConfigOptions.StoreOption store;
  @Mixin ExitAfterOption exit;

  @Override
  public Integer call() {
    return start(
        spec, config.with(broker, http, sensor).withStore(store), exit.exitAfter, Agent.Mode.RUN);
  }

  static Integer start(
      CommandLine.Model.CommandSpec spec, ConfigOptions config, String exitAfter, Agent.Mode mode) {
    Duration after = parseExitAfter(spec, exitAfter);
    Optional<LoadedConfig> loaded = config.load(spec.commandLine().getErr());
    if (loaded.isEmpty()) {
      return ConfigOptions.EXIT_CONFIG;
    }
    var out = spec.commandLine().getOut();
    return AgentRunner.run(
        loaded.get().config(),
        mode,
        out,
        spec.commandLine().getErr(),
        after,
        agent -> Banner.print(agent, loaded.get(), out));
  }

  static Duration parseExitAfter(CommandLine.Model.CommandSpec spec, String exitAfter) {
    if (exitAfter == null) {
      return null;
    }
    return Durations.parse(exitAfter)
        .orElseThrow(
            () ->
                new CommandLine.ParameterException(
                    spec.commandLine(),
                    "--exit-after: '" + exitAfter + "' is not a duration (e.g. 500ms, 30s, 5m)"));
  }
}
