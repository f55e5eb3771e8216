package net.dhtedge.agent.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code edge-agent hub}: the agent as a central collector. No local sensor (like {@code listen});
 * it stores into PostgreSQL, and hubs of one {@code --group} share the readings through an MQTT
 * shared subscription, each reading going to one of them (docs/fleet.md).
 */
@Command(
    name = "hub",
    mixinStandardHelpOptions = true,
    description = {
      "Collect the readings of many gateways and ESP32s into PostgreSQL; no local sensor.",
      "Hubs with the same --group share the readings ($share/<group>/<prefix>/sensor/data);"
          + " each reading is stored once and acknowledged after the PostgreSQL commit."
    })
final class HubCommand implements Callable<Integer> {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;
  @Mixin ConfigOptions config;
  @Mixin ConfigOptions.BrokerOption broker;
  @Mixin ConfigOptions.HttpPortOption http;
  @Mixin ConfigOptions.StoreOption store;
  @Mixin ExitAfterOption exit;

  @Option(
      names = "--group",
      paramLabel = "NAME",
      description =
          "Shared-subscription group of the hubs that split the readings (mqtt.share_group).")
  String group;

  @Override
  public Integer call() {
    ConfigOptions c = config.with(broker, http, null).withStore(store).withGroup(group);
    return RunCommand.start(spec, c, exit.exitAfter, Agent.Mode.HUB);
  }
}
