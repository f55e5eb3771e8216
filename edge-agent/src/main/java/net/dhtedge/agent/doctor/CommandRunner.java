package net.dhtedge.agent.doctor;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/** Runs a system tool (timedatectl, adjtimex); tests answer from a map. */
@FunctionalInterface
public interface CommandRunner {

  /**
   * @return the tool's standard output when it ran and exited 0; empty when it is missing, failed
   *     or took longer than {@code timeout}
   */
  Optional<String> run(List<String> command, Duration timeout);

  /** Runs real processes. */
  static CommandRunner system() {
    return (command, timeout) -> {
      Process p;
      try {
        p = new ProcessBuilder(command).redirectErrorStream(false).start();
      } catch (IOException e) {
        return Optional.empty();
      }
      try (InputStream in = p.getInputStream()) {
        p.getOutputStream().close();
        p.getErrorStream().close();
        if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
          p.destroyForcibly();
          return Optional.empty();
        }
        String out = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        return p.exitValue() == 0 ? Optional.of(out) : Optional.empty();
      } catch (IOException e) {
        p.destroyForcibly();
        return Optional.empty();
      } catch (InterruptedException e) {
        p.destroyForcibly();
        Thread.currentThread().interrupt();
        return Optional.empty();
      }
    };
  }
}
