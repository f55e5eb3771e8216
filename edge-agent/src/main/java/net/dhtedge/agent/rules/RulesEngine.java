package net.dhtedge.agent.rules;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.LongSupplier;
import net.dhtedge.agent.core.AgentClock.Moment;
import net.dhtedge.agent.core.Reading;

/**
 * Pure rules logic: readings, read failures and clock ticks in, incident transitions out. No I/O
 * and no threads: the pipeline calls it from its single writer thread, persists what it returns in
 * the same transaction as the reading, and on a failed commit puts the state back with {@link
 * #restore(Snapshot)}.
 *
 * <p>Time comes in as {@link Moment}s (wall and monotonic clock read together): incidents are
 * stamped with the wall clock, and every duration (debounce time, stale silence, the failure
 * window) is measured on the monotonic clock, so a wall clock that steps neither delays nor hastens
 * an incident.
 */
public final class RulesEngine {

  private record Key(String deviceId, Rule rule) {}

  /** Consecutive violations so far, and when the first arrived (monotonic clock). */
  private record Pending(int count, long sinceNanos) {}

  /**
   * A point to go back to when a batch's commit failed. Only the latest snapshot can be restored:
   * the maps keep a journal of what changed since it, not copies.
   */
  public static final class Snapshot {
    private final long epoch;

    private Snapshot(long epoch) {
      this.epoch = epoch;
    }
  }

  private final RulesOptions options;
  private final LongSupplier incidentIds;
  private final JournaledMap<Key, Incident> open = new JournaledMap<>();
  private final JournaledMap<Key, Pending> pending = new JournaledMap<>();
  private final JournaledMap<String, Moment> lastSeen = new JournaledMap<>();
  private final JournaledMap<String, Moment> staleRaisedFor = new JournaledMap<>();
  private final JournaledMap<String, FailureWindow> failures = new JournaledMap<>();
  private final List<JournaledMap<?, ?>> journaled =
      List.of(open, pending, lastSeen, staleRaisedFor, failures);
  private long epoch;

  /**
   * @param incidentIds hands out new incident ids (increasing, never reused)
   */
  public RulesEngine(RulesOptions options, LongSupplier incidentIds) {
    this.options = Objects.requireNonNull(options, "options");
    this.incidentIds = Objects.requireNonNull(incidentIds, "incidentIds");
  }

  public RulesOptions options() {
    return options;
  }

  /**
   * Loads what the store remembers: incidents not resolved and when each device was last seen (wall
   * clock). The silence before {@code now} is taken from the wall clock, the only one that spans a
   * restart; a last-seen time after {@code now} (the clock was set back while the agent was down)
   * counts as a silence of zero.
   */
  public void load(
      Collection<Incident> notResolved, Map<String, Instant> lastSeenByDevice, Moment now) {
    for (Incident i : notResolved) {
      if (!i.isResolved()) {
        open.put(new Key(i.deviceId(), i.rule()), i);
      }
    }
    lastSeenByDevice.forEach(
        (dev, wall) -> {
          long silentNanos = Math.max(0, Duration.between(wall, now.wall()).toNanos());
          lastSeen.put(dev, new Moment(wall, now.nanos() - silentNanos));
        });
  }

  /**
   * Remembers that a stale incident was already raised for the device's current silence (the last
   * stale incident opened after the device was last seen), so a restart does not raise it again for
   * a device someone resolved by hand.
   */
  public void staleAlreadyRaised(String deviceId, Instant staleOpenedAt) {
    Moment seen = lastSeen.get(deviceId);
    if (seen != null && staleOpenedAt.isAfter(seen.wall())) {
      staleRaisedFor.put(deviceId, seen);
    }
  }

  /** Marks the state now; {@link #restore} goes back to it. Costs nothing per device. */
  public Snapshot snapshot() {
    journaled.forEach(JournaledMap::mark);
    return new Snapshot(++epoch);
  }

  /**
   * Undoes every change since {@code s}, which must be the latest snapshot.
   *
   * @throws IllegalStateException for an older snapshot
   */
  public void restore(Snapshot s) {
    if (s.epoch != epoch) {
      throw new IllegalStateException("only the latest rules snapshot can be restored");
    }
    journaled.forEach(JournaledMap::rollback);
  }

  /** Incidents not resolved, by id. */
  public List<Incident> openIncidents() {
    return open.values().stream().sorted((a, b) -> Long.compare(a.id(), b.id())).toList();
  }

  public int openCount() {
    return open.size();
  }

  /** Devices with an incident not resolved (a reading from them may resolve it). */
  public java.util.Set<String> devicesWithOpenIncidents() {
    java.util.Set<String> out = new java.util.HashSet<>();
    for (Key k : open.keySet()) {
      out.add(k.deviceId());
    }
    return out;
  }

  /** The incident with this id if it is not resolved. */
  public Optional<Incident> openIncident(long id) {
    return open.values().stream().filter(i -> i.id() == id).findFirst();
  }

  /**
   * A stored reading. {@code received} is when it arrived: the stale silence, the debounce time and
   * the failure window are measured on its monotonic clock; threshold incidents open and resolve at
   * the reading's own ts, a stale incident resolves at the wall-clock time of arrival.
   */
  public List<Transition> onReading(Reading r, Moment received) {
    List<Transition> out = new ArrayList<>(0);
    String dev = r.deviceId();
    Moment before = lastSeen.put(dev, received);
    staleRaisedFor.remove(dev);
    Incident stale = open.get(new Key(dev, Rule.STALE));
    if (stale != null) {
      long gap = before == null ? 0 : Math.max(0, received.since(before).toSeconds());
      out.add(
          resolve(
              stale,
              Transition.RULES,
              received.wall(),
              (double) gap,
              "readings from " + dev + " resumed after " + gap + " s"));
    }
    Threshold t = options.threshold(dev, true);
    Threshold h = options.threshold(dev, false);
    long at = received.nanos();
    band(out, r, at, Rule.TEMPERATURE_MAX, r.temperature(), t.max(), t.hysteresis(), true, "°C");
    band(out, r, at, Rule.TEMPERATURE_MIN, r.temperature(), t.min(), t.hysteresis(), false, "°C");
    band(out, r, at, Rule.HUMIDITY_MAX, r.humidity(), h.max(), h.hysteresis(), true, "%RH");
    band(out, r, at, Rule.HUMIDITY_MIN, r.humidity(), h.min(), h.hysteresis(), false, "%RH");
    attempt(out, dev, received, true);
    return out;
  }

  /** A failed local read attempt, noticed at {@code at}. */
  public List<Transition> onFailure(String deviceId, Moment at) {
    List<Transition> out = new ArrayList<>(0);
    attempt(out, deviceId, at, false);
    return out;
  }

  /**
   * Opens a stale incident for each device silent (monotonic clock) for longer than its limit; the
   * incident carries the wall-clock time {@code now}.
   */
  public List<Transition> checkStale(Moment now) {
    List<Transition> out = new ArrayList<>(0);
    for (var e : new ArrayList<>(lastSeen.entrySet())) {
      String dev = e.getKey();
      Key k = new Key(dev, Rule.STALE);
      if (open.containsKey(k) || e.getValue().equals(staleRaisedFor.get(dev))) {
        continue;
      }
      Duration silent = now.since(e.getValue());
      Duration limit = options.staleAfter(dev);
      if (silent.compareTo(limit) > 0) {
        staleRaisedFor.put(dev, e.getValue());
        out.add(
            openIncident(
                dev,
                Rule.STALE,
                (double) silent.toSeconds(),
                (double) limit.toSeconds(),
                "no reading from "
                    + dev
                    + " for "
                    + silent.toSeconds()
                    + " s (limit "
                    + limit.toSeconds()
                    + " s)",
                now.wall()));
      }
    }
    return out;
  }

  /**
   * Opens a store-failure incident for the agent itself unless one is open.
   *
   * @param failedCommits store commits that failed so far, as the incident's value
   */
  public Optional<Transition> onStoreFailure(
      String agentDeviceId, long failedCommits, String message, Instant now) {
    if (open.containsKey(new Key(agentDeviceId, Rule.STORE_FAILURE))) {
      return Optional.empty();
    }
    return Optional.of(
        openIncident(
            agentDeviceId, Rule.STORE_FAILURE, (double) failedCommits, null, message, now));
  }

  /**
   * A user acknowledges an open incident. Empty when it is not open here (unknown or resolved) or
   * already acknowledged.
   */
  public Optional<Transition> acknowledge(long incidentId, String who, Instant now) {
    Optional<Incident> found = openIncident(incidentId);
    if (found.isEmpty() || found.get().status() == IncidentStatus.ACKNOWLEDGED) {
      return Optional.empty();
    }
    Incident i = found.get().acknowledged(who, now);
    open.put(new Key(i.deviceId(), i.rule()), i);
    return Optional.of(
        new Transition(
            i, Transition.Change.ACKNOWLEDGED, now, who, null, "acknowledged by " + who));
  }

  /** A user resolves an incident. Empty when it is not open here. */
  public Optional<Transition> resolve(long incidentId, String who, Instant now) {
    return openIncident(incidentId).map(i -> resolve(i, who, now, null, "resolved by " + who));
  }

  private void band(
      List<Transition> out,
      Reading r,
      long receivedNanos,
      Rule rule,
      double value,
      Double limit,
      double hysteresis,
      boolean upper,
      String unit) {
    Key k = new Key(r.deviceId(), rule);
    Incident inc = open.get(k);
    String metric = rule.metric();
    if (inc != null) {
      pending.remove(k);
      double threshold = limit != null ? limit : inc.threshold() != null ? inc.threshold() : value;
      boolean back = upper ? value <= threshold - hysteresis : value >= threshold + hysteresis;
      if (back) {
        String msg =
            String.format(
                Locale.ROOT,
                "%s %.1f %s back %s %s %.1f %s",
                metric,
                value,
                unit,
                upper ? "below" : "above",
                upper ? "maximum" : "minimum",
                threshold,
                unit);
        out.add(resolve(inc, Transition.RULES, r.ts(), value, msg));
      }
      return;
    }
    boolean violating = limit != null && (upper ? value > limit : value < limit);
    if (!violating) {
      pending.remove(k);
      return;
    }
    Pending p = pending.get(k);
    p = p == null ? new Pending(1, receivedNanos) : new Pending(p.count() + 1, p.sinceNanos());
    boolean longEnough = receivedNanos - p.sinceNanos() >= options.debounceDuration().toNanos();
    if (p.count() >= options.debounceCount() && longEnough) {
      pending.remove(k);
      String msg =
          String.format(
              Locale.ROOT,
              "%s %.1f %s %s %s %.1f %s",
              metric,
              value,
              unit,
              upper ? "above" : "below",
              upper ? "maximum" : "minimum",
              limit,
              unit);
      out.add(openIncident(r.deviceId(), rule, value, limit, msg, r.ts()));
    } else {
      pending.put(k, p);
    }
  }

  private void attempt(List<Transition> out, String dev, Moment moment, boolean ok) {
    long at = Math.floorDiv(moment.nanos(), 1_000_000); // the failure window counts in ms
    FailureWindow w = failures.get(dev);
    if (w == null) {
      w = new FailureWindow(options.failureWindow());
      failures.put(dev, w);
    } else if (failures.touch(dev)) {
      w = w.copy(); // the journal keeps the old window as it was: change a copy
      failures.put(dev, w);
    }
    w.add(at, ok);
    Key k = new Key(dev, Rule.SENSOR_FAILURE);
    Incident inc = open.get(k);
    if (inc == null && ok) {
      return; // a success can only lower the rate
    }
    if (w.attempts(at) < options.failureMinAttempts()) {
      return;
    }
    double pct = w.failedPercent(at);
    long secs = options.failureWindow().toSeconds();
    if (inc == null && pct > options.failurePercent()) {
      out.add(
          openIncident(
              dev,
              Rule.SENSOR_FAILURE,
              round1(pct),
              options.failurePercent(),
              String.format(
                  Locale.ROOT,
                  "%.0f %% of reads failed over the last %d s (above %.0f %%)",
                  pct,
                  secs,
                  options.failurePercent()),
              moment.wall()));
    } else if (inc != null && pct <= options.failureResolvePercent()) {
      out.add(
          resolve(
              inc,
              Transition.RULES,
              moment.wall(),
              round1(pct),
              String.format(
                  Locale.ROOT, "failed reads down to %.0f %% over the last %d s", pct, secs)));
    }
  }

  private static double round1(double v) {
    return Math.round(v * 10) / 10.0;
  }

  private Transition openIncident(
      String dev, Rule rule, Double value, Double threshold, String message, Instant at) {
    Incident i = Incident.open(incidentIds.getAsLong(), dev, rule, value, threshold, message, at);
    open.put(new Key(dev, rule), i);
    return new Transition(i, Transition.Change.CREATED, at, Transition.RULES, value, message);
  }

  private Transition resolve(Incident inc, String who, Instant at, Double value, String message) {
    Key k = new Key(inc.deviceId(), inc.rule());
    open.remove(k);
    pending.remove(k);
    Incident r = inc.resolved(who, at);
    return new Transition(r, Transition.Change.RESOLVED, at, who, value, message);
  }
}
