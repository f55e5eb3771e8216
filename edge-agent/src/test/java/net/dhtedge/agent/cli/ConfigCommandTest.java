package net.dhtedge.agent.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import net.dhtedge.agent.config.ConfigLoader;
import net.dhtedge.agent.config.LoadedConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class ConfigCommandTest {

  @TempDir Path dir;

  private record Run(int code, String out, String err) {}

  private static Run run(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    CommandLine cl = new CommandLine(new Main());
    cl.setOut(new PrintWriter(out, true));
    cl.setErr(new PrintWriter(err, true));
    int code = cl.execute(args);
    return new Run(code, out.toString(), err.toString());
  }

  @Test
  void checkingAValidFilePrintsOkAndExitsZero() throws Exception {
    Path f = Files.writeString(dir.resolve("good.yml"), "http:\n  port: 9000\n");

    Run r = run("config", "check", "--config", f.toString());

    assertThat(r.code()).isZero();
    assertThat(r.out().strip()).isEqualTo("ok: " + f);
    assertThat(r.err()).isEmpty();
  }

  @Test
  void checkingABadFilePrintsEveryProblemAndExitsTwo() throws Exception {
    Path f = Files.writeString(dir.resolve("bad.yml"), "http:\n  port: x\nmqtt:\n  qos: 1\n");

    Run r = run("config", "check", "--config", f.toString());

    assertThat(r.code()).isEqualTo(2);
    assertThat(r.out()).isEmpty();
    assertThat(r.err().lines())
        .containsExactly(
            f + ":2: http.port: expected a whole number, got the text \"x\"",
            f
                + ":4: mqtt.qos: unknown key; allowed here: enabled, servers, client_id,"
                + " username, password, password_file, topic_prefix, reading_qos, subscribe,"
                + " default_device, share_group, keep_alive, reconnect_min, reconnect_max,"
                + " drain_rate, tls",
            "2 configuration error(s); nothing started.");
  }

  @Test
  void theOptionsAreCheckedToo() throws Exception {
    Path f = Files.writeString(dir.resolve("good.yml"), "");

    // config check no longer offers --sensor (issue 18.8); run checks it before it starts anything.
    Run r = run("run", "--config", f.toString(), "--sensor", "gpiod:99");

    assertThat(r.code()).isEqualTo(2);
    assertThat(r.err()).startsWith("--sensor: GPIO 99 is out of range");
  }

  @Test
  void aMixinHostGetsTheConfigOrAnExitCode() throws Exception {
    ConfigOptions options = new ConfigOptions();
    ConfigOptions.HttpPortOption http = new ConfigOptions.HttpPortOption();
    ConfigOptions.BrokerOption broker = new ConfigOptions.BrokerOption();
    new CommandLine(http).parseArgs("--http-port", "0");
    new CommandLine(broker).parseArgs("--broker", "embedded");
    options.with(broker, http, null);
    StringWriter err = new StringWriter();
    ConfigLoader loader = new ConfigLoader(Map.<String, String>of()::get, () -> "h", dir);

    LoadedConfig loaded = options.load(loader, new PrintWriter(err)).orElseThrow();

    assertThat(loaded.config().http().enabled()).isFalse();
    assertThat(loaded.config().mqtt().embedded()).isTrue();
    assertThat(err.toString()).isEmpty();
  }
}
