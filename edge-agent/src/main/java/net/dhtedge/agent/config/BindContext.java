package net.dhtedge.agent.config;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Function;

/**
 * What the section readers share while one file is read.
 *
 * @param problems where errors and warnings go
 * @param env environment lookup (a seam: tests pass a map)
 * @param defaultName the agent name to use when {@code agent.name} is not set
 * @param sourceShared the config file is readable by group or others (inline secrets then warn)
 * @param sections every section made while reading, for {@link #reportUnknownKeys()}
 */
record BindContext(
    Problems problems,
    Function<String, String> env,
    String defaultName,
    boolean sourceShared,
    List<Section> sections) {

  static BindContext of(
      Problems problems, Function<String, String> env, String defaultName, boolean shared) {
    return new BindContext(problems, env, defaultName, shared, new ArrayList<>());
  }

  /** After the whole file is bound: each key no binder asked for is an unknown key. */
  void reportUnknownKeys() {
    sections.forEach(Section::reportUnknownKeys);
  }

  /**
   * Every key path the binders asked for, list indexes written {@code []} (e.g. {@code
   * sensors[].sim.seed}): the schema, as the code reads it.
   */
  Set<String> askedPaths() {
    Set<String> out = new LinkedHashSet<>();
    for (Section s : sections) {
      for (String key : s.asked()) {
        out.add(s.pathOf(key).replaceAll("\\[\\d+]", "[]"));
      }
    }
    return out;
  }
}
