package net.dhtedge.agent.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import net.dhtedge.agent.mqtt.MqttOptions;
import net.dhtedge.gpio.DhtModel;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigOverridesTest {

  @TempDir Path dir;

  private ConfigLoader loader() {
    return new ConfigLoader(Map.<String, String>of()::get, () -> "pi4", dir);
  }

  private Path file(String yaml) throws IOException {
    return Files.writeString(dir.resolve("edge-agent.yml"), yaml);
  }

  private static ConfigOverrides only(String broker, Path dataDir, Integer port, String sensor) {
    return new ConfigOverrides(null, broker, dataDir, port, sensor);
  }

  @Test
  void theOptionsReplaceWhatTheFileSays() throws Exception {
    file("mqtt:\n  enabled: false\n  servers: [tcp://old:1883]\nhttp:\n  port: 80\n");

    AgentConfig c =
        loader().load(only("ssl://new.example.org:8883", Path.of("/srv/edge"), 0, "sim")).config();

    assertThat(c.mqtt().enabled()).isTrue();
    assertThat(c.mqtt().servers()).containsExactly(URI.create("ssl://new.example.org:8883"));
    assertThat(c.agent().dataDir()).isEqualTo(Path.of("/srv/edge"));
    assertThat(c.http().port()).isZero();
    assertThat(c.http().enabled()).isFalse();
    assertThat(c.sensors())
        .singleElement()
        .satisfies(
            s -> {
              assertThat(s.id()).isEqualTo("pi4");
              assertThat(s.backend()).isEqualTo(SensorConfig.Backend.SIM);
            });
  }

  @Test
  void aHubsStoreGroupAndSeveralBrokersComeFromTheCommandLine() throws Exception {
    file("store:\n  user: edge\n");

    AgentConfig c =
        loader()
            .load(
                new ConfigOverrides(
                    null,
                    "tcp://a:1883, tcp://b:1883",
                    null,
                    null,
                    null,
                    "jdbc:postgresql://db:5432/edge",
                    "fleet"))
            .config();

    assertThat(c.mqtt().servers())
        .containsExactly(URI.create("tcp://a:1883"), URI.create("tcp://b:1883"));
    assertThat(c.mqtt().shareGroup()).isEqualTo("fleet");
    assertThat(c.mqtt().readingFilter(new net.dhtedge.agent.contract.Topics("dht11")))
        .isEqualTo("$share/fleet/dht11/sensor/data");
    assertThat(c.store().target().isPostgres()).isTrue();
    assertThat(c.store().target().where()).isEqualTo("jdbc:postgresql://db:5432/edge");
    assertThat(c.store().target().user()).isEqualTo("edge");
  }

  @Test
  void aStoreThatIsNotPostgresOrABadGroupIsAProblemNamingTheOption() throws Exception {
    ConfigException e =
        catchThrowableOfType(
            ConfigException.class,
            () ->
                loader()
                    .load(
                        new ConfigOverrides(
                            null, null, null, null, null, "jdbc:mysql://db/edge", "a/b")));

    assertThat(e.format())
        .contains("--store: must be a jdbc:postgresql://HOST:PORT/DB URL")
        .contains("--group: \"a/b\" must be 1-64 of [A-Za-z0-9_.-]");
  }

  @Test
  void embeddedBrokerClearsTheServerList() throws Exception {
    MqttOptions m = loader().load(only("embedded", null, null, null)).config().mqtt();

    assertThat(m.embedded()).isTrue();
    assertThat(m.servers()).isEmpty();
  }

  @Test
  void aSensorSpecKeepsTheFilesSingleSensorButChangesHowItIsRead() throws Exception {
    file("sensors:\n  - id: porch\n    model: dht22\n    backend: sim\n    interval: 10s\n");

    SensorConfig s = loader().load(only(null, null, null, "gpiod:17")).config().sensors().get(0);

    assertThat(s.id()).isEqualTo("porch");
    assertThat(s.model()).isEqualTo(DhtModel.DHT22);
    assertThat(s.interval()).isEqualTo(Duration.ofSeconds(10));
    assertThat(s.backend()).isEqualTo(SensorConfig.Backend.GPIOD);
    assertThat(s.pin()).isEqualTo(17);
  }

  @Test
  void sensorNoneRemovesTheLocalSensors() throws Exception {
    file("sensors:\n  - id: a\n    pin: 4\n  - id: b\n    pin: 5\n");

    assertThat(loader().load(only(null, null, null, "none")).config().sensors()).isEmpty();
  }

  @Test
  void badOptionsAreReportedByOptionNameAllTogether() {
    ConfigException e =
        catchThrowableOfType(
            ConfigException.class,
            () -> loader().load(only("mqtt://b", Path.of(" "), 70000, "gpiod")));

    assertThat(e.format().lines())
        .containsExactly(
            "--broker: \"mqtt://b\" has scheme mqtt://; allowed: tcp://, ssl://, ws://, wss:// or"
                + " the word embedded (e.g. tcp://localhost:1883)",
            "--data-dir: must not be empty",
            "--http-port: 70000 is out of range (allowed: 0..65535; 0 = off)",
            "--sensor: \"gpiod\" is not a sensor spec (gpiod needs the pin: gpiod:4); use sim,"
                + " gpiod:PIN (BCM GPIO 0..27), iio or none");
  }

  @Test
  void aPinBeyondTheHeaderIsRejected() {
    ConfigException e =
        catchThrowableOfType(
            ConfigException.class, () -> loader().load(only(null, null, null, "gpiod:31")));

    assertThat(e.format())
        .isEqualTo("--sensor: GPIO 31 is out of range (allowed: 0..27, the BCM GPIO number)");
  }

  @Test
  void aSensorSpecCannotChooseAmongSeveralSensors() throws Exception {
    file("sensors:\n  - id: a\n    pin: 4\n  - id: b\n    pin: 5\n");

    ConfigException e =
        catchThrowableOfType(
            ConfigException.class, () -> loader().load(only(null, null, null, "sim")));

    assertThat(e.format())
        .isEqualTo(
            "--sensor: the config file defines 2 sensors; --sensor can only replace a single one"
                + " (edit the file instead)");
  }

  @Test
  void fileErrorsAndOptionErrorsComeTogether() throws Exception {
    Path f = file("http:\n  port: x\n");

    ConfigException e =
        catchThrowableOfType(
            ConfigException.class,
            () -> loader().load(new ConfigOverrides(f, null, null, null, "usb")));

    assertThat(e.problems())
        .extracting(ConfigProblem::source)
        .containsExactly(f.toString(), "--sensor");
  }
}
