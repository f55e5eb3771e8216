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

  /**
   * The {@code agent:} section.
   *
   * @param defaultName the name when {@code agent.name} is not set (the host name, cleaned up)
   */
  static AgentSettings bind(Section s, String defaultName) {
    Path dataDir = s.path("data_dir", s.text("data_dir", "./data"));
    String name = s.text("name", defaultName);
    Values.checkDeviceId(s, "name", name);
    LogLevel level = s.choice("log_level", LogLevel.INFO, LogLevel.class);
    return new AgentSettings(dataDir == null ? Path.of("./data") : dataDir, name, level);
  }

  public AgentSettings {
    Objects.requireNonNull(dataDir, "dataDir");
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(logLevel, "logLevel");
  }
}
