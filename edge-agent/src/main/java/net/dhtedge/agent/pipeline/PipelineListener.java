package net.dhtedge.agent.pipeline;

import net.dhtedge.agent.core.Reading;
import net.dhtedge.agent.rules.Transition;

/**
 * Follows what the pipeline committed (HTTP server-sent events, mail). Called on one pipeline event
 * thread, in commit order, after the data is durable; a slow listener delays the others but never
 * the store.
 */
public interface PipelineListener {

  /** A reading was stored, or recognised as a duplicate. */
  default void onReading(Reading reading, ReadingIntake.Outcome outcome) {}

  /** An incident opened, was acknowledged or resolved. */
  default void onIncident(Transition transition) {}
}
