package net.dhtedge.gpio.gpiod;

import java.util.ArrayList;
import java.util.List;
import net.dhtedge.gpio.EdgeBuffer;
import net.dhtedge.gpio.clock.DriverClock;
import net.dhtedge.gpio.testing.Traces;

/**
 * A GPIO line that answers the start pulse with a recorded trace, on virtual time. It models what
 * matters of the kernel: edges that happen before the edge request is in place are not seen, and
 * the v1 line-event queue holds 16 events; an edge arriving while it is full is dropped. The reader
 * pays {@code readCostNs} of virtual time per event and can be made to stall once (a GC pause, a
 * preempted thread) after {@code stallAfter} events.
 */
final class ReplayLine implements GpioLinePort, DriverClock {
  static final int KERNEL_QUEUE = 16;

  private final long[] offsets;
  private final boolean[] rising;
  private long now = 5_000_000_000L;
  private long switchGapNs;
  private long readCostNs = 3_000;
  private int stallAfter = -1;
  private long stallNs;
  private GpioAccessException requestFailure;

  private final long[] qTime = new long[KERNEL_QUEUE];
  private final boolean[] qRising = new boolean[KERNEL_QUEUE];
  private int qHead;
  private int qCount;
  private int next;
  private long releaseAt;
  private long listenFrom;
  private long lowSince;
  private boolean listening;
  private int delivered;
  private int dropped;
  private int closes;
  final List<String> calls = new ArrayList<>();
  private boolean recordCalls = true;
  long startPulseNs = -1;

  ReplayLine(Traces.Trace trace) {
    this(trace.times(), trace.rising());
  }

  ReplayLine(long[] times, boolean[] rising) {
    this.offsets = new long[times.length];
    for (int i = 0; i < times.length; i++) {
      offsets[i] = times[i] - times[0];
    }
    this.rising = rising.clone();
  }

  /** A sensor that never answers. */
  static ReplayLine silent() {
    return new ReplayLine(new long[0], new boolean[0]);
  }

  ReplayLine switchGap(long ns) {
    switchGapNs = ns;
    return this;
  }

  ReplayLine readCost(long ns) {
    readCostNs = ns;
    return this;
  }

  ReplayLine stallOnceAfter(int events, long ns) {
    stallAfter = events;
    stallNs = ns;
    return this;
  }

  ReplayLine failRequestsWith(GpioAccessException e) {
    requestFailure = e;
    return this;
  }

  /** Stops recording calls (which allocates), for allocation measurements. */
  ReplayLine quiet() {
    recordCalls = false;
    return this;
  }

  private void record(String call) {
    if (recordCalls) {
      calls.add(call);
    }
  }

  int dropped() {
    return dropped;
  }

  int closes() {
    return closes;
  }

  @Override
  public void requestOutput(int level) throws GpioAccessException {
    if (recordCalls) {
      record("requestOutput " + level);
    }
    if (requestFailure != null) {
      throw requestFailure;
    }
    lowSince = now;
  }

  @Override
  public void drive(int level) {
    record("drive " + level);
  }

  @Override
  public void switchToEdgeEvents() {
    record("switchToEdgeEvents");
    startPulseNs = now - lowSince;
    releaseAt = now;
    now += switchGapNs;
    listenFrom = now;
    listening = true;
    next = 0;
    qHead = 0;
    qCount = 0;
  }

  private void arrive() {
    while (next < offsets.length && releaseAt + offsets[next] <= now) {
      long t = releaseAt + offsets[next];
      if (t >= listenFrom) {
        if (qCount == KERNEL_QUEUE) {
          dropped++;
        } else {
          int slot = (qHead + qCount) % KERNEL_QUEUE;
          qTime[slot] = t;
          qRising[slot] = rising[next];
          qCount++;
        }
      }
      next++;
    }
  }

  @Override
  public int readEvents(EdgeBuffer out, long timeoutNs) {
    if (!listening) {
      throw new IllegalStateException("readEvents before switchToEdgeEvents");
    }
    arrive();
    if (qCount == 0) {
      long nextAt = next < offsets.length ? releaseAt + offsets[next] : Long.MAX_VALUE;
      now = Math.min(now + timeoutNs, Math.max(now, nextAt));
      arrive();
      if (qCount == 0) {
        return 0;
      }
    }
    int n = 0;
    while (qCount > 0 && out.size() < out.capacity()) {
      out.add(qTime[qHead], qRising[qHead]);
      qHead = (qHead + 1) % KERNEL_QUEUE;
      qCount--;
      n++;
      delivered++;
      now += readCostNs;
      if (delivered == stallAfter) {
        now += stallNs;
      }
      arrive();
    }
    return n;
  }

  @Override
  public void release() {
    record("release");
    listening = false;
  }

  @Override
  public void close() {
    closes++;
  }

  @Override
  public long nanos() {
    return now;
  }

  /** Capture time only: the wall clock is the epoch plus the replayed time. */
  @Override
  public java.time.Instant wall() {
    return java.time.Instant.EPOCH.plusNanos(now);
  }

  @Override
  public void sleepNanos(long ns) {
    now += ns;
  }
}
