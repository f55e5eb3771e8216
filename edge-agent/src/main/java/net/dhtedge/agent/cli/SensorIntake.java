package net.dhtedge.agent.cli;

import net.dhtedge.agent.contract.BootSequence;
import net.dhtedge.agent.core.AgentClock;
import net.dhtedge.agent.core.Reading;
import net.dhtedge.agent.pipeline.Pipeline;
import net.dhtedge.gpio.loop.SensorListener;
import net.dhtedge.gpio.loop.SensorUpdate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A local sensor loop's updates into the pipeline: a good read becomes a reading stamped by the
 * loop and numbered by the agent's {@link BootSequence}, one outside what the agent accepts is a
 * failure ("implausible", never a number), and a failed read is recorded with its reason and logged
 * on the first and every tenth in a row.
 */
final class SensorIntake implements SensorListener {

  private static final Logger LOG = LoggerFactory.getLogger(SensorIntake.class);

  private final Pipeline pipeline;
  private final RecentErrors errors;
  private final AgentClock clock;
  private final String source;
  private final BootSequence seqs;

  SensorIntake(
      Pipeline pipeline, RecentErrors errors, AgentClock clock, String source, BootSequence seqs) {
    this.pipeline = pipeline;
    this.seqs = seqs;
    this.errors = errors;
    this.clock = clock;
    this.source = source;
  }

  @Override
  public void onUpdate(SensorUpdate update) {
    switch (update) {
      case SensorUpdate.Good g -> {
        Reading r;
        try {
          r =
              new Reading(
                  g.sensorId(),
                  g.measuredAt(),
                  seqs.next(g.sensorId()),
                  g.reading().temperature(),
                  g.reading().humidity(),
                  source);
        } catch (IllegalArgumentException e) {
          // Outside what the agent accepts: counted as a failure, never stored as a number.
          pipeline.recordFailure(g.sensorId(), g.measuredAt(), "implausible");
          return;
        }
        pipeline
            // stamped with the wall clock; synced within store.local_sync_interval
            .submitLocal(r)
            .whenComplete(
                (outcome, failure) -> {
                  if (failure != null) {
                    errors.add(clock.instant(), "store: " + failure.getMessage());
                  }
                });
      }
      case SensorUpdate.Invalid i -> {
        pipeline.recordFailure(i.sensorId(), i.at(), i.reason().id());
        if (i.consecutiveFailures() == 1 || i.consecutiveFailures() % 10 == 0) {
          LOG.warn(
              "sensor {}: read failed ({}): {} [{} in a row]",
              i.sensorId(),
              i.reason().id(),
              i.detail(),
              i.consecutiveFailures());
          errors.add(i.at(), "sensor " + i.sensorId() + ": " + i.reason().id() + ": " + i.detail());
        }
      }
    }
  }
}
