package net.dhtedge.agent.mqtt;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.function.LongSupplier;

/**
 * Says so when another client seems to be using this agent's client id. MQTT 3.1.1 gives the client
 * no reason when the broker drops it for a newer connection with the same id (the broker's log says
 * "already connected, closing old connection"); what the client sees is a connection that was
 * accepted and then lost, again and again, while the broker is plainly up. {@value #LOSSES} such
 * losses within {@value #WINDOW_SECONDS} s give one warning, repeated at most every ten minutes.
 */
public final class SessionTakeoverWatch implements MqttConnection.Listener {
  static final int LOSSES = 3;
  static final int WINDOW_SECONDS = 60;
  private static final long QUIET_NANOS = TimeUnit.MINUTES.toNanos(10);

  private final String clientId;
  private final LongSupplier nanoTime;
  private final Consumer<String> warn;
  private final Deque<Long> losses = new ArrayDeque<>();
  private final AtomicLong warnings = new AtomicLong();
  private boolean connected;
  private long lastWarning = Long.MIN_VALUE;

  public SessionTakeoverWatch(String clientId, LongSupplier nanoTime, Consumer<String> warn) {
    this.clientId = clientId;
    this.nanoTime = nanoTime;
    this.warn = warn;
  }

  @Override
  public synchronized void connected(String serverUri) {
    connected = true;
  }

  @Override
  public synchronized void disconnected(String cause) {
    if (!connected) {
      return; // a failed connect (broker down), not a lost session
    }
    connected = false;
    long now = nanoTime.getAsLong();
    losses.addLast(now);
    while (!losses.isEmpty()
        && now - losses.peekFirst() > TimeUnit.SECONDS.toNanos(WINDOW_SECONDS)) {
      losses.removeFirst();
    }
    if (losses.size() >= LOSSES
        && (lastWarning == Long.MIN_VALUE || now - lastWarning >= QUIET_NANOS)) {
      lastWarning = now;
      warnings.incrementAndGet();
      warn.accept(
          "MQTT: the broker accepted this agent and then dropped it "
              + losses.size()
              + " times within "
              + WINDOW_SECONDS
              + " s: another client is probably connected with the same client id '"
              + clientId
              + "' (the broker hands the session to the newest). Give each agent its own"
              + " mqtt.client_id, or leave it unset and give each its own data dir.");
    }
  }

  /** Warnings given so far. */
  public long warnings() {
    return warnings.get();
  }
}
