package net.dhtedge.agent.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import net.dhtedge.agent.mqtt.EmbeddedBroker;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The agent's own jar (edge-agent.jar, the Debian package's) has no embedded broker: the demo
 * broker lives in the demo-broker module, which is not on this module's class path. What the demo
 * does there: say so and what to do instead, in one message, before anything opens.
 */
class DemoWithoutBrokerTest {
  @TempDir Path dir;

  @Test
  void withoutTheDemoBrokerModuleTheDemoSaysWhatToDoInsteadAndOpensNothing() {
    CliRun run =
        CliRun.of(
            "demo",
            "--data-dir",
            dir.resolve("data").toString(),
            "--http-port",
            "0",
            "--exit-after",
            "3s");

    assertThat(run.exit()).as(run.err()).isEqualTo(1);
    assertThat(run.err())
        .contains("edge-agent: cannot start: this edge-agent has no embedded MQTT broker")
        .contains("--broker tcp://")
        .contains("run bin/edge-agent demo from a clone")
        .doesNotContain("\tat ")
        .doesNotContain("Exception");
    assertThat(run.lines()).noneMatch(l -> l.contains("is running"));
    assertThat(dir.resolve("data").resolve("db")).doesNotExist();
  }

  @Test
  void withoutTheDemoBrokerModuleNoBrokerCanBeCreated() {
    assertThat(EmbeddedBroker.available()).isFalse();
    assertThatThrownBy(() -> EmbeddedBroker.create(new EmbeddedBroker.Options(0, 0, null)))
        .isInstanceOf(IllegalStateException.class)
        .hasMessage(EmbeddedBroker.MISSING);
  }
}
