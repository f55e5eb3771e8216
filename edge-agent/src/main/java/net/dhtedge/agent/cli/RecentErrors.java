package net.dhtedge.agent.cli;

import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The last few errors, newest first, for the status page. Thread-safe and bounded. */
final class RecentErrors {
  private final int capacity;
  private final Deque<Map<String, Object>> entries = new ArrayDeque<>();

  RecentErrors(int capacity) {
    this.capacity = capacity;
  }

  synchronized void add(Instant at, String message) {
    Map<String, Object> e = new LinkedHashMap<>();
    e.put("at", at.toString());
    e.put("message", message);
    entries.addFirst(e);
    while (entries.size() > capacity) {
      entries.removeLast();
    }
  }

  synchronized List<Map<String, Object>> snapshot() {
    return new ArrayList<>(entries);
  }
}
