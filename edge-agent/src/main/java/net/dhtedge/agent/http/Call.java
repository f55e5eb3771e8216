package net.dhtedge.agent.http;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URLDecoder;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Blocker;

/**
 * One request: method, raw path, decoded query, bounded body, and the answer helpers. The only
 * class besides {@link ApiServer} and {@link JsonErrors} that knows the HTTP server's types.
 */
final class Call {
  final String method;
  final String path;
  final Map<String, String> query;
  private final Request request;
  private final Response response;
  private final int maxBody;
  private boolean bodyRead;

  Call(Request request, Response response, int maxBody) {
    this.request = request;
    this.response = response;
    this.method = request.getMethod();
    String raw = request.getHttpURI().getPath();
    this.path = raw == null ? "" : raw;
    this.query = parseQuery(request.getHttpURI().getQuery());
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
      String key;
      try {
        key = URLDecoder.decode(k, StandardCharsets.UTF_8);
      } catch (IllegalArgumentException e) {
        throw HttpError.badField("query", "bad URL encoding in a parameter name");
      }
      try {
        out.putIfAbsent(key, URLDecoder.decode(v, StandardCharsets.UTF_8));
      } catch (IllegalArgumentException e) {
        throw HttpError.badField(key, "bad URL encoding");
      }
    }
    return out;
  }

  /** The query string as sent (still encoded), or null. */
  String rawQuery() {
    return request.getHttpURI().getQuery();
  }

  String header(String name) {
    return request.getHeaders().get(name);
  }

  /** Sets a response header (before the answer is sent). */
  void responseHeader(String name, String value) {
    response.getHeaders().put(name, value);
  }

  /** Adds a response header value (before the answer is sent). */
  void addResponseHeader(String name, String value) {
    response.getHeaders().add(name, value);
  }

  String remote() {
    return String.valueOf(request.getConnectionMetaData().getRemoteSocketAddress());
  }

  /** The body, at most {@code maxBody} bytes: checked by Content-Length and while reading. */
  byte[] body() throws IOException {
    bodyRead = true;
    long declared = request.getLength();
    if (declared > maxBody) {
      throw tooLarge();
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    byte[] buf = new byte[4096];
    try (InputStream in = Content.Source.asInputStream(request)) {
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

  /**
   * Whether the request carries a body nobody has read (an error answered before it): the server
   * then drops the connection after the answer, so the answer must say {@code Connection: close},
   * or a client reuses the dying connection and its next request gets no answer.
   */
  boolean bodyUnread() {
    if (bodyRead) {
      return false;
    }
    long declared = request.getLength();
    return declared > 0
        || (declared < 0 && request.getHeaders().contains(HttpHeader.TRANSFER_ENCODING));
  }

  private HttpError tooLarge() {
    return new HttpError(413, "body too large").with("max_bytes", maxBody);
  }

  /** Sends the whole answer and waits until it is written (or the client has gone). */
  void send(int status, String contentType, byte[] bytes) throws IOException {
    response.setStatus(status);
    var h = response.getHeaders();
    h.put(HttpHeader.CONTENT_TYPE, contentType);
    h.put(HttpHeader.CACHE_CONTROL, "no-store");
    h.put("X-Content-Type-Options", "nosniff");
    boolean noBody = method.equals("HEAD") || status == 204 || status == 304;
    if (status != 204 && status != 304) {
      h.put(HttpHeader.CONTENT_LENGTH, bytes.length);
    }
    try (Blocker.Callback done = Blocker.callback()) {
      response.write(true, noBody ? null : ByteBuffer.wrap(bytes), done);
      done.block();
    }
  }

  /**
   * Sends a file, streamed from disk in the server's buffers (never whole in the heap), with an
   * ETag; {@code 304} without a body when the client's {@code If-None-Match} has it.
   */
  void sendFile(String contentType, java.nio.file.Path file, long size, String etag)
      throws IOException {
    var h = response.getHeaders();
    h.put(HttpHeader.CACHE_CONTROL, "no-cache"); // revalidate: a rebuilt dashboard shows at once
    h.put(HttpHeader.ETAG, etag);
    h.put("X-Content-Type-Options", "nosniff");
    String match = header("If-None-Match");
    if (match != null && (match.equals(etag) || match.equals("W/" + etag))) {
      response.setStatus(304);
      try (Blocker.Callback done = Blocker.callback()) {
        response.write(true, null, done);
        done.block();
      }
      return;
    }
    response.setStatus(200);
    h.put(HttpHeader.CONTENT_TYPE, contentType);
    h.put(HttpHeader.CONTENT_LENGTH, size);
    try (Blocker.Callback done = Blocker.callback()) {
      if (method.equals("HEAD")) {
        response.write(true, null, done);
      } else {
        Content.copy(Content.Source.from(file), response, done);
      }
      done.block();
    }
  }

  void json(int status, Object body) throws IOException {
    send(status, "application/json; charset=utf-8", Json.bytes(body));
  }

  /**
   * Starts a streamed answer (Server-Sent Events): status 200, the headers set so far, and a stream
   * whose writes block until the client has taken them.
   */
  OutputStream stream(String contentType) {
    response.setStatus(200);
    response.getHeaders().put(HttpHeader.CONTENT_TYPE, contentType);
    return Content.Sink.asOutputStream(response);
  }

  /** Closes the connection under a streamed answer, from any thread (a blocked writer wakes). */
  void abort() {
    request.getConnectionMetaData().getConnection().getEndPoint().close();
  }
}
