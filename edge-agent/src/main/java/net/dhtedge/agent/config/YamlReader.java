package net.dhtedge.agent.config;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLParser;
import java.io.IOException;
import java.io.Reader;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;

/**
 * Reads one YAML document into {@link YamlNode}s by walking Jackson's YAML parser token by token,
 * keeping the line of every key and value. Duplicate keys, aliases, extra documents and malformed
 * YAML become problems (with line and, for syntax errors, column) instead of exceptions.
 *
 * <p>The walk is recursive, so it stops at {@link ConfigLimits#MAX_DEPTH} levels (a file nested a
 * thousand levels deep would otherwise overflow the agent's 256 KB stack) and at {@link
 * ConfigLimits#MAX_VALUES} values (memory): either is one problem on the line where the limit was
 * crossed, and the rest of the file is not read.
 */
final class YamlReader {

  /** An empty value ({@code max:}) must read as null, not as empty text. */
  private static final YAMLFactory FACTORY =
      YAMLFactory.builder().enable(YAMLParser.Feature.EMPTY_STRING_AS_NULL).build();

  private final Problems problems;
  private int depth;
  private int values;

  /** Thrown once a limit was crossed and reported: unwinds the walk without a stack trace. */
  private static final class LimitReached extends RuntimeException {
    LimitReached() {
      super(null, null, false, false);
    }
  }

  YamlReader(Problems problems) {
    this.problems = problems;
  }

  /** The document's root, or null when the document is empty or could not be parsed. */
  YamlNode read(Reader in) throws IOException {
    try (YAMLParser p = FACTORY.createParser(in)) {
      JsonToken first = p.nextToken();
      if (first == null) {
        return null;
      }
      YamlNode root = value(p, first, "");
      if (p.nextToken() != null) {
        problems.error(
            line(p), "", "the file holds more than one YAML document (---); use exactly one");
      }
      return root;
    } catch (JsonProcessingException e) {
      reportSyntax(e);
      return null;
    } catch (LimitReached e) {
      return null;
    }
  }

  private YamlNode value(YAMLParser p, JsonToken token, String path) throws IOException {
    int line = line(p);
    if (++values > ConfigLimits.MAX_VALUES) {
      problems.error(
          line,
          "",
          "the file holds more than "
              + ConfigLimits.count(ConfigLimits.MAX_VALUES)
              + " values (the limit); a gateway's config needs far fewer");
      throw new LimitReached();
    }
    if (token == JsonToken.START_OBJECT || token == JsonToken.START_ARRAY) {
      if (depth >= ConfigLimits.MAX_DEPTH) {
        problems.error(
            line,
            "",
            "nested more than "
                + ConfigLimits.MAX_DEPTH
                + " levels deep (the limit); the agent's own keys go 5 levels deep");
        throw new LimitReached();
      }
      depth++;
      try {
        return structure(p, token, path, line);
      } finally {
        depth--;
      }
    }
    return structure(p, token, path, line);
  }

  private YamlNode structure(YAMLParser p, JsonToken token, String path, int line)
      throws IOException {
    if (p.isCurrentAlias()) {
      problems.error(
          line, path, "YAML aliases (*" + p.getText() + ") are not supported; write the value out");
      return new YamlNode.Scalar(line, YamlNode.Scalar.Kind.INVALID, p.getText(), null);
    }
    return switch (token) {
      case START_OBJECT -> mapping(p, path, line);
      case START_ARRAY -> sequence(p, path, line);
      case VALUE_STRING -> scalar(line, YamlNode.Scalar.Kind.STRING, p.getText(), null);
      case VALUE_NUMBER_INT -> integer(p, line);
      case VALUE_NUMBER_FLOAT ->
          scalar(line, YamlNode.Scalar.Kind.DECIMAL, p.getText(), p.getDoubleValue());
      case VALUE_TRUE, VALUE_FALSE -> scalar(line, YamlNode.Scalar.Kind.BOOLEAN, p.getText(), null);
      case VALUE_NULL -> scalar(line, YamlNode.Scalar.Kind.NULL, p.getText(), null);
      default -> {
        problems.error(line, path, "unexpected YAML content (" + token + ")");
        yield scalar(line, YamlNode.Scalar.Kind.INVALID, p.getText(), null);
      }
    };
  }

  private static YamlNode integer(YAMLParser p, int line) throws IOException {
    Number n;
    try {
      n = p.getLongValue();
    } catch (JsonProcessingException tooLarge) {
      n = p.getBigIntegerValue();
    }
    if (n instanceof BigInteger big && big.bitLength() < 64) {
      n = big.longValue();
    }
    return scalar(line, YamlNode.Scalar.Kind.INTEGER, p.getText(), n);
  }

  private static YamlNode scalar(int line, YamlNode.Scalar.Kind kind, String text, Number n) {
    return new YamlNode.Scalar(line, kind, text == null ? "" : text, n);
  }

  private YamlNode mapping(YAMLParser p, String path, int line) throws IOException {
    LinkedHashMap<String, YamlNode.Entry> entries = new LinkedHashMap<>();
    JsonToken t;
    while ((t = p.nextToken()) == JsonToken.FIELD_NAME) {
      String key = p.currentName();
      int keyLine = line(p);
      String childPath = path.isEmpty() ? key : path + "." + key;
      YamlNode child = value(p, p.nextToken(), childPath);
      YamlNode.Entry previous = entries.get(key);
      if (previous != null) {
        problems.error(
            keyLine,
            childPath,
            "duplicate key (already set on line " + previous.keyLine() + "); keep only one");
      } else {
        entries.put(key, new YamlNode.Entry(key, keyLine, child));
      }
    }
    if (t != JsonToken.END_OBJECT) {
      problems.error(line(p), path, "unexpected YAML content (" + t + ")");
    }
    return new YamlNode.Mapping(line, entries);
  }

  private YamlNode sequence(YAMLParser p, String path, int line) throws IOException {
    List<YamlNode> items = new ArrayList<>();
    JsonToken t;
    while ((t = p.nextToken()) != JsonToken.END_ARRAY && t != null) {
      items.add(value(p, t, path + "[" + items.size() + "]"));
    }
    return new YamlNode.Sequence(line, items);
  }

  private static int line(YAMLParser p) {
    JsonLocation loc = p.currentTokenLocation();
    return loc == null ? 0 : Math.max(loc.getLineNr(), 0);
  }

  /** Finds SnakeYAML's marked exception (exact line/column and a one-line problem) if any. */
  private void reportSyntax(JsonProcessingException e) {
    for (Throwable c = e; c != null; c = c.getCause()) {
      if (c instanceof org.yaml.snakeyaml.error.MarkedYAMLException marked
          && marked.getProblemMark() != null) {
        String what = marked.getProblem();
        if (marked.getContext() != null) {
          what = what + " (" + marked.getContext() + ")";
        }
        problems.error(
            marked.getProblemMark().getLine() + 1,
            marked.getProblemMark().getColumn() + 1,
            "",
            "malformed YAML: " + oneLine(what));
        return;
      }
    }
    JsonLocation loc = e.getLocation();
    problems.error(
        loc == null ? 0 : loc.getLineNr(),
        loc == null ? 0 : loc.getColumnNr(),
        "",
        "malformed YAML: " + oneLine(e.getOriginalMessage()));
  }

  private static String oneLine(String s) {
    return s == null ? "unreadable" : s.replace("\t", "\\t").replaceAll("\\s*\\R\\s*", " ").trim();
  }
}
