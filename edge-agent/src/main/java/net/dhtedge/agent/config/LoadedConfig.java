package net.dhtedge.agent.config;

import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * A configuration that passed validation, with where it came from and what deserves a warning.
 *
 * @param config the validated configuration
 * @param file the file it was read from, or null when only defaults (and overrides) apply
 * @param warnings problems that do not stop the agent (print them at start-up)
 */
public record LoadedConfig(AgentConfig config, Path file, List<ConfigProblem> warnings) {

  public LoadedConfig {
    Objects.requireNonNull(config, "config");
    warnings = List.copyOf(warnings);
  }

  public Optional<Path> source() {
    return Optional.ofNullable(file);
  }
}
