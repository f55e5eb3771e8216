package net.dhtedge.agent.http;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.LinkedHashMap;
import java.util.Map;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.handler.ErrorHandler;
import org.eclipse.jetty.util.Blocker;
import org.eclipse.jetty.util.Callback;

/**
 * The answers the server itself gives before any handler runs (a request line it cannot parse, a
 * bad {@code Content-Length}, a URI with a bad escape, headers over the cap, {@code *} as the
 * target), in the API's JSON shape: {@code {"error": "...", "detail": "..."}}. Never HTML, never a
 * stack trace.
 */
final class JsonErrors extends ErrorHandler {
  static final String CONTENT_TYPE = "application/json; charset=utf-8";

  private final java.util.concurrent.atomic.AtomicLong rejected =
      new java.util.concurrent.atomic.AtomicLong();

  /** Requests the server answered with an error before any handler ran (malformed, too big). */
  long rejected() {
    return rejected.get();
  }

  /** What an error says: the status's reason, and the server's detail when it gave one. */
  static Map<String, Object> body(int status, String detail) {
    Map<String, Object> out = new LinkedHashMap<>();
    String reason = HttpStatus.getMessage(status);
    out.put("error", reason == null ? "error" : reason.toLowerCase(java.util.Locale.ROOT));
    if (detail != null && !detail.isBlank() && !detail.equalsIgnoreCase(reason)) {
      out.put("detail", detail);
    }
    return out;
  }

  @Override
  protected void generateResponse(
      Request request,
      Response response,
      int code,
      String message,
      Throwable cause,
      Callback callback) {
    rejected.incrementAndGet();
    try {
      write(response, code, body(code, message));
      callback.succeeded();
    } catch (IOException | RuntimeException e) {
      callback.failed(e);
    }
  }

  /** For a request so broken that no request object exists: the bytes sent as the body. */
  @Override
  public ByteBuffer badMessageError(int status, String reason, HttpFields.Mutable fields) {
    rejected.incrementAndGet();
    fields.put(HttpHeader.CONTENT_TYPE, CONTENT_TYPE);
    fields.put(HttpHeader.CACHE_CONTROL, "no-store");
    return ByteBuffer.wrap(Json.bytes(body(status, reason)));
  }

  /** Writes a JSON error answer and waits until it is written. */
  static void write(Response response, int status, Map<String, Object> body) throws IOException {
    byte[] bytes = Json.bytes(body);
    response.setStatus(status);
    response.getHeaders().put(HttpHeader.CONTENT_TYPE, CONTENT_TYPE);
    response.getHeaders().put(HttpHeader.CACHE_CONTROL, "no-store");
    response.getHeaders().put(HttpHeader.CONTENT_LENGTH, bytes.length);
    try (Blocker.Callback done = Blocker.callback()) {
      response.write(true, ByteBuffer.wrap(bytes), done);
      done.block();
    }
  }
}
