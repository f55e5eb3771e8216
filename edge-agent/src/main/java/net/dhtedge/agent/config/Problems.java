package net.dhtedge.agent.config;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/** Collects problems while a config is read, so every one is reported, not just the first. */
final class Problems {

  private final String source;
  private final List<ConfigProblem> list = new ArrayList<>();

  Problems(String source) {
    this.source = source;
  }

  String source() {
    return source;
  }

  void error(int line, String path, String message) {
    list.add(new ConfigProblem(ConfigProblem.Severity.ERROR, source, line, 0, path, message));
  }

  void error(int line, int column, String path, String message) {
    list.add(new ConfigProblem(ConfigProblem.Severity.ERROR, source, line, column, path, message));
  }

  void warn(int line, String path, String message) {
    list.add(new ConfigProblem(ConfigProblem.Severity.WARNING, source, line, 0, path, message));
  }

  boolean hasErrors() {
    return list.stream().anyMatch(ConfigProblem::isError);
  }

  /** Errors first, each group in line order (stable, so same-line problems keep their order). */
  List<ConfigProblem> sorted() {
    List<ConfigProblem> copy = new ArrayList<>(list);
    copy.sort(
        Comparator.comparing((ConfigProblem p) -> !p.isError())
            .thenComparingInt(ConfigProblem::line));
    return copy;
  }

  List<ConfigProblem> warnings() {
    return sorted().stream().filter(p -> !p.isError()).toList();
  }

  /** Throws when any error was recorded; otherwise returns quietly. */
  void throwIfErrors() throws ConfigException {
    if (hasErrors()) {
      throw new ConfigException(sorted());
    }
  }
}
