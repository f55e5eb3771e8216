package net.dhtedge.agent.http;

import java.util.Iterator;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;
import org.eclipse.jetty.io.Connection;

/**
 * Keeps the HTTP server's connections few and short-lived, whatever clients do:
 *
 * <ul>
 *   <li>a connection that is not inside a request (no request yet, a request line and then silence,
 *       an idle keep-alive) is closed once it has been so for {@code idleMillis}: this is the
 *       header timeout, and it holds however slowly the bytes trickle in;
 *   <li>at most {@code maxConnections} are open: the one over the cap makes room by closing the
 *       connection that has waited longest without a request, so a real client that sends its
 *       request at once is served while junk connections come and go; only when every connection is
 *       inside a request (e.g. all are event streams) is the newcomer refused.
 * </ul>
 *
 * Handlers call {@link #enter} and {@link #leave} around each request. Nothing here blocks the
 * selector: every close runs on the guard's own thread.
 */
final class ConnectionGuard implements Connection.Listener, AutoCloseable {
  private final int maxConnections;
  private final long idleNanos;
  private final LongSupplier nanoTime;
  private final Map<Connection, State> open = new ConcurrentHashMap<>();
  private final ScheduledExecutorService sweeper;
  private final AtomicLong timedOut = new AtomicLong();
  private final AtomicLong evicted = new AtomicLong();
  private final AtomicLong refused = new AtomicLong();

  /** What the guard knows of one connection. */
  private static final class State {
    final long openedNanos;
    final AtomicInteger inRequest = new AtomicInteger();
    volatile long quietSinceNanos;

    State(long now) {
      this.openedNanos = now;
      this.quietSinceNanos = now;
    }
  }

  ConnectionGuard(int maxConnections, long idleMillis, LongSupplier nanoTime) {
    if (maxConnections < 1 || idleMillis < 1) {
      throw new IllegalArgumentException("maxConnections and idleMillis must be positive");
    }
    this.maxConnections = maxConnections;
    this.idleNanos = TimeUnit.MILLISECONDS.toNanos(idleMillis);
    this.nanoTime = nanoTime;
    this.sweeper =
        Executors.newSingleThreadScheduledExecutor(
            r -> Thread.ofPlatform().daemon().name("http-guard").unstarted(r));
    long period = Math.max(50, Math.min(1000, idleMillis / 4));
    sweeper.scheduleWithFixedDelay(this::sweep, period, period, TimeUnit.MILLISECONDS);
  }

  // Synchronized: Jetty opens connections on more than one thread, and two of them must not pick
  // the same victim (measured: 176 open at a cap of 128 without it).
  @Override
  public synchronized void onOpened(Connection connection) {
    open.put(connection, new State(nanoTime.getAsLong()));
    if (open.size() > maxConnections) {
      makeRoom(connection);
    }
  }

  @Override
  public void onClosed(Connection connection) {
    open.remove(connection);
  }

  /** A request on this connection has been parsed and is being handled. */
  void enter(Connection connection) {
    State s = open.get(connection);
    if (s != null) {
      s.inRequest.incrementAndGet();
    }
  }

  /** The request's answer is complete; the connection is quiet again. */
  void leave(Connection connection) {
    State s = open.get(connection);
    if (s != null) {
      s.quietSinceNanos = nanoTime.getAsLong();
      s.inRequest.decrementAndGet();
    }
  }

  private void makeRoom(Connection newcomer) {
    Connection oldest = null;
    long oldestQuiet = Long.MAX_VALUE;
    for (Map.Entry<Connection, State> e : open.entrySet()) {
      State s = e.getValue();
      if (e.getKey() != newcomer && s.inRequest.get() == 0 && s.quietSinceNanos < oldestQuiet) {
        oldest = e.getKey();
        oldestQuiet = s.quietSinceNanos;
      }
    }
    // Closed on the guard's thread: a close issued from inside the selector's open callback did
    // not take effect until the connection's next event (measured: evicted sockets stayed open).
    Connection victim = oldest != null ? oldest : newcomer;
    (oldest != null ? evicted : refused).incrementAndGet();
    open.remove(victim);
    sweeper.execute(() -> close(victim));
  }

  private void sweep() {
    long now = nanoTime.getAsLong();
    for (Iterator<Map.Entry<Connection, State>> it = open.entrySet().iterator(); it.hasNext(); ) {
      Map.Entry<Connection, State> e = it.next();
      State s = e.getValue();
      if (s.inRequest.get() == 0 && now - s.quietSinceNanos >= idleNanos) {
        timedOut.incrementAndGet();
        it.remove();
        close(e.getKey());
      }
    }
  }

  private static void close(Connection c) {
    try {
      c.getEndPoint().close();
    } catch (RuntimeException ignored) {
      // already closing
    }
  }

  /** Connections open now. */
  int open() {
    // Synchronized with onOpened: between its put and the eviction the map holds one over the cap
    // for a moment, which /metrics must not report as open (seen: 33 at a cap of 32).
    synchronized (this) {
      return open.size();
    }
  }

  /** Closed because they sat without a (complete) request for the idle time. */
  long timedOut() {
    return timedOut.get();
  }

  /** Closed to make room for a newer connection at the cap. */
  long evicted() {
    return evicted.get();
  }

  /** Refused at the cap because every open connection was inside a request. */
  long refused() {
    return refused.get();
  }

  @Override
  public void close() {
    sweeper.shutdownNow();
  }
}
