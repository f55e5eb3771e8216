package net.dhtedge.agent.store;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import net.dhtedge.agent.outbox.Outbox;
import net.dhtedge.agent.outbox.OutboxMessage;

/**
 * The outbox as rows of the store (Kura's data store model): pending messages are returned by
 * {@link #next} in (priority, id) order and held "in flight" until {@link #confirm} commits or
 * {@link #release} puts them back.
 */
final class StoreOutbox implements Outbox {

  private final Store store;
  private final StoreState state;
  private final Map<Long, Integer> inFlight = new HashMap<>();

  StoreOutbox(Store store, StoreState state) {
    this.store = store;
    this.state = state;
  }

  @Override
  public void onEnqueued(Runnable listener) {
    store.onOutboxAdded(listener);
  }

  /** Queues a message in its own transaction and waits (up to 10 s) until it is durable. */
  @Override
  public void enqueue(String topic, byte[] payload, int qos, boolean retained, int priority) {
    Objects.requireNonNull(topic, "topic");
    Objects.requireNonNull(payload, "payload");
    write(List.of(new Entry(topic, payload, qos, retained, priority)), 10, "a message on " + topic);
  }

  /** Queues all in one transaction and waits (up to 30 s) until they are durable. */
  @Override
  public void enqueueAll(List<Entry> entries) {
    if (!entries.isEmpty()) {
      write(List.copyOf(entries), 30, entries.size() + " messages");
    }
  }

  private void write(List<Entry> entries, long timeoutSeconds, String what) {
    CompletableFuture<Void> done = new CompletableFuture<>();
    store.submit(
        new WriteJob() {
          @Override
          public void apply(Tx tx) {
            for (Entry e : entries) {
              tx.enqueue(e.topic(), e.payload(), e.qos(), e.retained(), e.priority());
            }
          }

          @Override
          public void committed() {
            done.complete(null);
          }

          @Override
          public void failed(Throwable cause) {
            done.completeExceptionally(cause);
          }
        });
    try {
      done.get(timeoutSeconds, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new StoreException("interrupted while queueing " + what, e);
    } catch (ExecutionException | TimeoutException e) {
      throw new StoreException("cannot queue " + what, e);
    }
  }

  @Override
  public synchronized List<OutboxMessage> next(int max) {
    if (max <= 0) {
      return List.of();
    }
    int fetch = max + inFlight.size();
    List<OutboxMessage> rows =
        store.query(
            c -> {
              List<OutboxMessage> out = new ArrayList<>();
              try (PreparedStatement ps =
                  c.prepareStatement(
                      "SELECT id, topic, payload, qos, retained, priority, created_at FROM outbox"
                          + " WHERE state = 0 ORDER BY state, priority, id FETCH FIRST ? ROWS ONLY")) {
                ps.setInt(1, fetch);
                try (ResultSet rs = ps.executeQuery()) {
                  while (rs.next()) {
                    out.add(
                        new OutboxMessage(
                            rs.getLong(1),
                            rs.getString(2),
                            rs.getBytes(3),
                            rs.getInt(4),
                            rs.getBoolean(5),
                            rs.getInt(6),
                            Instant.ofEpochMilli(rs.getLong(7))));
                  }
                }
              }
              return out;
            });
    List<OutboxMessage> out = new ArrayList<>(Math.min(max, rows.size()));
    for (OutboxMessage m : rows) {
      if (out.size() == max) {
        break;
      }
      if (inFlight.putIfAbsent(m.id(), m.priority()) == null) {
        out.add(m);
      }
    }
    return out;
  }

  /**
   * Marks it confirmed (asynchronously, in the next commit or within {@link
   * StoreWriter#MAX_DEFER_MILLIS}: no sync of its own); it stays in flight until that commit.
   */
  @Override
  public void confirm(long id) {
    Integer priority;
    synchronized (this) {
      priority = inFlight.get(id);
    }
    int p = priority == null ? -1 : priority;
    // Delivered: no longer waiting, although its row says so until the deferred commit.
    state.outboxConfirming.incrementAndGet();
    store.submit(
        new WriteJob() {
          @Override
          public void apply(Tx tx) {
            tx.confirm(id, p);
          }

          @Override
          public void committed() {
            release(id);
          }

          @Override
          public void failed(Throwable cause) {
            state.outboxConfirming.decrementAndGet(); // still state 0: waiting again
            release(id); // published again later: a duplicate, never a loss
          }

          @Override
          public boolean deferrable() {
            return true; // lost on a power cut = published again (at-least-once): ride along
          }

          @Override
          public boolean mustSync() {
            return false; // the same: nobody waits for it
          }
        });
  }

  @Override
  public synchronized void release(long id) {
    inFlight.remove(id);
  }

  @Override
  public long depth() {
    return state.outboxWaiting();
  }

  @Override
  public long dropped() {
    return state.outboxDropped.get();
  }
}
