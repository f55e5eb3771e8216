package net.dhtedge.agent.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import net.dhtedge.agent.cli.Main;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Config files built to crash the JVM (issue 15, item 9) are refused with one clear line that names
 * the file and the limit, and nothing but a {@link ConfigException} comes out of the loader; in a
 * JVM with the shipped flags ({@code -Xmx64m -Xss256k}) {@code config check} exits 2 with that line
 * instead of a {@code StackOverflowError} or {@code OutOfMemoryError}.
 */
class HostileConfigFilesIT {

  private static final ConfigLoader LOADER =
      new ConfigLoader(Map.<String, String>of()::get, () -> "testhost", Path.of("."));

  @TempDir Path dir;

  /** 1,000 levels of block mappings, one more space each: 0.5 MB, under the size limit. */
  private Path nestedThousandLevels() throws IOException {
    StringBuilder b = new StringBuilder();
    for (int i = 0; i < 1000; i++) {
      b.append(" ".repeat(i)).append('k').append(i).append(":\n");
    }
    b.append(" ".repeat(1000)).append("x: 1\n");
    return Files.writeString(dir.resolve("deep.yml"), b);
  }

  /** 100,000 device rules: 3.7 MB. */
  private Path hundredThousandDeviceRules() throws IOException {
    StringBuilder b = new StringBuilder("rules:\n  devices:\n");
    for (int i = 0; i < 100_000; i++) {
      b.append("    d").append(i).append(": {temperature: {max: 30}}\n");
    }
    return Files.writeString(dir.resolve("many.yml"), b);
  }

  /** A 200 MB password file of mode 0600 (sparse: it takes no disk). */
  private Path hugePasswordFile() throws IOException {
    Path pw = dir.resolve("mqtt-password");
    try (RandomAccessFile f = new RandomAccessFile(pw.toFile(), "rw")) {
      f.setLength(200L << 20);
    }
    Files.setPosixFilePermissions(pw, PosixFilePermissions.fromString("rw-------"));
    return Files.writeString(
        dir.resolve("pw.yml"), "mqtt:\n  username: u\n  password_file: " + pw + "\n");
  }

  private static List<String> problems(Path file) {
    Throwable t = catchThrowable(() -> LOADER.load(file));
    assertThat(t).isExactlyInstanceOf(ConfigException.class);
    return ((ConfigException) t).problems().stream().map(ConfigProblem::format).toList();
  }

  private static List<String> problemsOfText(String yaml) {
    Throwable t = catchThrowable(() -> LOADER.parse(yaml, "edge-agent.yml"));
    assertThat(t).isExactlyInstanceOf(ConfigException.class);
    return ((ConfigException) t).problems().stream().map(ConfigProblem::format).toList();
  }

  @Test
  void aFileNestedAThousandLevelsDeepIsRefusedAtTheLineThatCrossesTheLimit() throws Exception {
    Path f = nestedThousandLevels();

    assertThat(problems(f))
        .containsExactly(
            f
                + ":65: nested more than 64 levels deep (the limit); the agent's own keys go 5"
                + " levels deep");
  }

  @Test
  void aHundredThousandOpeningBracketsOnOneLineAreRefusedNotAStackOverflow() {
    String yaml = "rules: " + "[".repeat(100_000) + "]".repeat(100_000) + "\n";

    assertThat(problemsOfText(yaml))
        .containsExactly(
            "edge-agent.yml:1: nested more than 64 levels deep (the limit); the agent's own keys"
                + " go 5 levels deep");
  }

  @Test
  void aFileLargerThanOneMebibyteIsRefusedWithItsSizeAndTheLimit() throws Exception {
    Path f = hundredThousandDeviceRules();

    assertThat(problems(f))
        .containsExactly(
            f
                + ": is "
                + String.format(java.util.Locale.ROOT, "%,d", Files.size(f))
                + " bytes, more than the limit of 1 MiB (1,048,576 bytes) for a config file");
  }

  @Test
  void moreDeviceRulesThanTheLimitAreRefusedAtTheDevicesKey() {
    StringBuilder b = new StringBuilder("rules:\n  devices:\n");
    for (int i = 0; i <= ConfigLimits.MAX_DEVICE_RULES; i++) {
      b.append("    d").append(i).append(": {}\n");
    }

    assertThat(problemsOfText(b.toString()))
        .containsExactly(
            "edge-agent.yml:2: rules.devices: 2,001 devices have rules of their own, more than the"
                + " limit of 2,000; write what they share once in rules.defaults");
  }

  @Test
  void twoThousandDevicesWithEveryRuleWrittenOutAreWithinTheLimits() throws Exception {
    StringBuilder b = new StringBuilder("rules:\n  devices:\n");
    for (int i = 0; i < ConfigLimits.MAX_DEVICE_RULES; i++) {
      b.append("    dev-")
          .append(i)
          .append(": {temperature: {min: 1, max: 30, hysteresis: 0.5, debounce_count: 3,")
          .append(" debounce_time: 10s}, humidity: {min: 1, max: 90, hysteresis: 1,")
          .append(" debounce_count: 3, debounce_time: 10s}}\n");
    }

    LoadedConfig loaded = LOADER.parse(b.toString(), "edge-agent.yml");

    assertThat(loaded.config().rules().devices()).hasSize(ConfigLimits.MAX_DEVICE_RULES);
  }

  @Test
  void moreValuesThanTheLimitAreRefusedEvenInASmallFile() {
    String yaml = "sensors: [" + "1,".repeat(60_000) + "1]\n";

    assertThat(problemsOfText(yaml))
        .containsExactly(
            "edge-agent.yml:1: the file holds more than 50,000 values (the limit); a gateway's"
                + " config needs far fewer");
  }

  @Test
  void aTwoHundredMegabytePasswordFileIsRefusedNamingTheFileAndTheLimit() throws Exception {
    Path f = hugePasswordFile();

    assertThat(problems(f))
        .containsExactly(
            f
                + ":3: mqtt.password_file: "
                + dir.resolve("mqtt-password")
                + " is 200 MiB (209,715,200 bytes), more than the limit of 64 KiB (65,536 bytes)"
                + " for a secret file; it should hold only the secret");
  }

  @Test
  void aPasswordFileOfExactlyTheLimitIsRead() throws Exception {
    Path pw = dir.resolve("pw");
    Files.writeString(pw, "p".repeat(ConfigLimits.MAX_SECRET_FILE_BYTES));
    Files.setPosixFilePermissions(pw, PosixFilePermissions.fromString("rw-------"));
    Path f = Files.writeString(dir.resolve("ok.yml"), "mqtt:\n  password_file: " + pw + "\n");

    Secret s = LOADER.load(f).config().mqtt().password();

    assertThat(s.reveal()).hasSize(ConfigLimits.MAX_SECRET_FILE_BYTES);
  }

  @Test
  void withTheShippedJvmFlagsConfigCheckExitsTwoWithTheErrorInsteadOfCrashing() throws Exception {
    List<Path> files =
        List.of(nestedThousandLevels(), hundredThousandDeviceRules(), hugePasswordFile());
    List<String> expected =
        List.of(
            ":65: nested more than 64 levels deep (the limit)",
            "bytes, more than the limit of 1 MiB (1,048,576 bytes) for a config file",
            "more than the limit of 64 KiB (65,536 bytes) for a secret file");

    for (int i = 0; i < files.size(); i++) {
      Path f = files.get(i);
      Result r = configCheck(f);

      assertThat(r.output()).as(f.toString()).contains(expected.get(i));
      assertThat(r.output()).as(f.toString()).doesNotContain("Exception", "Error:", "\tat ");
      assertThat(r.exit()).as(f.toString() + ": " + r.output()).isEqualTo(2);
    }
  }

  private record Result(int exit, String output) {}

  /** {@code edge-agent config check --config f} in a JVM with the launcher's heap and stack. */
  private Result configCheck(Path f) throws Exception {
    String javaBin = ProcessHandle.current().info().command().orElse("java");
    List<String> cmd = new ArrayList<>();
    cmd.addAll(
        List.of(
            javaBin,
            "-Xmx64m",
            "-Xss256k",
            "-XX:+UseSerialGC",
            "-XX:+ExitOnOutOfMemoryError",
            "-cp",
            System.getProperty("java.class.path"),
            Main.class.getName(),
            "config",
            "check",
            "--config",
            f.toString()));
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    byte[] out = p.getInputStream().readNBytes(64 << 10);
    p.getInputStream().transferTo(java.io.OutputStream.nullOutputStream());
    if (!p.waitFor(120, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new AssertionError(f + ": config check did not finish");
    }
    return new Result(p.exitValue(), new String(out, StandardCharsets.UTF_8));
  }
}
