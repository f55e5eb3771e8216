package net.dhtedge.agent.http;

import java.util.Map;

/**
 * Live state the HTTP layer reads. The agent's wiring supplies it; the HTTP package never reaches
 * into the pipeline or the MQTT connection itself.
 */
@FunctionalInterface
public interface StatusSource {

  /** A JSON-ready snapshot (maps, lists, strings, numbers, booleans, nulls). */
  Map<String, Object> status();
}
