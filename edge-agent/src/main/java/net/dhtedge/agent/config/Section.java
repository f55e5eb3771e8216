package net.dhtedge.agent.config;

import java.math.BigInteger;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * One mapping of the config file, read key by key: what a module's {@code bind(Section)} reads its
 * settings from. Every accessor names the key, its default, its unit and its allowed range once,
 * validates, reports a problem (file line + key path + what is allowed) and falls back to the
 * default, so reading goes on and all problems are collected.
 *
 * <p>The section remembers every key a binder asks for; once the whole file is read, {@link
 * ConfigLoader} reports each other key written in it as unknown, with "did you mean" and the keys
 * allowed there (in the order the binder reads them). So the keys a section allows are exactly
 * those its binder reads: there is no second list to keep in step.
 *
 * <p>Over 400 lines on purpose: one accessor per kind of value (text, boolean, whole number,
 * decimal, duration, choice, list, secret, path, device id, topic prefix, nested and per-device
 * sections), each with its checks and messages, so that the validation of every setting of every
 * module is written here once.
 */
public final class Section {

  private final Map<String, YamlNode.Entry> entries;
  private final String path;
  private final int line;
  private final BindContext ctx;
  private final Set<String> asked = new LinkedHashSet<>();

  private Section(Map<String, YamlNode.Entry> entries, String path, int line, BindContext ctx) {
    this.entries = entries;
    this.path = path;
    this.line = line;
    this.ctx = ctx;
  }

  /**
   * Wraps {@code node} (null or an empty value means "all defaults"), reporting a non-mapping.
   * {@code line} is where the section's own key (or list item) is written; a missing required key
   * is reported there. Its unknown keys are reported by {@link BindContext#reportUnknownKeys()}.
   */
  static Section of(YamlNode node, String path, int line, BindContext ctx) {
    Section s;
    if (node == null || node instanceof YamlNode.Scalar sc && sc.isNull()) {
      s = new Section(Map.of(), path, line, ctx);
    } else if (!(node instanceof YamlNode.Mapping m)) {
      if (!(node instanceof YamlNode.Scalar sc && sc.kind() == YamlNode.Scalar.Kind.INVALID)) {
        ctx.problems()
            .error(
                node.line(),
                path,
                "expected a mapping (indented key: value lines), got " + node.describe());
      }
      s = new Section(Map.of(), path, node.line(), ctx);
    } else {
      s = new Section(new LinkedHashMap<>(m.entries()), path, line, ctx);
    }
    ctx.sections().add(s);
    return s;
  }

  /** Wraps a free-form mapping (keys are data, e.g. device ids): no key is unknown. */
  static Section anyKeys(YamlNode node, String path, int line, BindContext ctx) {
    if (node instanceof YamlNode.Mapping m) {
      return new Section(new LinkedHashMap<>(m.entries()), path, m.line(), ctx);
    }
    return of(node, path, line, ctx);
  }

  /**
   * An empty section: every accessor gives its default. {@code X.defaults()} is {@code
   * X.bind(Section.empty())}, so a default is written once, in the accessor call.
   *
   * @throws IllegalStateException when the binder reports an error even with nothing written (a
   *     required key): such settings have no defaults
   */
  public static <T> T defaults(java.util.function.Function<Section, T> bind) {
    BindContext ctx = BindContext.of(new Problems("(defaults)"), k -> null, "edge-agent", false);
    T t = bind.apply(of(null, "", 0, ctx));
    if (ctx.problems().hasErrors()) {
      throw new IllegalStateException("no defaults: " + ctx.problems().sorted());
    }
    return t;
  }

  /** Reports every key written here that the binder did not ask for. */
  void reportUnknownKeys() {
    List<String> known = List.copyOf(asked);
    for (YamlNode.Entry e : entries.values()) {
      if (!asked.contains(e.key())) {
        String hint =
            Suggestions.closest(e.key(), known).map(s -> "did you mean '" + s + "'? ").orElse("");
        ctx.problems()
            .error(
                e.keyLine(),
                join(path, e.key()),
                "unknown key; " + hint + "allowed here: " + String.join(", ", known));
      }
    }
  }

  /** The keys the binder asked for, in that order (the section's schema). */
  Set<String> asked() {
    return asked;
  }

  private YamlNode.Entry entry(String key) {
    asked.add(key);
    return entries.get(key);
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
    return ctx.problems();
  }

  BindContext context() {
    return ctx;
  }

  /** The key's path for messages, e.g. {@code mqtt.tls.ca_file}. */
  public String pathOf(String key) {
    return join(path, key);
  }

  /** The line of the key's value, or of this section when the key is absent. */
  int lineOf(String key) {
    YamlNode.Entry e = entry(key);
    return e == null ? line : e.keyLine();
  }

  /** True when the key is present with a non-null value. */
  public boolean has(String key) {
    return node(key) != null;
  }

  /** True when the key is written with an empty or null value ({@code max:} or {@code max: ~}). */
  public boolean isExplicitNull(String key) {
    YamlNode.Entry e = entry(key);
    return e != null && e.value() instanceof YamlNode.Scalar s && s.isNull();
  }

  /** The key's value, or null when it is absent or null. */
  YamlNode node(String key) {
    YamlNode.Entry e = entry(key);
    if (e == null || e.value() instanceof YamlNode.Scalar s && s.isNull()) {
      return null;
    }
    return e.value();
  }

  /** An error at the key (at this section when the key is not written). */
  public void error(String key, String message) {
    problems().error(lineOf(key), pathOf(key), message);
  }

  /** An error at one element of a list read with {@link #texts}. */
  public void error(Item item, String message) {
    problems().error(item.line(), item.path(), message);
  }

  /** A required key that is not written: reported at the section's own line. */
  public void missing(String key, String message) {
    problems().error(line, pathOf(key), message);
  }

  /** A problem that is no key's, e.g. of an environment variable: {@code where: message}. */
  public void errorWithoutLine(String where, String message) {
    problems().error(0, where, message);
  }

  public void warn(String key, String message) {
    problems().warn(lineOf(key), pathOf(key), message);
  }

  /** The mapping under {@code key} (all defaults when it is not written). */
  public Section child(String key) {
    return of(node(key), pathOf(key), lineOf(key), ctx);
  }

  /**
   * A mapping whose keys are device ids (e.g. {@code rules.devices}), each value a section of its
   * own, in file order. A key that is not a device id is reported and left out; with more than
   * {@code limit} entries none is read and {@code tooMany} (given the count) is reported.
   */
  public Map<String, Section> byDeviceId(
      String key, int limit, java.util.function.LongFunction<String> tooMany) {
    Map<String, Section> out = new LinkedHashMap<>();
    YamlNode n = node(key);
    if (n == null) {
      return out;
    }
    Section d = anyKeys(n, pathOf(key), lineOf(key), ctx);
    if (d.entries().size() > limit) {
      error(key, tooMany.apply(d.entries().size()));
      return out;
    }
    for (YamlNode.Entry e : d.entries()) {
      String path = d.pathOf(e.key());
      if (!net.dhtedge.agent.core.Reading.DEVICE_ID.matcher(e.key()).matches()) {
        problems()
            .error(
                e.keyLine(),
                path,
                "\""
                    + e.key()
                    + "\" is not a device id (allowed: A-Z a-z 0-9 _ . -, 1 to 64 chars)");
        continue;
      }
      out.put(e.key(), of(e.value(), path, e.keyLine(), ctx));
    }
    return out;
  }

  /** An environment variable (a seam: tests pass a map), or null. */
  public String env(String name) {
    return ctx.env().apply(name);
  }

  /**
   * A secret: {@code envVar} first, then the file named by {@code fileKey}, then {@code key} inline
   * (which warns when the config file is readable by others); null when none is set.
   */
  public Secret secret(String key, String fileKey, String envVar) {
    return new SecretReader(ctx).read(this, key, fileKey, envVar);
  }

  /** A path (null when not written); an empty or invalid one is an error. */
  public Path path(String key) {
    return Values.path(this, key, text(key, null));
  }

  /** {@code text} (from elsewhere, e.g. the environment) as the path {@code key} stands for. */
  public Path path(String key, String text) {
    return Values.path(this, key, text);
  }

  /** A path to a file that must exist and be readable now, or null when not written. */
  public Path readableFile(String key) {
    return Values.readableFile(this, key);
  }

  /** A device id ({@code [A-Za-z0-9_.-]{1,64}}), or {@code def}; an invalid one is reported. */
  public String deviceId(String key, String def) {
    String id = text(key, def);
    return Values.checkDeviceId(this, key, id) ? id : def;
  }

  /**
   * An MQTT topic prefix (levels separated by '/', none empty, no wildcards, no leading '$'), or
   * {@code def}; an invalid one is reported.
   */
  public String topicPrefix(String key, String def) {
    String prefix = text(key, def);
    return Values.checkTopicPrefix(this, key, prefix) ? prefix : def;
  }

  /** A scalar value as text (numbers and booleans as written), or {@code def}. */
  public String text(String key, String def) {
    YamlNode n = node(key);
    if (n == null) {
      return def;
    }
    Optional<YamlNode.Scalar> s = scalar(key, n, "a text value");
    return s.map(YamlNode.Scalar::text).orElse(def);
  }

  public boolean bool(String key, boolean def) {
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
  public Long longValue(String key, Long def, long min, long max, String unit) {
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

  /** A whole number in {@code min..max}; {@code unit} follows the range in messages. */
  public int integer(String key, int def, int min, int max, String unit) {
    return longValue(key, (long) def, min, max, unit).intValue();
  }

  /** A number (whole or decimal) in {@code min..max}; {@code def} may be null. */
  public Double decimal(String key, Double def, double min, double max, String unit) {
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
  public Duration duration(String key, Duration def, Duration min, Duration max) {
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
  public <E extends Enum<E>> E choice(String key, E def, Class<E> type) {
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
  public List<Item> texts(String key) {
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
        problems().error(item.line(), itemPath, "expected a text value, got " + item.describe());
      }
    }
    return out;
  }

  /** One element of a list of text values, with where it is written. */
  public record Item(String text, int line, String path) {}

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
