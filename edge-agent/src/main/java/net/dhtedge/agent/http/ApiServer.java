package net.dhtedge.agent.http;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The agent's HTTP server on the JDK's built-in server (no extra dependency): the status page, the
 * JSON API, Server-Sent Events and Prometheus metrics. Every POST needs the bearer token; GETs too
 * when {@code readRequiresToken}. Every answer is JSON (or the page's HTML, the metrics text, the
 * event stream); no stack trace ever reaches a client.
 */
public final class ApiServer implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(ApiServer.class);

  private final HttpOptions options;
  private final ApiBackend backend;
  private final HttpServer server;
  private final ExecutorService executor;
  private final EventHub events;
  private final ApiRoutes api;
  private final MqttRoutes mqtt;
  private final byte[] tokenHash;
  private final AtomicLong internalErrors = new AtomicLong();
  private volatile boolean closed;

  /** Binds and starts the server, and follows the pipeline and MQTT for the event stream. */
  public ApiServer(HttpOptions options, ApiBackend backend) {
    if (!options.enabled()) {
      throw new IllegalArgumentException("HTTP is off (port 0); do not construct the server");
    }
    this.options = options;
    this.backend = backend;
    this.tokenHash = sha256(options.token());
    this.events = new EventHub(options.sseQueue(), options.heartbeatSeconds(), backend.clock());
    this.api = new ApiRoutes(backend);
    this.mqtt = new MqttRoutes(backend);
    int port = options.port() == HttpOptions.EPHEMERAL ? 0 : options.port();
    // Without TCP_NODELAY the JDK server's separate header and body writes meet the client's
    // delayed ACK: every response over a few KiB waited ~40 ms (measured). Read once by the JDK's
    // ServerConfig when the first server is created.
    if (System.getProperty("sun.net.httpserver.nodelay") == null) {
      System.setProperty("sun.net.httpserver.nodelay", "true");
    }
    try {
      server = HttpServer.create(new InetSocketAddress(options.bind(), port), 64);
    } catch (IOException e) {
      events.close();
      throw new UncheckedIOException(
          "cannot listen on " + options.bind() + ":" + port + " (" + e.getMessage() + ")", e);
    }
    executor = Executors.newVirtualThreadPerTaskExecutor();
    server.setExecutor(executor);
    server.createContext("/", this::handle);
    backend.pipeline().addListener(events);
    backend.mqtt().ifPresent(m -> m.addListener(events));
    server.start();
  }

  /** The port actually bound (useful when the options asked for a free one). */
  public int port() {
    return server.getAddress().getPort();
  }

  /** Connected SSE clients (benchmarks, metrics). */
  public int eventClients() {
    return events.clients();
  }

  private enum Access {
    READ,
    WRITE
  }

  private record Route(Set<String> methods, Access access) {}

  /** Which methods a path takes, or null for an unknown path. */
  private static Route route(String path) {
    Set<String> get = Set.of("GET", "HEAD");
    Set<String> post = Set.of("POST");
    return switch (path) {
      case "/",
          "/api/status",
          "/api/devices",
          "/api/readings",
          "/api/incidents",
          "/metrics",
          "/healthz",
          "/api/events",
          "/mqtt/status" ->
          new Route(get, Access.READ);
      case "/mqtt/connect", "/mqtt/disconnect", "/mqtt/publish/sensor" ->
          new Route(post, Access.WRITE);
      default -> {
        if (path.matches("/api/incidents/[^/]+/(ack|resolve)")
            || path.matches("/mqtt/publish/incident/[^/]+")) {
          yield new Route(post, Access.WRITE);
        }
        yield null;
      }
    };
  }

  private void handle(HttpExchange exchange) {
    Call call = null;
    try {
      call = new Call(exchange, options.maxBodyBytes());
      dispatch(call);
    } catch (HttpError e) {
      answerError(exchange, call, e);
    } catch (IOException e) {
      LOG.debug(
          "HTTP {} {}: client went away ({})", method(exchange), path(exchange), e.toString());
    } catch (RuntimeException | Error e) {
      if (internalErrors.incrementAndGet() <= 100) {
        LOG.error("HTTP {} {} failed", method(exchange), path(exchange), e);
      }
      answerError(exchange, call, new HttpError(500, "internal error"));
    } finally {
      exchange.close();
    }
  }

  private void dispatch(Call c) throws IOException {
    Route r = route(c.path);
    String origin = c.header("Origin");
    boolean corsOk = origin != null && corsAllowed(origin);
    if (corsOk) {
      c.exchange.getResponseHeaders().set("Access-Control-Allow-Origin", origin);
      c.exchange.getResponseHeaders().add("Vary", "Origin");
    }
    if (r == null) {
      throw HttpError.notFound(c.path);
    }
    if (c.method.equals("OPTIONS")) {
      preflight(c, r, origin, corsOk);
      return;
    }
    if (!r.methods().contains(c.method)) {
      throw new HttpError(405, "method not allowed")
          .header("Allow", String.join(", ", sorted(r.methods())) + ", OPTIONS");
    }
    if (r.access() == Access.WRITE || options.readRequiresToken()) {
      boolean queryTokenOk = c.path.equals("/api/events") || c.path.equals("/");
      if (!authorized(c, queryTokenOk && r.access() == Access.READ)) {
        throw new HttpError(401, "unauthorized").header("WWW-Authenticate", "Bearer");
      }
    }
    switch (c.path) {
      case "/" -> c.send(200, "text/html; charset=utf-8", page());
      case "/healthz" -> {
        boolean healthy = backend.pipeline().counters().storeHealthy();
        c.json(healthy ? 200 : 503, Map.of("status", healthy ? "ok" : "store failing"));
      }
      case "/metrics" ->
          c.send(
              200,
              Metrics.CONTENT_TYPE,
              Metrics.render(backend, events).getBytes(StandardCharsets.UTF_8));
      case "/api/events" -> {
        Map<String, String> extra = new LinkedHashMap<>();
        events.serve(c.exchange, extra);
      }
      default -> {
        if (c.path.startsWith("/mqtt/")) {
          mqtt.handle(c);
        } else {
          api.handle(c);
        }
      }
    }
  }

  private byte[] page() {
    return StatusPage.render(backend, options.readRequiresToken()).getBytes(StandardCharsets.UTF_8);
  }

  private void preflight(Call c, Route r, String origin, boolean corsOk) throws IOException {
    if (origin == null || !corsOk) {
      throw new HttpError(403, "origin not allowed");
    }
    var h = c.exchange.getResponseHeaders();
    h.set("Access-Control-Allow-Methods", String.join(", ", sorted(r.methods())) + ", OPTIONS");
    h.set("Access-Control-Allow-Headers", "Authorization, Content-Type");
    h.set("Access-Control-Max-Age", "600");
    c.send(204, "text/plain", new byte[0]);
  }

  private boolean corsAllowed(String origin) {
    List<String> allowed = options.corsOrigins();
    return allowed.contains("*") || allowed.contains(origin);
  }

  private boolean authorized(Call c, boolean queryTokenOk) {
    String given = null;
    String h = c.header("Authorization");
    if (h != null && h.regionMatches(true, 0, "Bearer ", 0, 7)) {
      given = h.substring(7).trim();
    } else if (queryTokenOk) {
      given = c.query.get("token");
    }
    if (given == null) {
      return false;
    }
    // Both sides hashed to the same length first, then compared in constant time.
    return MessageDigest.isEqual(tokenHash, sha256(given));
  }

  private static byte[] sha256(String s) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is missing from this JVM", e);
    }
  }

  private static List<String> sorted(Set<String> s) {
    return s.stream().sorted().toList();
  }

  private void answerError(HttpExchange exchange, Call call, HttpError e) {
    try {
      e.headers.forEach(exchange.getResponseHeaders()::set);
      if (call == null) {
        exchange.getResponseHeaders().set("Content-Type", "application/json; charset=utf-8");
        byte[] b = Json.bytes(e.body);
        exchange.sendResponseHeaders(e.status, b.length);
        exchange.getResponseBody().write(b);
      } else {
        call.json(e.status, e.body);
      }
    } catch (IOException | RuntimeException ignored) {
      // the client is gone or the response had started; nothing more to say
    }
  }

  private static String method(HttpExchange e) {
    return e.getRequestMethod();
  }

  private static String path(HttpExchange e) {
    return e.getRequestURI().getRawPath();
  }

  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    backend.pipeline().removeListener(events);
    events.close();
    server.stop(0);
    executor.shutdownNow();
  }
}
