package net.dhtedge.agent.http;

import java.util.LinkedHashMap;
import java.util.Map;

/** An error answer: status code and a small JSON body. Thrown by handlers, sent by the server. */
final class HttpError extends RuntimeException {
  private static final long serialVersionUID = 1L;

  final int status;
  final transient Map<String, Object> body;
  final transient Map<String, String> headers = new LinkedHashMap<>();

  HttpError(int status, String error) {
    super(error, null, false, false);
    this.status = status;
    this.body = new LinkedHashMap<>();
    body.put("error", error);
  }

  /** 400 naming the field at fault. */
  static HttpError badField(String field, String detail) {
    HttpError e = new HttpError(400, "invalid field");
    e.body.put("field", field);
    e.body.put("detail", detail);
    return e;
  }

  static HttpError notFound(String what) {
    HttpError e = new HttpError(404, "not found");
    e.body.put("path", what);
    return e;
  }

  HttpError with(String key, Object value) {
    body.put(key, value);
    return this;
  }

  HttpError header(String name, String value) {
    headers.put(name, value);
    return this;
  }
}
