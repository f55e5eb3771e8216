package net.dhtedge.agent.rules;

import java.util.HashMap;
import java.util.Map;
import java.util.function.Function;

/**
 * A HashMap that remembers, from {@link #mark()} on, the value each key had before its first
 * change, so {@link #rollback()} can put back exactly what changed. A batch of readings touches a
 * few keys of maps that hold every device: undoing them costs what the batch changed, not a copy of
 * all. Only the mutators the rules engine uses are journaled (put, remove, putAll,
 * computeIfAbsent); the views' mutators are not and must not be used. Not thread-safe.
 */
final class JournaledMap<K, V> extends HashMap<K, V> {

  private static final Object ABSENT = new Object();

  private final Map<K, Object> before = new HashMap<>();
  private boolean journaling;

  /** Starts a new journal: what changes from now on can be rolled back. */
  void mark() {
    before.clear();
    journaling = true;
  }

  /** Puts back every key changed since {@link #mark()}, then starts a new journal. */
  @SuppressWarnings("unchecked")
  void rollback() {
    journaling = false;
    for (Map.Entry<K, Object> e : before.entrySet()) {
      if (e.getValue() == ABSENT) {
        super.remove(e.getKey());
      } else {
        super.put(e.getKey(), (V) e.getValue());
      }
    }
    mark();
  }

  /**
   * Records the key's value before its first change since {@link #mark()}.
   *
   * @return true if this was the first change (the caller may replace a mutable value by a copy)
   */
  boolean touch(K key) {
    if (!journaling || before.containsKey(key)) {
      return false;
    }
    V old = super.get(key);
    before.put(key, old == null && !super.containsKey(key) ? ABSENT : old);
    return true;
  }

  @Override
  @SuppressWarnings("unchecked")
  public V put(K key, V value) {
    touch(key);
    return super.put(key, value);
  }

  @Override
  @SuppressWarnings("unchecked")
  public V remove(Object key) {
    if (super.containsKey(key)) {
      touch((K) key);
    }
    return super.remove(key);
  }

  @Override
  public void putAll(Map<? extends K, ? extends V> m) {
    for (Map.Entry<? extends K, ? extends V> e : m.entrySet()) {
      put(e.getKey(), e.getValue());
    }
  }

  @Override
  public V computeIfAbsent(K key, Function<? super K, ? extends V> f) {
    V v = super.get(key);
    if (v == null) {
      v = f.apply(key);
      if (v != null) {
        put(key, v);
      }
    }
    return v;
  }
}
