package net.dhtedge.agent.config;

import java.nio.file.Path;
import java.util.Objects;

/**
 * The {@code agent:} section.
 *
 * @param dataDir where the store and state live (default {@code ./data}; the Debian package uses
 *     {@code /var/lib/edge-agent}); relative paths are relative to the working directory
 * @param name this gateway's name, a device id (default: the host name, cleaned up)
 * @param logLevel how much to log
 */
public record AgentSettings(Path dataDir, String name, LogLevel logLevel) {

  /** Log levels, as written in the file: {@code error}, {@code warn}, ... */
  public enum LogLevel {
    ERROR,
    WARN,
    INFO,
    DEBUG,
    TRACE
  }

  public AgentSettings {
    Objects.requireNonNull(dataDir, "dataDir");
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(logLevel, "logLevel");
  }
}
