package net.dhtedge.agent.http;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The agent's HTTP server, on the JDK's built-in server (no extra dependency, ~0 start-up cost).
 * Every response is JSON (or the status page's HTML); no stack trace ever reaches a client.
 */
public final class ApiServer implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(ApiServer.class);
  private static final ObjectMapper JSON = new ObjectMapper();

  private final HttpServer server;
  private final ExecutorService executor;
  private final StatusSource status;
  private volatile boolean closed;

  /** Binds and starts the server. */
  public ApiServer(HttpOptions options, StatusSource status) {
    if (!options.enabled()) {
      throw new IllegalArgumentException("HTTP is off (port 0); do not construct the server");
    }
    this.status = status;
    int port = options.port() == HttpOptions.EPHEMERAL ? 0 : options.port();
    try {
      server = HttpServer.create(new InetSocketAddress(options.bind(), port), 64);
    } catch (IOException e) {
      throw new UncheckedIOException(
          "cannot listen on " + options.bind() + ":" + port + " (" + e.getMessage() + ")", e);
    }
    executor = Executors.newVirtualThreadPerTaskExecutor();
    server.setExecutor(executor);
    server.createContext("/", this::handle);
    server.start();
  }

  /** The port actually bound (useful when the options asked for a free one). */
  public int port() {
    return server.getAddress().getPort();
  }

  private void handle(HttpExchange exchange) throws IOException {
    try (exchange) {
      String path = exchange.getRequestURI().getPath();
      String method = exchange.getRequestMethod();
      if (path.equals("/api/status") || path.equals("/healthz")) {
        if (!method.equals("GET") && !method.equals("HEAD")) {
          sendJson(exchange, 405, Map.of("error", "method not allowed"));
          return;
        }
        if (path.equals("/healthz")) {
          sendJson(exchange, 200, Map.of("status", "ok"));
        } else {
          sendJson(exchange, 200, status.status());
        }
        return;
      }
      Map<String, Object> body = new LinkedHashMap<>();
      body.put("error", "not found");
      body.put("path", path);
      sendJson(exchange, 404, body);
    } catch (RuntimeException e) {
      LOG.warn("HTTP {} {} failed: {}", exchange.getRequestMethod(), exchange.getRequestURI(), e);
      try {
        sendJson(exchange, 500, Map.of("error", "internal error"));
      } catch (IOException | RuntimeException ignored) {
        // the client is gone or the response had started; nothing more to say
      }
    }
  }

  static void sendJson(HttpExchange exchange, int code, Object body) throws IOException {
    byte[] bytes = JSON.writeValueAsBytes(body);
    exchange.getResponseHeaders().set("Content-Type", "application/json; charset=utf-8");
    exchange.getResponseHeaders().set("Cache-Control", "no-store");
    boolean head = exchange.getRequestMethod().equals("HEAD");
    exchange.sendResponseHeaders(code, head ? -1 : bytes.length);
    if (!head) {
      try (OutputStream out = exchange.getResponseBody()) {
        out.write(bytes);
      }
    }
  }

  static String utf8(byte[] bytes) {
    return new String(bytes, StandardCharsets.UTF_8);
  }

  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    server.stop(0);
    executor.shutdownNow();
  }
}
