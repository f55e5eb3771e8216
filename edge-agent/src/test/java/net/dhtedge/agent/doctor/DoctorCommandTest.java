package net.dhtedge.agent.doctor;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import net.dhtedge.agent.cli.DoctorCommand;
import net.dhtedge.agent.cli.Main;
import net.dhtedge.agent.config.ConfigLoader;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code edge-agent doctor} as a whole: report lines, --json, and the exit codes 0, 1, 2. */
class DoctorCommandTest {

  @TempDir Path dir;
  FakeMachine m;

  private record Run(int code, String out, String err) {}

  @BeforeEach
  void setUp() throws Exception {
    m = new FakeMachine(dir.resolve("root"));
    m.commands.put("timedatectl show -p NTPSynchronized --value", "yes\n");
    m.write("/proc/diskstats", " 179 0 mmcblk0 1 0 2 0 1 0 100 0 0 0 0\n");
    Files.createDirectories(
        dir.resolve("data"),
        java.nio.file.attribute.PosixFilePermissions.asFileAttribute(
            java.nio.file.attribute.PosixFilePermissions.fromString("rwxr-x---")));
  }

  private Run run(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    ConfigLoader loader = new ConfigLoader(Map.<String, String>of()::get, () -> "pi", dir);
    CommandLine cl = new CommandLine(new DoctorCommand(m.env(), loader));
    cl.setOut(new PrintWriter(out, true));
    cl.setErr(new PrintWriter(err, true));
    int code = cl.execute(args);
    return new Run(code, out.toString(), err.toString());
  }

  private Path config(String yaml) throws Exception {
    return Files.writeString(dir.resolve("edge-agent.yml"), yaml);
  }

  @Test
  void aHealthyListenerOnlySetupExitsZeroWithOneLinePerCheck() throws Exception {
    Path f = config("agent:\n  data_dir: " + dir.resolve("data") + "\nmqtt:\n  enabled: false\n");

    Run r = run("--config", f.toString());

    assertThat(r.code()).isZero();
    assertThat(r.out().lines())
        .extracting(l -> l.split("\\s+")[0] + " " + l.split("\\s+")[1])
        .containsExactly(
            "ok java",
            "ok config",
            "ok gpio",
            "ok dht11-overlay",
            "ok clock",
            "ok disk",
            "ok files",
            "ok sd-writes",
            "ok broker",
            "ok tls",
            "ok smtp",
            "11 ok,");
    assertThat(r.out()).contains("ok    config        " + f + ": valid\n");
  }

  @Test
  void aFailedCheckExitsOneAndPrintsItsFix() throws Exception {
    Path f =
        config(
            "agent:\n  data_dir: "
                + dir.resolve("data")
                + "\nsensors:\n  - id: porch\n    pin: 4\n"
                + "mqtt:\n  enabled: false\n");

    Run r = run("--config", f.toString());

    assertThat(r.code()).isEqualTo(1);
    assertThat(r.out())
        .contains(
            "FAIL  gpio          no /dev/gpiochip*: not a Raspberry Pi or gpio not enabled  (fix: ");
    assertThat(r.out()).endsWith("10 ok, 0 warn, 1 FAIL\n");
  }

  @Test
  void anUnusableConfigurationExitsTwoAndListsEveryProblem() throws Exception {
    Path f = config("http:\n  port: x\nmqtt:\n  qos: 1\n");

    Run r = run("--config", f.toString());

    assertThat(r.code()).isEqualTo(2);
    assertThat(r.out())
        .contains("FAIL  config        " + f + ":2: http.port: expected a whole number")
        .contains("FAIL  config        " + f + ":4: mqtt.qos: unknown key")
        .contains("configuration unusable: other checks skipped");
  }

  @Test
  void aMissingConfigFileExitsTwo() {
    Run r = run("--config", dir.resolve("nope.yml").toString());

    assertThat(r.code()).isEqualTo(2);
    assertThat(r.out()).contains("no such file");
  }

  @Test
  void aBadOptionIsAUsageErrorWithExitTwo() {
    Run r = run("--sample-seconds", "0");

    assertThat(r.code()).isEqualTo(2);
    assertThat(r.err()).contains("--sample-seconds: 0 is not in 1..60");
  }

  @Test
  void jsonOutputCarriesTheExitCodeAndEveryFinding() throws Exception {
    m.javaFeature = 17;
    Path f = config("mqtt:\n  enabled: false\n");

    Run r = run("--config", f.toString(), "--json");

    assertThat(r.code()).isEqualTo(1);
    JsonNode root = new ObjectMapper().readTree(r.out());
    assertThat(root.get("exit_code").asInt()).isEqualTo(1);
    JsonNode first = root.get("findings").get(0);
    assertThat(first.get("status").asText()).isEqualTo("FAIL");
    assertThat(first.get("check").asText()).isEqualTo("java");
    assertThat(first.get("fix").asText()).contains("openjdk-21");
    assertThat(root.get("findings")).hasSize(11);
  }

  @Test
  void doctorIsRegisteredInMain() {
    assertThat(new CommandLine(new Main()).getSubcommands()).containsKey("doctor");
  }
}
