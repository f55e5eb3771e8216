package net.dhtedge.agent.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import net.dhtedge.agent.testing.MosquittoBroker;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What the message of the Pi's jar (no embedded broker) tells a user to do works: {@code demo
 * --broker} with a real Mosquitto runs the demo without the demo-broker module on the class path.
 */
class DemoWithABrokerIT {
  @TempDir Path dir;

  @Test
  void withoutTheDemoBrokerModuleTheDemoRunsAgainstTheBrokerGivenWithDashDashBroker() {
    try (MosquittoBroker broker = MosquittoBroker.builder(dir.resolve("mosquitto")).start()) {
      CliRun run =
          CliRun.of(
              "demo",
              "--broker",
              broker.url(),
              "--data-dir",
              dir.resolve("data").toString(),
              "--http-port",
              "0",
              "--exit-after",
              "2s");

      assertThat(run.exit()).as(run.err()).isZero();
      assertThat(run.lines())
          .contains("edge-agent " + VersionProvider.version() + " is running (demo)");
      assertThat(run.lines())
          .anySatisfy(l -> assertThat(l).isEqualTo("  MQTT:        " + broker.url()));
      assertThat(run.err()).doesNotContain("no embedded MQTT broker");
    }
  }
}
