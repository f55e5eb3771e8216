package net.dhtedge.agent.http;

import com.sun.net.httpserver.HttpExchange;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/** One request: method, path, query, bounded body, and the answer helpers. */
final class Call {
  final HttpExchange exchange;
  final String method;
  final String path;
  final Map<String, String> query;
  private final int maxBody;

  Call(HttpExchange exchange, int maxBody) {
    this.exchange = exchange;
    this.method = exchange.getRequestMethod();
    this.path = exchange.getRequestURI().getRawPath();
    this.query = parseQuery(exchange.getRequestURI().getRawQuery());
    this.maxBody = maxBody;
  }

  static Map<String, String> parseQuery(String raw) {
    Map<String, String> out = new LinkedHashMap<>();
    if (raw == null || raw.isEmpty()) {
      return out;
    }
    for (String part : raw.split("&")) {
      if (part.isEmpty()) {
        continue;
      }
      int eq = part.indexOf('=');
      String k = eq < 0 ? part : part.substring(0, eq);
      String v = eq < 0 ? "" : part.substring(eq + 1);
      try {
        out.putIfAbsent(
            URLDecoder.decode(k, StandardCharsets.UTF_8),
            URLDecoder.decode(v, StandardCharsets.UTF_8));
      } catch (IllegalArgumentException e) {
        throw HttpError.badField(k, "bad URL encoding");
      }
    }
    return out;
  }

  String header(String name) {
    return exchange.getRequestHeaders().getFirst(name);
  }

  /** The body, at most {@code maxBody} bytes: checked by Content-Length and while reading. */
  byte[] body() throws IOException {
    String cl = header("Content-Length");
    if (cl != null) {
      long declared;
      try {
        declared = Long.parseLong(cl.trim());
      } catch (NumberFormatException e) {
        throw new HttpError(400, "bad Content-Length");
      }
      if (declared > maxBody) {
        throw tooLarge();
      }
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    byte[] buf = new byte[4096];
    try (InputStream in = exchange.getRequestBody()) {
      int n;
      while ((n = in.read(buf)) > 0) {
        if (out.size() + n > maxBody) {
          throw tooLarge();
        }
        out.write(buf, 0, n);
      }
    }
    return out.toByteArray();
  }

  private HttpError tooLarge() {
    return new HttpError(413, "body too large").with("max_bytes", maxBody);
  }

  void send(int status, String contentType, byte[] bytes) throws IOException {
    exchange.getResponseHeaders().set("Content-Type", contentType);
    exchange.getResponseHeaders().set("Cache-Control", "no-store");
    exchange.getResponseHeaders().set("X-Content-Type-Options", "nosniff");
    boolean head = method.equals("HEAD");
    exchange.sendResponseHeaders(status, head || status == 204 ? -1 : bytes.length);
    if (!head && status != 204) {
      try (OutputStream o = exchange.getResponseBody()) {
        o.write(bytes);
      }
    }
  }

  void json(int status, Object body) throws IOException {
    send(status, "application/json; charset=utf-8", Json.bytes(body));
  }
}
