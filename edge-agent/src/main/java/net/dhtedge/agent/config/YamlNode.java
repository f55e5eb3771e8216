package net.dhtedge.agent.config;

import java.util.LinkedHashMap;
import java.util.List;

/**
 * A YAML value with the line it starts on. The loader reads the file into these (not into Jackson's
 * JsonNode) so every later error can name its line.
 */
sealed interface YamlNode permits YamlNode.Mapping, YamlNode.Sequence, YamlNode.Scalar {

  /** 1-based line where the value starts. */
  int line();

  /** A short description for "expected X, got Y" messages. */
  String describe();

  /** A key of a mapping, with the line the key itself is on. */
  record Entry(String key, int keyLine, YamlNode value) {}

  /** {@code key: value} lines, in file order. */
  record Mapping(int line, LinkedHashMap<String, Entry> entries) implements YamlNode {
    @Override
    public String describe() {
      return "a mapping";
    }
  }

  /** {@code - item} lines or {@code [a, b]}. */
  record Sequence(int line, List<YamlNode> items) implements YamlNode {
    @Override
    public String describe() {
      return "a list";
    }
  }

  /**
   * A plain value. {@code number} is set for INTEGER (Long, or BigInteger when too large) and
   * DECIMAL (Double); {@code text} is the value as written (quotes removed).
   */
  record Scalar(int line, Kind kind, String text, Number number) implements YamlNode {

    /** How YAML resolved the value. INVALID: already reported (e.g. an alias), skip silently. */
    enum Kind {
      STRING,
      INTEGER,
      DECIMAL,
      BOOLEAN,
      NULL,
      INVALID
    }

    boolean isNull() {
      return kind == Kind.NULL;
    }

    @Override
    public String describe() {
      return switch (kind) {
        case STRING -> "the text \"" + text + "\"";
        case INTEGER, DECIMAL -> "the number " + text;
        case BOOLEAN -> "the boolean " + text;
        case NULL -> "nothing (null)";
        case INVALID -> "an invalid value";
      };
    }
  }
}
