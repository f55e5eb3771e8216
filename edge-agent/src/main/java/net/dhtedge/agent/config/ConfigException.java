package net.dhtedge.agent.config;

import java.util.List;
import java.util.stream.Collectors;

/**
 * The configuration cannot be used. Carries every problem found (not just the first), so the user
 * fixes the file in one go. {@link #format()} is what the command line prints: one problem per
 * line, never a stack trace.
 */
public final class ConfigException extends Exception {

  private final transient List<ConfigProblem> problems;

  public ConfigException(List<ConfigProblem> problems) {
    super(problems.size() + " configuration problem(s): " + joined(problems, "; "));
    this.problems = List.copyOf(problems);
  }

  /** All problems, errors first in file order, then any warnings that came with them. */
  public List<ConfigProblem> problems() {
    return problems;
  }

  /** One problem per line, ready for stderr. */
  public String format() {
    return joined(problems, System.lineSeparator());
  }

  private static String joined(List<ConfigProblem> problems, String separator) {
    return problems.stream().map(ConfigProblem::format).collect(Collectors.joining(separator));
  }
}
