package net.dhtedge.agent.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code edge-agent listen}: ingest only, like the reference system's listener. */
@Command(
    name = "listen",
    mixinStandardHelpOptions = true,
    description = {
      "Ingest readings that other devices (ESP32s) publish; no local sensor.",
      "Stores, checks rules and publishes incidents and alerts like 'run'."
    })
final class ListenCommand implements Callable<Integer> {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;
  @Mixin ConfigOptions config;

  @Option(
      names = "--exit-after",
      paramLabel = "DURATION",
      description = "Stop by itself after this long (e.g. 30s); for scripts and tests.")
  String exitAfter;

  @Override
  public Integer call() {
    return RunCommand.start(spec, config, exitAfter, Agent.Mode.LISTEN);
  }
}
