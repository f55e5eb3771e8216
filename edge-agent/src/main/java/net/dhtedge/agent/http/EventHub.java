package net.dhtedge.agent.http;

import com.fasterxml.jackson.annotation.JsonUnwrapped;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import net.dhtedge.agent.core.Reading;
import net.dhtedge.agent.pipeline.PipelineListener;
import net.dhtedge.agent.pipeline.ReadingIntake;
import net.dhtedge.agent.rules.Transition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Server-Sent Events for {@code GET /api/events}. The pipeline listener only offers the event to
 * one bounded queue (never blocks; when that queue is full the event is counted as dropped). One
 * fan-out thread encodes each event once and offers it to every client's own bounded queue; a
 * client whose queue is full is slow and is disconnected, so it can never hold up the pipeline or
 * the other clients. Each client's request thread (a virtual thread) writes its queue to the socket
 * and sends a heartbeat comment when idle.
 */
final class EventHub implements PipelineListener, MqttControl.ConnectionListener, AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(EventHub.class);
  private static final byte[] POISON = new byte[0];

  private record Event(String type, Object data) {}

  private final BlockingQueue<Event> incoming = new ArrayBlockingQueue<>(4096);
  private final Set<Client> clients = ConcurrentHashMap.newKeySet();
  private final int clientQueue;
  private final long heartbeatMillis;
  private final Clock clock;
  private final Thread fanOut;
  private final AtomicBoolean closed = new AtomicBoolean();
  private final AtomicLong eventsDropped = new AtomicLong();
  private final AtomicLong clientsDropped = new AtomicLong();
  private final AtomicLong ids = new AtomicLong();

  EventHub(int clientQueue, int heartbeatSeconds, Clock clock) {
    this.clientQueue = clientQueue;
    this.heartbeatMillis = TimeUnit.SECONDS.toMillis(heartbeatSeconds);
    this.clock = clock;
    this.fanOut = Thread.ofPlatform().daemon().name("http-sse-fanout").unstarted(this::fanOut);
    fanOut.start();
  }

  // ---- producers: enqueue only ----

  @Override
  public void onReading(Reading reading, ReadingIntake.Outcome outcome) {
    if (outcome == ReadingIntake.Outcome.STORED && !clients.isEmpty()) {
      offer(new Event("reading", reading));
    }
  }

  @Override
  public void onIncident(Transition transition) {
    if (!clients.isEmpty()) {
      offer(new Event("incident", transition));
    }
  }

  @Override
  public void changed(boolean connected, String server, String detail) {
    if (!clients.isEmpty()) {
      offer(
          new Event(
              "connection",
              new java.util.LinkedHashMap<>(
                  java.util.Map.of(
                      "connected", connected,
                      "server", server == null ? "" : server,
                      "detail", detail == null ? "" : detail))));
    }
  }

  private void offer(Event e) {
    if (!incoming.offer(e)) {
      eventsDropped.incrementAndGet();
    }
  }

  int clients() {
    return clients.size();
  }

  long clientsDropped() {
    return clientsDropped.get();
  }

  long eventsDropped() {
    return eventsDropped.get();
  }

  // ---- fan-out ----

  private void fanOut() {
    while (!closed.get()) {
      Event e;
      try {
        e = incoming.poll(1, TimeUnit.SECONDS);
      } catch (InterruptedException ie) {
        Thread.currentThread().interrupt();
        return;
      }
      if (e == null || clients.isEmpty()) {
        continue;
      }
      byte[] frame;
      try {
        frame = encode(e);
      } catch (RuntimeException ex) {
        LOG.warn("cannot encode {} event: {}", e.type(), ex.toString());
        continue;
      }
      for (Client c : clients) {
        if (!c.queue.offer(frame)) {
          drop(c, "slow client: its queue of " + clientQueue + " events is full");
        }
      }
    }
  }

  /** A {@code reading} event: the reading and its age when it was sent. */
  @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
  record ReadingEvent(@JsonUnwrapped ReadingJson reading, double ageS) {}

  /** An {@code incident} event: the incident, what changed, when, and the change's message. */
  @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
  record IncidentEvent(
      @JsonUnwrapped IncidentJson incident, String change, String ts, String transitionMessage) {}

  private byte[] encode(Event e) {
    Object data =
        switch (e.data()) {
          case Reading r -> {
            // age_s on arrival: the page counts on from it with its own monotonic clock
            long ms = java.time.Duration.between(r.ts(), clock.instant()).toMillis();
            yield new ReadingEvent(ReadingJson.of(r), Math.max(0, ms) / 1000.0);
          }
          case Transition t ->
              new IncidentEvent(
                  IncidentJson.of(t.incident()), t.change().id(), Json.ts(t.ts()), t.message());
          default -> e.data();
        };
    String text =
        "id: " + ids.incrementAndGet() + "\nevent: " + e.type() + "\ndata: " + Json.string(data);
    return (text + "\n\n").getBytes(StandardCharsets.UTF_8);
  }

  private void drop(Client c, String why) {
    if (clients.remove(c)) {
      clientsDropped.incrementAndGet();
      LOG.info("SSE client {} dropped: {}", c.remote(), why);
      c.queue.clear();
      c.queue.offer(POISON);
      // Closing may block on a client that reads nothing: never on the fan-out thread.
      Thread.ofVirtual().start(c.call::abort);
    }
  }

  // ---- one client, on its request thread ----

  /** Streams events to this call until the client goes, is dropped, or the hub closes. */
  void serve(Call call, Map<String, String> extraHeaders) throws IOException {
    call.responseHeader("Cache-Control", "no-store");
    call.responseHeader("X-Accel-Buffering", "no");
    extraHeaders.forEach(call::responseHeader);
    OutputStream out =
        new java.io.BufferedOutputStream(call.stream("text/event-stream; charset=utf-8"), 8192);
    Client c = new Client(call, new ArrayBlockingQueue<>(clientQueue));
    java.util.List<byte[]> batch = new java.util.ArrayList<>(64);
    clients.add(c);
    try {
      out.write(
          ("retry: 3000\n: connected " + Json.ts(clock.instant()) + "\n\n")
              .getBytes(StandardCharsets.UTF_8));
      out.flush();
      while (!closed.get()) {
        byte[] frame = c.queue.poll(heartbeatMillis, TimeUnit.MILLISECONDS);
        if (frame == POISON) {
          return;
        }
        if (frame == null) {
          frame =
              (": heartbeat " + Json.ts(clock.instant()) + "\n\n").getBytes(StandardCharsets.UTF_8);
        }
        out.write(frame);
        // Whatever else is waiting goes out in the same flush (one syscall, not one per event).
        batch.clear();
        c.queue.drainTo(batch, 64);
        for (byte[] more : batch) {
          if (more == POISON) {
            return;
          }
          out.write(more);
        }
        out.flush();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (IOException e) {
      // the client went away
    } finally {
      clients.remove(c);
    }
  }

  private record Client(Call call, BlockingQueue<byte[]> queue) {
    String remote() {
      return call.remote();
    }
  }

  @Override
  public void close() {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    fanOut.interrupt();
    for (Client c : clients) {
      c.queue.offer(POISON);
    }
  }
}
