package net.dhtedge.agent.config;

import java.util.Objects;

/**
 * One thing wrong (or doubtful) in the configuration, located so the user can go straight to it.
 *
 * @param severity an error stops the agent; a warning is printed and the agent runs
 * @param source the file name as the user gave it, or a command-line option such as {@code
 *     --sensor}
 * @param line 1-based line in {@code source}, or 0 when there is none (command line, defaults)
 * @param column 1-based column, or 0 when only the line is known
 * @param path the key path, e.g. {@code sensors[0].pin}; empty for problems of the whole file
 * @param message what is wrong and what is allowed
 */
public record ConfigProblem(
    Severity severity, String source, int line, int column, String path, String message) {

  /** How bad a problem is. */
  public enum Severity {
    ERROR,
    WARNING
  }

  public ConfigProblem {
    Objects.requireNonNull(severity, "severity");
    Objects.requireNonNull(source, "source");
    Objects.requireNonNull(path, "path");
    Objects.requireNonNull(message, "message");
  }

  public boolean isError() {
    return severity == Severity.ERROR;
  }

  /**
   * One line, compiler style: {@code edge-agent.yml:12: sensors[0].interval: 500ms is below the
   * dht22 minimum of 2s}; warnings read {@code edge-agent.yml:7: warning: mqtt.password: ...}.
   */
  public String format() {
    StringBuilder b = new StringBuilder(source);
    if (line > 0) {
      b.append(':').append(line);
      if (column > 0) {
        b.append(':').append(column);
      }
    }
    b.append(": ");
    if (severity == Severity.WARNING) {
      b.append("warning: ");
    }
    if (!path.isEmpty()) {
      b.append(path).append(": ");
    }
    return b.append(message).toString();
  }

  @Override
  public String toString() {
    return format();
  }
}
