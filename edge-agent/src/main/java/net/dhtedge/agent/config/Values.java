package net.dhtedge.agent.config;

import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.regex.Pattern;
import net.dhtedge.agent.core.Reading;

/** Checks for values that several sections share: device ids, topic levels, paths. */
final class Values {

  private static final Pattern TOPIC_LEVEL = Pattern.compile("[^+#/\\u0000\\s]+");

  private Values() {}

  /** Validates a device id; reports and returns false when it is not one. */
  static boolean checkDeviceId(Section s, String key, String id) {
    if (id == null || Reading.DEVICE_ID.matcher(id).matches()) {
      return true;
    }
    s.error(key, "\"" + id + "\" is not a device id (allowed: A-Z a-z 0-9 _ . -, 1 to 64 chars)");
    return false;
  }

  /**
   * Validates a topic prefix: one or more levels separated by '/', none empty, no wildcards (+ #),
   * no spaces, not starting with '$' (reserved for broker topics).
   */
  static boolean checkTopicPrefix(Section s, String key, String prefix) {
    if (prefix == null) {
      return true;
    }
    String why = null;
    if (prefix.isEmpty()) {
      why = "must not be empty";
    } else if (prefix.startsWith("$")) {
      why = "must not start with '$' (reserved for broker topics)";
    } else if (prefix.length() > 200) {
      why = "is longer than 200 characters";
    } else {
      for (String level : prefix.split("/", -1)) {
        if (!TOPIC_LEVEL.matcher(level).matches()) {
          why =
              level.isEmpty()
                  ? "has an empty topic level (leading, trailing or double '/')"
                  : "may not contain +, #, spaces or control characters";
          break;
        }
      }
    }
    if (why != null) {
      s.error(key, "\"" + prefix + "\" " + why);
    }
    return why == null;
  }

  /** Turns text into a path; reports and returns null when it cannot be one. */
  static Path path(Section s, String key, String text) {
    if (text == null) {
      return null;
    }
    if (text.isBlank()) {
      s.error(key, "must not be empty");
      return null;
    }
    try {
      return Path.of(text);
    } catch (InvalidPathException e) {
      s.error(key, "\"" + text + "\" is not a valid path: " + e.getReason());
      return null;
    }
  }

  /** A path to a file that must exist and be readable now. */
  static Path readableFile(Section s, String key) {
    Path p = path(s, key, s.text(key, null));
    if (p == null) {
      return null;
    }
    if (!Files.exists(p)) {
      s.error(key, p + ": no such file");
    } else if (!Files.isRegularFile(p)) {
      s.error(key, p + ": not a regular file");
    } else if (!Files.isReadable(p)) {
      s.error(key, p + ": not readable by this user");
    }
    return p;
  }
}
