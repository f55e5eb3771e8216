package net.dhtedge.gpio.sim;

import java.util.Locale;

/**
 * What the simulated recorder does wrong. Probabilities are per read unless stated; times in ns.
 *
 * @param jitterNs each timestamp late by |N(0, jitterNs)| (IRQ latency); 0 = exact
 * @param spikeProbability per edge: chance of an extra long latency (exponential, mean 15 us)
 * @param lateStartProbability chance the recorder is armed late, up to {@code lateStartMaxNs}
 * @param lateStartMaxNs how late a late start can be
 * @param glitchProbability per edge: chance of a 0.3-2.5 us ringing pulse right after it
 * @param pollQuantumNs a busy-polling recorder: timestamps rounded up to this; 0 = edge events
 * @param lostEdgesProbability chance a full event queue drops a run of 4-20 edges
 * @param noResponseProbability chance the sensor does not answer at all
 */
public record SimFaults(
    long jitterNs,
    double spikeProbability,
    double lateStartProbability,
    long lateStartMaxNs,
    double glitchProbability,
    long pollQuantumNs,
    double lostEdgesProbability,
    double noResponseProbability) {

  public static final SimFaults NONE = new SimFaults(0, 0, 0, 0, 0, 0, 0, 0);

  public SimFaults {
    requireNonNegative("jitterNs", jitterNs);
    requireNonNegative("lateStartMaxNs", lateStartMaxNs);
    requireNonNegative("pollQuantumNs", pollQuantumNs);
    requireProbability("spikeProbability", spikeProbability);
    requireProbability("lateStartProbability", lateStartProbability);
    requireProbability("glitchProbability", glitchProbability);
    requireProbability("lostEdgesProbability", lostEdgesProbability);
    requireProbability("noResponseProbability", noResponseProbability);
  }

  /**
   * Parses a compact spec, e.g. {@code jitter=2us,spikes=0.01,late=0.1:200us,glitches=0.02,
   * poll=4us,lost=0.05,no-response=0.1}, or {@code none}.
   */
  public static SimFaults parse(String spec) {
    SimFaults f = NONE;
    String s = spec.strip().toLowerCase(Locale.ROOT);
    if (s.isEmpty() || s.equals("none")) {
      return f;
    }
    for (String item : s.split(",")) {
      String[] kv = item.strip().split("=", 2);
      if (kv.length != 2) {
        throw new IllegalArgumentException("fault '" + item + "' needs name=value");
      }
      String v = kv[1].strip();
      f =
          switch (kv[0].strip()) {
            case "jitter" -> f.with(0, nanos(v));
            case "spikes" -> f.withP(1, Double.parseDouble(v));
            case "late" -> {
              String[] pm = v.split(":", 2);
              SimFaults g = f.withP(2, Double.parseDouble(pm[0]));
              yield g.with(3, pm.length == 2 ? nanos(pm[1]) : 200_000);
            }
            case "glitches" -> f.withP(4, Double.parseDouble(v));
            case "poll" -> f.with(5, nanos(v));
            case "lost" -> f.withP(6, Double.parseDouble(v));
            case "no-response" -> f.withP(7, Double.parseDouble(v));
            default ->
                throw new IllegalArgumentException(
                    "unknown fault '"
                        + kv[0]
                        + "' (allowed: jitter, spikes, late, glitches, poll, lost, no-response)");
          };
    }
    return f;
  }

  private SimFaults with(int field, long v) {
    return new SimFaults(
        field == 0 ? v : jitterNs,
        spikeProbability,
        lateStartProbability,
        field == 3 ? v : lateStartMaxNs,
        glitchProbability,
        field == 5 ? v : pollQuantumNs,
        lostEdgesProbability,
        noResponseProbability);
  }

  private SimFaults withP(int field, double p) {
    return new SimFaults(
        jitterNs,
        field == 1 ? p : spikeProbability,
        field == 2 ? p : lateStartProbability,
        lateStartMaxNs,
        field == 4 ? p : glitchProbability,
        pollQuantumNs,
        field == 6 ? p : lostEdgesProbability,
        field == 7 ? p : noResponseProbability);
  }

  /** Parses {@code 2us}, {@code 1500ns}, {@code 1ms} or a bare number of nanoseconds. */
  static long nanos(String v) {
    if (v.endsWith("us")) {
      return Math.round(Double.parseDouble(v.substring(0, v.length() - 2)) * 1_000);
    }
    if (v.endsWith("ms")) {
      return Math.round(Double.parseDouble(v.substring(0, v.length() - 2)) * 1_000_000);
    }
    if (v.endsWith("ns")) {
      return Long.parseLong(v.substring(0, v.length() - 2));
    }
    return Long.parseLong(v);
  }

  private static void requireNonNegative(String name, long v) {
    if (v < 0) {
      throw new IllegalArgumentException(name + " must be >= 0, was " + v);
    }
  }

  private static void requireProbability(String name, double p) {
    if (!(p >= 0 && p <= 1)) {
      throw new IllegalArgumentException(name + " must be in 0..1, was " + p);
    }
  }
}
