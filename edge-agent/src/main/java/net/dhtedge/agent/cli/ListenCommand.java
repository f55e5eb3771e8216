package net.dhtedge.agent.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

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
  @Mixin ConfigOptions.BrokerOption broker;
  @Mixin ConfigOptions.HttpPortOption http;
  @Mixin ConfigOptions.StoreOption store;
  @Mixin ExitAfterOption exit;

  @Override
  public Integer call() {
    return RunCommand.start(
        spec, config.with(broker, http, null).withStore(store), exit.exitAfter, Agent.Mode.LISTEN);
  }
}
