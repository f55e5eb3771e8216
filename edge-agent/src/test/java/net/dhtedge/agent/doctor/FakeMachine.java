package net.dhtedge.agent.doctor;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.ToLongFunction;
import net.dhtedge.agent.config.AgentConfig;
import net.dhtedge.agent.config.ConfigException;
import net.dhtedge.agent.config.ConfigLoader;

/** A temp dir laid out like /, with the other seams of {@link DoctorEnv} set by the test. */
final class FakeMachine {

  final Path root;
  Instant now = Instant.parse("2026-06-01T12:00:00Z");
  int javaFeature = 21;
  long usableBytes = 10L * 1024 * 1024 * 1024;
  long totalBytes = 32L * 1024 * 1024 * 1024;
  final Map<String, String> commands = new HashMap<>();
  Runnable onSleep = () -> {};
  Duration networkTimeout = Duration.ofSeconds(3);

  FakeMachine(Path root) {
    this.root = root;
  }

  DoctorEnv env() {
    Clock clock =
        new Clock() {
          @Override
          public ZoneOffset getZone() {
            return ZoneOffset.UTC;
          }

          @Override
          public Clock withZone(java.time.ZoneId zone) {
            return this;
          }

          @Override
          public Instant instant() {
            return now;
          }
        };
    ToLongFunction<Path> disk = p -> usableBytes;
    return new DoctorEnv(
        root,
        Map.<String, String>of()::get,
        clock,
        d -> {
          onSleep.run();
          now = now.plus(d);
        },
        (cmd, timeout) -> Optional.ofNullable(commands.get(String.join(" ", cmd))),
        () -> javaFeature,
        disk,
        networkTimeout,
        Duration.ofSeconds(3),
        p -> totalBytes);
  }

  /** Writes a file under the fake root, creating its directories. */
  Path write(String absolute, String text) {
    Path p = root.resolve(absolute.substring(1));
    try {
      Files.createDirectories(p.getParent());
      return Files.writeString(p, text);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static AgentConfig config(String yaml) {
    try {
      return new ConfigLoader(Map.<String, String>of()::get, () -> "testhost", Path.of("."))
          .parse(yaml, "test.yml")
          .config();
    } catch (ConfigException e) {
      throw new IllegalArgumentException(e.format(), e);
    }
  }

  static String lines(List<Finding> findings) {
    StringBuilder sb = new StringBuilder();
    findings.forEach(f -> sb.append(f.format()).append('\n'));
    return sb.toString();
  }
}
