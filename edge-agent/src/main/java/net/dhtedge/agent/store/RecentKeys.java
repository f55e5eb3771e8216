package net.dhtedge.agent.store;

/**
 * The most recent dedup keys of one device, each with a value (the ts of the reading stored under
 * it): a ring of {@link #CAPACITY} pairs in one {@code long[]}, allocated on the first key. A
 * device thus costs ~1 KB here instead of the ~20 KB of a map of boxed longs, which matters when
 * thousands of devices share a 64 MB heap; lookups scan from the newest key, and redeliveries are
 * almost always among the newest.
 */
final class RecentKeys {

  static final int CAPACITY = 64;

  private long[] pairs; // key, value, key, value, ... ; null until the first put
  private int next; // next pair slot to write
  private int size;

  /** The value stored with {@code key}, or null when the key is not among the recent ones. */
  Long get(long key) {
    for (int i = 0, slot = next; i < size; i++) {
      slot = slot == 0 ? CAPACITY - 1 : slot - 1;
      if (pairs[2 * slot] == key) {
        return pairs[2 * slot + 1];
      }
    }
    return null;
  }

  boolean contains(long key) {
    return get(key) != null;
  }

  /** Remembers a key; the oldest one goes when the ring is full. */
  void put(long key, long value) {
    if (pairs == null) {
      pairs = new long[2 * CAPACITY];
    }
    pairs[2 * next] = key;
    pairs[2 * next + 1] = value;
    next = (next + 1) % CAPACITY;
    size = Math.min(size + 1, CAPACITY);
  }

  int size() {
    return size;
  }
}
