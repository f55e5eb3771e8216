package net.dhtedge.agent.packaging;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.abort;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import net.dhtedge.agent.config.ConfigLoader;
import net.dhtedge.agent.config.LoadedConfig;
import org.junit.jupiter.api.Test;

/**
 * The files the Debian package ships (packaging/): the unit passes {@code systemd-analyze verify},
 * the maintainer scripts pass shellcheck, the shipped config is valid. Skipped, with the reason,
 * only when the tool is not installed. The built .deb itself is checked by
 * packaging/test/check-deb.sh (it exists only after the package phase).
 */
class PackagingIT {

  static final Path PACKAGING = Path.of("..", "packaging");

  private record Result(int code, String output) {}

  private static Result exec(List<String> cmd) throws IOException, InterruptedException {
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!p.waitFor(60, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new IOException(cmd + " took longer than 60 s");
    }
    return new Result(p.exitValue(), out);
  }

  private static boolean onPath(String tool) {
    for (String d : System.getenv().getOrDefault("PATH", "").split(":")) {
      if (Files.isExecutable(Path.of(d, tool))) {
        return true;
      }
    }
    return false;
  }

  @Test
  void theUnitFilePassesSystemdAnalyzeVerify() throws Exception {
    Result r = exec(List.of("sh", PACKAGING.resolve("test/verify-unit.sh").toString()));

    if (r.code() == 77) {
      abort("systemd-analyze is not installed: " + r.output().strip());
    }
    assertThat(r.code()).as(r.output()).isZero();
    assertThat(r.output()).startsWith("ok: edge-agent.service verified by systemd");
  }

  @Test
  void theVerifyScriptRejectsABrokenUnit() throws Exception {
    if (!onPath("systemd-analyze")) {
      abort("systemd-analyze is not installed");
    }
    Path bad = Files.createTempFile("edge-agent", ".service");
    try {
      Files.writeString(
          bad,
          Files.readString(PACKAGING.resolve("systemd/edge-agent.service"))
              .replace("DeviceAllow=char-gpiochip rw", "DeviceAllow=char-gpiochip rwx"));

      Result r =
          exec(List.of("sh", PACKAGING.resolve("test/verify-unit.sh").toString(), bad.toString()));

      assertThat(r.code()).isEqualTo(1);
      assertThat(r.output()).contains("Invalid device rights 'rwx'");
    } finally {
      Files.deleteIfExists(bad);
    }
  }

  @Test
  void theMaintainerScriptsAndLauncherPassShellcheck() throws Exception {
    if (!onPath("shellcheck")) {
      abort("shellcheck is not installed (apt install shellcheck)");
    }
    List<String> cmd = new ArrayList<>(List.of("shellcheck", "-s", "sh"));
    for (String f : List.of("deb/postinst", "deb/prerm", "deb/postrm", "bin/edge-agent")) {
      cmd.add(PACKAGING.resolve(f).toString());
    }

    Result r = exec(cmd);

    assertThat(r.code()).as(r.output()).isZero();
  }

  /** The project's own bash scripts: the launcher, the build and test entry points, CI. */
  @Test
  void theProjectsScriptsPassShellcheck() throws Exception {
    if (!onPath("shellcheck")) {
      abort("shellcheck is not installed (apt install shellcheck)");
    }
    Path root = PACKAGING.getParent();
    List<String> cmd = new ArrayList<>(List.of("shellcheck"));
    for (String f :
        List.of(
            "bin/edge-agent",
            "bin/find-java",
            "bin/test",
            "bin/build-deb",
            "bin/bench",
            "bin/bench-devices",
            "bin/bench-rss",
            "bin/bench-diskfull",
            "bin/bench-http",
            ".ci/run",
            "tests/readme-quickstart.sh",
            "tests/build-deb.sh")) {
      cmd.add(root.resolve(f).toString());
    }
    // packaging/test/*.sh and the pieces of packaging/test/pi-vm/
    try (var tests = Files.walk(PACKAGING.resolve("test"), 2)) {
      tests.filter(p -> p.toString().endsWith(".sh")).sorted().forEach(p -> cmd.add(p.toString()));
    }

    Result r = exec(cmd);

    assertThat(r.code()).as(r.output()).isZero();
  }

  @Test
  void theUnitKeepsTheJitWorkingAndOnlyGpioDevicesOpen() throws Exception {
    List<String> unit = Files.readAllLines(PACKAGING.resolve("systemd/edge-agent.service"));

    assertThat(unit)
        .contains(
            "User=edge-agent",
            "SupplementaryGroups=gpio",
            "DevicePolicy=closed",
            "DeviceAllow=char-gpiochip rw",
            "ProtectSystem=strict",
            "ReadWritePaths=/var/lib/edge-agent",
            "TimeoutStopSec=10",
            "Restart=on-failure",
            "EnvironmentFile=-/etc/default/edge-agent",
            "ExecStart=/usr/bin/edge-agent run --config /etc/edge-agent/edge-agent.yml");
    assertThat(unit).noneMatch(l -> l.startsWith("MemoryDenyWriteExecute="));
    assertThat(unit).noneMatch(l -> l.startsWith("PrivateDevices="));
  }

  @Test
  void theShippedConfigIsValidAndKeepsDataWhereTheServiceMayWrite() throws Exception {
    ConfigLoader loader = new ConfigLoader(Map.<String, String>of()::get, () -> "pi", Path.of("."));

    LoadedConfig c = loader.load(PACKAGING.resolve("etc/edge-agent.yml"));

    assertThat(c.config().agent().dataDir()).isEqualTo(Path.of("/var/lib/edge-agent"));
    assertThat(c.warnings()).isEmpty();
  }

  /**
   * The demo's embedded broker stays off the Pi: the shaded jar (the one the .deb ships; failsafe
   * runs after the package phase built it) has no Moquette, Netty or h2-mvstore entry. They are in
   * demo-broker's jar only.
   */
  @Test
  void theShadedJarCarriesNoDemoBrokerMoquetteNettyOrH2() throws Exception {
    Path jar = Path.of("target", "edge-agent.jar");
    assertThat(jar).as("the package phase builds the shaded jar before failsafe runs").exists();
    List<String> entries = new ArrayList<>();
    try (java.util.zip.ZipFile zip = new java.util.zip.ZipFile(jar.toFile())) {
      zip.stream().map(java.util.zip.ZipEntry::getName).forEach(entries::add);
    }

    assertThat(entries).contains("net/dhtedge/agent/mqtt/EmbeddedBroker.class");
    assertThat(entries)
        .noneMatch(DemoBrokerEntries::isDemoBroker)
        .noneMatch(e -> e.startsWith("META-INF/services/") && e.contains("EmbeddedBroker"));
  }

  /**
   * What only the demo broker brings into a jar (classes, multi-release copies, native-image and
   * version metadata); packaging/test/check-deb.sh applies the same rule to the packaged jar.
   */
  static final class DemoBrokerEntries {
    static boolean isDemoBroker(String entry) {
      String e = entry.toLowerCase(java.util.Locale.ROOT);
      return e.contains("moquette") || e.contains("netty") || e.startsWith("org/h2/");
    }

    private DemoBrokerEntries() {}
  }
}
