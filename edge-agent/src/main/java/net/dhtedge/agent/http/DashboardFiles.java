package net.dhtedge.agent.http;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.Locale;
import java.util.Map;

/**
 * The built dashboard (dashboard-static/dist) at {@code /dashboard/}, read-only: GET and HEAD of
 * regular files under the directory and nothing else. A path is percent-decoded strictly, every
 * segment must be a plain name (no {@code .}, {@code ..}, empty, hidden, backslash or control
 * characters), and the file's real path (symbolic links followed) must still be inside the
 * directory. {@code defaults.json} is answered by the agent: the page's default broker, API and
 * prefix. Content types come from a fixed table; anything else is {@code application/octet-stream},
 * and {@code nosniff} is always sent.
 */
final class DashboardFiles {
  static final String PREFIX = "/dashboard/";

  private static final Map<String, String> TYPES =
      Map.ofEntries(
          Map.entry("html", "text/html; charset=utf-8"),
          Map.entry("js", "text/javascript; charset=utf-8"),
          Map.entry("mjs", "text/javascript; charset=utf-8"),
          Map.entry("css", "text/css; charset=utf-8"),
          Map.entry("json", "application/json; charset=utf-8"),
          Map.entry("map", "application/json; charset=utf-8"),
          Map.entry("txt", "text/plain; charset=utf-8"),
          Map.entry("svg", "image/svg+xml"),
          Map.entry("png", "image/png"),
          Map.entry("jpg", "image/jpeg"),
          Map.entry("jpeg", "image/jpeg"),
          Map.entry("webp", "image/webp"),
          Map.entry("ico", "image/x-icon"),
          Map.entry("woff2", "font/woff2"),
          Map.entry("webmanifest", "application/manifest+json"));

  private final Path root;
  private final byte[] defaultsJson;

  DashboardFiles(HttpOptions.Dashboard dashboard) {
    try {
      this.root = dashboard.dir().toRealPath();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot serve the dashboard from " + dashboard.dir(), e);
    }
    this.defaultsJson = Json.bytes(dashboard.defaults());
  }

  /** The content type served for a file name. */
  static String contentType(String name) {
    int dot = name.lastIndexOf('.');
    String ext = dot < 0 ? "" : name.substring(dot + 1).toLowerCase(Locale.ROOT);
    return TYPES.getOrDefault(ext, "application/octet-stream");
  }

  /** Answers {@code GET/HEAD /dashboard/<rest>}; {@code rest} is the raw (encoded) path. */
  void serve(Call c, String rest) throws IOException {
    String path = decode(rest);
    if (path.equals("defaults.json")) {
      c.send(200, "application/json; charset=utf-8", defaultsJson);
      return;
    }
    Path file = root;
    String[] segments = path.split("/", -1);
    for (int i = 0; i < segments.length; i++) {
      String s = segments[i];
      boolean last = i == segments.length - 1;
      if (s.isEmpty() && last) {
        file = file.resolve("index.html"); // a directory's page
        break;
      }
      checkSegment(s, c.path);
      file = file.resolve(s);
    }
    BasicFileAttributes attrs;
    Path real;
    try {
      real = file.toRealPath();
      attrs = Files.readAttributes(real, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
    } catch (NoSuchFileException e) {
      throw HttpError.notFound(c.path);
    } catch (IOException e) {
      throw HttpError.notFound(c.path); // unreadable is not found, for a client
    }
    if (!real.startsWith(root)) {
      throw HttpError.notFound(c.path); // a link out of the directory
    }
    if (attrs.isDirectory()) {
      throw new HttpError(301, "moved").header("Location", c.path + "/");
    }
    if (!attrs.isRegularFile()) {
      throw HttpError.notFound(c.path);
    }
    String etag =
        "\""
            + Long.toHexString(attrs.size())
            + "-"
            + Long.toHexString(attrs.lastModifiedTime().toMillis())
            + "\"";
    c.sendFile(contentType(real.getFileName().toString()), real, attrs.size(), etag);
  }

  private static void checkSegment(String s, String path) {
    if (s.isEmpty() || s.equals(".") || s.equals("..")) {
      throw HttpError.badField("path", "empty, . or .. segments are not served").with("path", path);
    }
    for (int i = 0; i < s.length(); i++) {
      char ch = s.charAt(i);
      if (ch < 0x20 || ch == 0x7f || ch == '\\' || ch == ':') {
        throw HttpError.badField("path", "control characters, \\ and : are not served")
            .with("path", path);
      }
    }
    if (s.startsWith(".")) {
      throw HttpError.notFound(path); // hidden files are not part of the site
    }
  }

  /** Strict percent-decoding of a path (a {@code +} stays a {@code +}); 400 when malformed. */
  static String decode(String raw) {
    if (raw.indexOf('%') < 0) {
      return raw;
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream(raw.length());
    for (int i = 0; i < raw.length(); i++) {
      char ch = raw.charAt(i);
      if (ch == '%') {
        int hi = i + 2 < raw.length() ? Character.digit(raw.charAt(i + 1), 16) : -1;
        int lo = hi < 0 ? -1 : Character.digit(raw.charAt(i + 2), 16);
        if (lo < 0) {
          throw HttpError.badField("path", "bad percent-encoding");
        }
        out.write(hi * 16 + lo);
        i += 2;
      } else {
        byte[] b = String.valueOf(ch).getBytes(StandardCharsets.UTF_8);
        out.write(b, 0, b.length);
      }
    }
    try {
      return StandardCharsets.UTF_8
          .newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(out.toByteArray()))
          .toString();
    } catch (CharacterCodingException e) {
      throw HttpError.badField("path", "not UTF-8 after percent-decoding");
    }
  }
}
