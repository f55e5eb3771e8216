package net.dhtedge.gpio;

import java.util.Arrays;

/**
 * A reusable, allocation-free list of edges: timestamps in nanoseconds and whether each edge went
 * high (rising) or low (falling). A capture thread fills one buffer per frame without allocating.
 */
public final class EdgeBuffer {
  private long[] times;
  private boolean[] rising;
  private int size;

  public EdgeBuffer(int capacity) {
    if (capacity < 1) {
      throw new IllegalArgumentException("capacity must be >= 1, was " + capacity);
    }
    times = new long[capacity];
    rising = new boolean[capacity];
  }

  /** Adds an edge; returns false (and drops it) when the buffer is full. */
  public boolean add(long timeNs, boolean isRising) {
    if (size == times.length) {
      return false;
    }
    times[size] = timeNs;
    rising[size] = isRising;
    size++;
    return true;
  }

  /** Adds an edge, growing the buffer when needed (for parsing files, not for capture loops). */
  public void append(long timeNs, boolean isRising) {
    if (size == times.length) {
      times = Arrays.copyOf(times, times.length * 2);
      rising = Arrays.copyOf(rising, rising.length * 2);
    }
    add(timeNs, isRising);
  }

  public void clear() {
    size = 0;
  }

  public int size() {
    return size;
  }

  public int capacity() {
    return times.length;
  }

  public long time(int i) {
    if (i < 0 || i >= size) {
      throw new IndexOutOfBoundsException(i);
    }
    return times[i];
  }

  public boolean rising(int i) {
    if (i < 0 || i >= size) {
      throw new IndexOutOfBoundsException(i);
    }
    return rising[i];
  }
}
