package net.dhtedge.agent.http;

import static net.dhtedge.agent.http.RouteTable.Access.PUBLIC;
import static net.dhtedge.agent.http.RouteTable.Access.READ;
import static net.dhtedge.agent.http.RouteTable.Access.READ_OR_QUERY_TOKEN;
import static net.dhtedge.agent.http.RouteTable.Access.WRITE;
import static net.dhtedge.agent.http.RouteTable.get;
import static net.dhtedge.agent.http.RouteTable.post;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.BindException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;
import org.eclipse.jetty.http.HttpCompliance;
import org.eclipse.jetty.io.ArrayByteBufferPool;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The agent's HTTP server on Jetty's core (no servlets): the status page, the JSON API, Server-Sent
 * Events and Prometheus metrics. Every POST needs the bearer token; GETs too when {@code
 * readRequiresToken}. Every answer is JSON (or the page's HTML, the metrics text, the event
 * stream), malformed requests included ({@link JsonErrors}); no stack trace ever reaches a client.
 *
 * <p>Hostile clients are bounded ({@link ConnectionGuard}): a connection without a complete request
 * is closed after {@link HttpOptions#idleMillis()}, at most {@link HttpOptions#maxConnections()}
 * are open, request headers are capped at 8 KiB and bodies at {@code maxBodyBytes}. The JDK's
 * built-in server could do none of this (http/README.md).
 *
 * <p>Why it is ~400 lines: the route table ({@link #routes()}) and the Jetty handler that applies
 * access, CORS and the error answers to every route; the handlers are in {@link ApiRoutes}, {@link
 * MqttRoutes}, {@link StatusPage} and {@link Metrics}.
 */
public final class ApiServer implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(ApiServer.class);

  private final HttpOptions options;
  private final ApiBackend backend;
  private final Server server;
  private final ServerConnector connector;
  private final ConnectionGuard guard;
  private final JsonErrors errors = new JsonErrors();
  private final ExecutorService executor;
  private final EventHub events;
  private final ApiRoutes api;
  private final MqttRoutes mqtt;
  private final DashboardFiles dashboard;
  private final RouteTable routes;
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
    this.tokenHash =
        sha256(
            Objects.requireNonNull(
                    options.token(), "token (ask TokenFile for one when none is configured)")
                .reveal());
    this.events = new EventHub(options.sseQueue(), options.heartbeatSeconds(), backend.clock());
    this.api = new ApiRoutes(backend);
    this.mqtt = new MqttRoutes(backend);
    this.dashboard = options.dashboard() == null ? null : new DashboardFiles(options.dashboard());
    this.routes = routes();
    int port = options.port() == HttpOptions.EPHEMERAL ? 0 : options.port();
    executor = Executors.newVirtualThreadPerTaskExecutor();
    // Platform threads only for the acceptor and selector; every request runs on a virtual thread.
    QueuedThreadPool threads = new QueuedThreadPool(8, 2, 60_000);
    threads.setName("http");
    threads.setReservedThreads(0);
    threads.setVirtualThreadsExecutor(executor);
    // Buffers come from one bounded pool: per-connection memory does not grow with the count.
    ArrayByteBufferPool buffers = new ArrayByteBufferPool(0, 1024, 65_536, 64, 4 << 20, 4 << 20);
    server = new Server(threads, null, buffers);
    HttpConfiguration http = new HttpConfiguration();
    http.setSendServerVersion(false);
    http.setRequestHeaderSize(MAX_HEADER_BYTES);
    http.setResponseHeaderSize(MAX_HEADER_BYTES);
    http.setOutputBufferSize(8192);
    http.setIdleTimeout(options.idleTimeout().toMillis());
    // A body must arrive at 256 B/s or better: a trickled 16 KiB cannot pin a connection for hours.
    http.setMinRequestDataRate(256);
    // RFC 9110 and bare LF line ends (RFC 9112 §2.2 lets a recipient take them): an old script's
    // request is answered, not left hanging.
    http.setHttpCompliance(
        HttpCompliance.RFC9110.with(
            "lf",
            HttpCompliance.Violation.LF_HEADER_TERMINATION,
            HttpCompliance.Violation.LF_CHUNK_TERMINATION));
    guard =
        new ConnectionGuard(
            options.maxConnections(), options.idleTimeout().toMillis(), System::nanoTime);
    connector = new ServerConnector(server, 1, 1, new HttpConnectionFactory(http));
    connector.setHost(options.bind());
    connector.setPort(port);
    // A burst of connects waits in the kernel instead of being dropped (a dropped SYN costs the
    // client a 1 s retransmit); the guard then closes what it must.
    connector.setAcceptQueueSize(1024);
    connector.setIdleTimeout(options.idleTimeout().toMillis() * 3);
    connector.addEventListener(guard);
    server.addConnector(connector);
    server.setErrorHandler(errors);
    server.setHandler(
        new Handler.Abstract(org.eclipse.jetty.util.thread.Invocable.InvocationType.BLOCKING) {
          @Override
          public boolean handle(Request request, Response response, Callback callback) {
            ApiServer.this.handle(request, response, callback);
            return true;
          }
        });
    try {
      server.start();
    } catch (Exception e) {
      stopQuietly();
      events.close();
      String why = e.getMessage();
      for (Throwable t = e; t != null; t = t.getCause()) {
        if (t instanceof BindException) {
          why = t.getMessage();
        }
      }
      throw new UncheckedIOException(
          "cannot listen on " + options.bind() + ":" + port + " (" + why + ")",
          e instanceof IOException io ? io : new IOException(e));
    }
    backend.pipeline().addListener(events);
    backend.mqtt().ifPresent(m -> m.addListener(events));
  }

  /** Largest request (and response) header block, in bytes. */
  static final int MAX_HEADER_BYTES = 8192;

  private void stopQuietly() {
    try {
      server.stop();
    } catch (Exception ignored) {
      // nothing started
    }
    guard.close();
    executor.shutdownNow();
  }

  /** The port actually bound (useful when the options asked for a free one). */
  public int port() {
    return connector.getLocalPort();
  }

  /** Connected SSE clients (benchmarks, metrics). */
  public int eventClients() {
    return events.clients();
  }

  /** Every route, in one table (method, path pattern, access, handler). */
  private RouteTable routes() {
    return new RouteTable(
        List.of(
            get(
                "/",
                READ_OR_QUERY_TOKEN,
                (c, p) -> c.send(200, "text/html; charset=utf-8", page())),
            get("/healthz", READ, (c, p) -> healthz(c)),
            get(
                "/metrics",
                READ,
                (c, p) ->
                    c.send(
                        200,
                        Metrics.CONTENT_TYPE,
                        Metrics.render(backend, events, guard, errors)
                            .getBytes(StandardCharsets.UTF_8))),
            get(
                "/api/events",
                READ_OR_QUERY_TOKEN,
                (c, p) -> events.serve(c, new LinkedHashMap<>())),
            get("/api/status", READ, (c, p) -> api.status(c)),
            get("/api/devices", READ, (c, p) -> api.devices(c)),
            get("/api/readings", READ, (c, p) -> api.readings(c)),
            get("/api/incidents", READ, (c, p) -> api.incidents(c)),
            post("/api/incidents/{id}/ack", WRITE, (c, p) -> api.acknowledge(c, p.get("id"))),
            post("/api/incidents/{id}/resolve", WRITE, (c, p) -> api.resolve(c, p.get("id"))),
            get("/mqtt/status", READ, (c, p) -> mqtt.status(c)),
            post("/mqtt/connect", WRITE, (c, p) -> mqtt.connect(c)),
            post("/mqtt/disconnect", WRITE, (c, p) -> mqtt.disconnect(c)),
            post("/mqtt/publish/sensor", WRITE, (c, p) -> mqtt.publishSensor(c)),
            post(
                "/mqtt/publish/incident/{id}",
                WRITE,
                (c, p) -> mqtt.republishIncident(c, p.get("id"))),
            get("/dashboard", PUBLIC, (c, p) -> redirectToDashboard(c)),
            get(
                DashboardFiles.PREFIX + "{file...}",
                PUBLIC,
                (c, p) -> {
                  requireDashboard(c);
                  dashboard.serve(c, p.get("file"));
                })));
  }

  private void handle(Request request, Response response, Callback callback) {
    var connection = request.getConnectionMetaData().getConnection();
    guard.enter(connection);
    Call call = null;
    try {
      call = new Call(request, response, options.maxBodyBytes());
      dispatch(call);
      callback.succeeded();
    } catch (HttpError e) {
      answerError(response, callback, call, e);
    } catch (IOException e) {
      LOG.debug(
          "HTTP {} {}: client went away ({})", request.getMethod(), path(request), e.toString());
      callback.failed(e);
    } catch (RuntimeException | Error e) {
      if (internalErrors.incrementAndGet() <= 100) {
        LOG.error("HTTP {} {} failed", request.getMethod(), path(request), e);
      }
      answerError(response, callback, call, new HttpError(500, "internal error"));
    } finally {
      guard.leave(connection);
    }
  }

  private void dispatch(Call c) throws IOException {
    String origin = c.header("Origin");
    boolean corsOk = origin != null && corsAllowed(origin);
    if (corsOk) {
      c.responseHeader("Access-Control-Allow-Origin", origin);
      c.addResponseHeader("Vary", "Origin");
    }
    RouteTable.Match m = routes.find(c.method, c.path); // 404, 405
    RouteTable.Access access = m.route().access();
    if (c.method.equals("OPTIONS")) {
      preflight(c, origin, corsOk);
      return;
    }
    if (access == WRITE || (access != PUBLIC && options.readRequiresToken())) {
      if (!authorized(c, access == READ_OR_QUERY_TOKEN)) {
        throw new HttpError(401, "unauthorized").header("WWW-Authenticate", "Bearer");
      }
    }
    m.route().handler().handle(c, m.params());
  }

  private void healthz(Call c) throws IOException {
    boolean storeOk = backend.pipeline().counters().storeHealthy();
    Optional<String> stalled = backend.ingestStalled();
    List<String> reasons = new ArrayList<>();
    if (!storeOk) {
      String why = backend.pipeline().store().health().lastError();
      reasons.add("store failing" + (why == null ? "" : ": " + why));
    }
    stalled.ifPresent(reasons::add);
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("status", !storeOk ? "store failing" : stalled.isPresent() ? "ingest stalled" : "ok");
    if (!reasons.isEmpty()) {
      body.put("reasons", reasons);
    }
    c.json(reasons.isEmpty() ? 200 : 503, body);
  }

  private void redirectToDashboard(Call c) {
    requireDashboard(c);
    String q = c.rawQuery();
    throw new HttpError(301, "moved")
        .header("Location", DashboardFiles.PREFIX + (q == null || q.isEmpty() ? "" : "?" + q));
  }

  private void requireDashboard(Call c) {
    if (dashboard == null) {
      throw HttpError.notFound(c.path)
          .with(
              "hint",
              "this agent serves no dashboard: set http.dashboard_dir (or EDGE_AGENT_DASHBOARD_DIR)"
                  + " to a built dashboard-static/dist");
    }
  }

  private byte[] page() {
    return StatusPage.render(backend, options.readRequiresToken()).getBytes(StandardCharsets.UTF_8);
  }

  private void preflight(Call c, String origin, boolean corsOk) throws IOException {
    if (origin == null || !corsOk) {
      throw new HttpError(403, "origin not allowed");
    }
    c.responseHeader("Access-Control-Allow-Methods", routes.allowedMethods(c.path));
    c.responseHeader("Access-Control-Allow-Headers", "Authorization, Content-Type");
    c.responseHeader("Access-Control-Max-Age", "600");
    c.send(204, "text/plain", new byte[0]);
  }

  private boolean corsAllowed(String origin) {
    for (String allowed : options.corsOrigins()) {
      if (originMatches(allowed, origin)) {
        return true;
      }
    }
    return false;
  }

  /**
   * {@code *} matches any origin; {@code scheme://host:*} that host on any port (or none); anything
   * else matches exactly.
   */
  static boolean originMatches(String allowed, String origin) {
    if (allowed.equals("*") || allowed.equals(origin)) {
      return true;
    }
    if (!allowed.endsWith(":*")) {
      return false;
    }
    String base = allowed.substring(0, allowed.length() - 2);
    if (origin.equals(base)) {
      return true;
    }
    if (!origin.startsWith(base + ":")) {
      return false;
    }
    String port = origin.substring(base.length() + 1);
    return port.matches("[0-9]{1,5}");
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

  private void answerError(Response response, Callback callback, Call call, HttpError e) {
    if (response.isCommitted()) {
      // the answer had started (an event stream): nothing more can be said
      callback.failed(e);
      return;
    }
    try {
      e.headers.forEach((k, v) -> response.getHeaders().put(k, v));
      if (call != null && call.bodyUnread()) {
        // Jetty closes a connection whose request body was left unread (a 401 before the body,
        // a 413): say so, so the client does not send its next request on it.
        response.getHeaders().put("Connection", "close");
      }
      if (call == null) {
        JsonErrors.write(response, e.status, e.body);
      } else {
        call.json(e.status, e.body);
      }
      callback.succeeded();
    } catch (IOException | RuntimeException failed) {
      // the client is gone; nothing more to say
      callback.failed(failed);
    }
  }

  private static String path(Request r) {
    return r.getHttpURI().getPath();
  }

  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    backend.pipeline().removeListener(events);
    events.close();
    stopQuietly();
  }
}
