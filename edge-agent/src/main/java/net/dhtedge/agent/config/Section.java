package net.dhtedge.agent.config;

import java.math.BigInteger;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * One mapping of the config file, read key by key. Every accessor validates, reports a problem
 * (file line + key path + what is allowed) and falls back to the default, so reading goes on and
 * all problems are collected. Keys not in the allowed list are reported when the section is made.
 */
final class Section {

  private final Map<String, YamlNode.Entry> entries;
  private final String path;
  private final int line;
  private final Problems problems;

  private Section(Map<String, YamlNode.Entry> entries, String path, int line, Problems problems) {
    this.entries = entries;
    this.path = path;
    this.line = line;
    this.problems = problems;
  }

  /**
   * Wraps {@code node} (null or an empty value means "all defaults"), reporting a non-mapping and
   * every key not in {@code allowed}. {@code line} is where the section's own key (or list item) is
   * written; a missing required key is reported there.
   */
  static Section of(YamlNode node, String path, int line, Problems problems, String... allowed) {
    if (node == null || node instanceof YamlNode.Scalar s && s.isNull()) {
      return new Section(Map.of(), path, line, problems);
    }
    if (!(node instanceof YamlNode.Mapping m)) {
      if (!(node instanceof YamlNode.Scalar s && s.kind() == YamlNode.Scalar.Kind.INVALID)) {
        problems.error(
            node.line(),
            path,
            "expected a mapping (indented key: value lines), got " + node.describe());
      }
      return new Section(Map.of(), path, node.line(), problems);
    }
    List<String> known = Arrays.asList(allowed);
    for (YamlNode.Entry e : m.entries().values()) {
      if (!known.contains(e.key())) {
        String hint =
            Suggestions.closest(e.key(), known).map(s -> "did you mean '" + s + "'? ").orElse("");
        problems.error(
            e.keyLine(),
            join(path, e.key()),
            "unknown key; " + hint + "allowed here: " + String.join(", ", known));
      }
    }
    return new Section(new LinkedHashMap<>(m.entries()), path, line, problems);
  }

  /** Wraps a free-form mapping (keys are data, e.g. device ids): no key is unknown. */
  static Section anyKeys(YamlNode node, String path, int line, Problems problems) {
    if (node instanceof YamlNode.Mapping m) {
      return new Section(new LinkedHashMap<>(m.entries()), path, m.line(), problems);
    }
    return of(node, path, line, problems);
  }

  /** The entries in file order (for free-form mappings). */
  java.util.Collection<YamlNode.Entry> entries() {
    return entries.values();
  }

  static String join(String path, String key) {
    return path.isEmpty() ? key : path + "." + key;
  }

  String path() {
    return path;
  }

  int line() {
    return line;
  }

  Problems problems() {
    return problems;
  }

  String pathOf(String key) {
    return join(path, key);
  }

  /** The line of the key's value, or of this section when the key is absent. */
  int lineOf(String key) {
    YamlNode.Entry e = entries.get(key);
    return e == null ? line : e.keyLine();
  }

  /** True when the key is present with a non-null value. */
  boolean has(String key) {
    return node(key) != null;
  }

  /** True when the key is written with an empty or null value ({@code max:} or {@code max: ~}). */
  boolean isExplicitNull(String key) {
    YamlNode.Entry e = entries.get(key);
    return e != null && e.value() instanceof YamlNode.Scalar s && s.isNull();
  }

  /** The key's value, or null when it is absent or null. */
  YamlNode node(String key) {
    YamlNode.Entry e = entries.get(key);
    if (e == null || e.value() instanceof YamlNode.Scalar s && s.isNull()) {
      return null;
    }
    return e.value();
  }

  void error(String key, String message) {
    problems.error(lineOf(key), pathOf(key), message);
  }

  void warn(String key, String message) {
    problems.warn(lineOf(key), pathOf(key), message);
  }

  Section child(String key, String... allowed) {
    return of(node(key), pathOf(key), lineOf(key), problems, allowed);
  }

  /** A scalar value as text (numbers and booleans as written), or {@code def}. */
  String text(String key, String def) {
    YamlNode n = node(key);
    if (n == null) {
      return def;
    }
    Optional<YamlNode.Scalar> s = scalar(key, n, "a text value");
    return s.map(YamlNode.Scalar::text).orElse(def);
  }

  boolean bool(String key, boolean def) {
    YamlNode n = node(key);
    if (n == null) {
      return def;
    }
    Optional<YamlNode.Scalar> s = scalar(key, n, "true or false");
    if (s.isEmpty()) {
      return def;
    }
    if (s.get().kind() != YamlNode.Scalar.Kind.BOOLEAN) {
      error(key, "expected true or false, got " + s.get().describe());
      return def;
    }
    return s.get().text().toLowerCase(Locale.ROOT).matches("true|yes|on|y");
  }

  /** A whole number in {@code min..max}; {@code def} may be null (then null when absent). */
  Long longValue(String key, Long def, long min, long max, String unit) {
    YamlNode n = node(key);
    if (n == null) {
      return def;
    }
    Optional<YamlNode.Scalar> s = scalar(key, n, "a whole number");
    if (s.isEmpty()) {
      return def;
    }
    if (s.get().kind() != YamlNode.Scalar.Kind.INTEGER) {
      error(key, "expected a whole number" + quoteHint(s.get()) + ", got " + s.get().describe());
      return def;
    }
    Number v = s.get().number();
    if (v instanceof BigInteger || v.longValue() < min || v.longValue() > max) {
      error(key, s.get().text() + " is out of range (allowed: " + min + ".." + max + unit + ")");
      return def;
    }
    return v.longValue();
  }

  int integer(String key, int def, int min, int max, String unit) {
    return longValue(key, (long) def, min, max, unit).intValue();
  }

  /** A number (whole or decimal) in {@code min..max}; {@code def} may be null. */
  Double decimal(String key, Double def, double min, double max, String unit) {
    YamlNode n = node(key);
    if (n == null) {
      return def;
    }
    Optional<YamlNode.Scalar> s = scalar(key, n, "a number");
    if (s.isEmpty()) {
      return def;
    }
    YamlNode.Scalar sc = s.get();
    if (sc.kind() != YamlNode.Scalar.Kind.INTEGER && sc.kind() != YamlNode.Scalar.Kind.DECIMAL) {
      error(key, "expected a number" + quoteHint(sc) + ", got " + sc.describe());
      return def;
    }
    double v = sc.number().doubleValue();
    if (!Double.isFinite(v) || v < min || v > max) {
      error(
          key,
          sc.text() + " is out of range (allowed: " + trim(min) + ".." + trim(max) + unit + ")");
      return def;
    }
    return v;
  }

  /** A duration such as {@code 2s} at least {@code min} and at most {@code max}. */
  Duration duration(String key, Duration def, Duration min, Duration max) {
    YamlNode n = node(key);
    if (n == null) {
      return def;
    }
    Optional<YamlNode.Scalar> s = scalar(key, n, "a duration (" + Durations.SYNTAX + ")");
    if (s.isEmpty()) {
      return def;
    }
    YamlNode.Scalar sc = s.get();
    Optional<Duration> d =
        sc.kind() == YamlNode.Scalar.Kind.STRING || sc.text().equals("0")
            ? Durations.parse(sc.text())
            : Optional.empty();
    if (d.isEmpty()) {
      String why =
          sc.kind() == YamlNode.Scalar.Kind.INTEGER
              ? sc.text() + " has no unit (write e.g. " + sc.text() + "s; "
              : "\"" + sc.text() + "\" is not a duration (";
      error(key, why + "use " + Durations.SYNTAX + ")");
      return def;
    }
    if (d.get().compareTo(min) < 0) {
      error(key, sc.text() + " is below the minimum of " + Durations.format(min));
      return def;
    }
    if (d.get().compareTo(max) > 0) {
      error(key, sc.text() + " is above the maximum of " + Durations.format(max));
      return def;
    }
    return d.get();
  }

  /** One of an enum's constants, written in lower case in the file. */
  <E extends Enum<E>> E choice(String key, E def, Class<E> type) {
    YamlNode n = node(key);
    if (n == null) {
      return def;
    }
    List<String> allowed =
        Arrays.stream(type.getEnumConstants()).map(c -> c.name().toLowerCase(Locale.ROOT)).toList();
    Optional<YamlNode.Scalar> s = scalar(key, n, "one of " + String.join(", ", allowed));
    if (s.isEmpty()) {
      return def;
    }
    String t = s.get().text().trim().toLowerCase(Locale.ROOT);
    int i = allowed.indexOf(t);
    if (i < 0) {
      error(key, notAllowed(s.get().text(), allowed));
      return def;
    }
    return type.getEnumConstants()[i];
  }

  static String notAllowed(String given, List<String> allowed) {
    String hint =
        Suggestions.closest(given, allowed).map(c -> "did you mean '" + c + "'? ").orElse("");
    return "\"" + given + "\" is not allowed; " + hint + "allowed: " + String.join(", ", allowed);
  }

  /** A list of text values; a single value is taken as a list of one. */
  List<Item> texts(String key) {
    YamlNode n = node(key);
    if (n == null) {
      return null;
    }
    List<Item> out = new ArrayList<>();
    if (n instanceof YamlNode.Scalar s) {
      if (s.kind() != YamlNode.Scalar.Kind.INVALID) {
        out.add(new Item(s.text(), s.line(), pathOf(key)));
      }
      return out;
    }
    if (!(n instanceof YamlNode.Sequence seq)) {
      error(key, "expected a list of text values, got " + n.describe());
      return null;
    }
    for (int i = 0; i < seq.items().size(); i++) {
      YamlNode item = seq.items().get(i);
      String itemPath = pathOf(key) + "[" + i + "]";
      if (item instanceof YamlNode.Scalar s && !s.isNull()) {
        if (s.kind() != YamlNode.Scalar.Kind.INVALID) {
          out.add(new Item(s.text(), s.line(), itemPath));
        }
      } else {
        problems.error(item.line(), itemPath, "expected a text value, got " + item.describe());
      }
    }
    return out;
  }

  /** One element of a list of text values, with where it is written. */
  record Item(String text, int line, String path) {}

  private Optional<YamlNode.Scalar> scalar(String key, YamlNode n, String expected) {
    if (n instanceof YamlNode.Scalar s) {
      return s.kind() == YamlNode.Scalar.Kind.INVALID ? Optional.empty() : Optional.of(s);
    }
    error(key, "expected " + expected + ", got " + n.describe());
    return Optional.empty();
  }

  private static String quoteHint(YamlNode.Scalar s) {
    if (s.kind() == YamlNode.Scalar.Kind.STRING && s.text().trim().matches("-?[0-9.]+")) {
      return " (without quotes)";
    }
    return "";
  }

  private static String trim(double d) {
    return d == Math.rint(d) ? Long.toString((long) d) : Double.toString(d);
  }
}
