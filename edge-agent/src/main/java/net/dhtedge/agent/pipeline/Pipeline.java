package net.dhtedge.agent.pipeline;

import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import net.dhtedge.agent.contract.Payloads;
import net.dhtedge.agent.contract.Topics;
import net.dhtedge.agent.core.AgentClock;
import net.dhtedge.agent.core.AgentClock.Moment;
import net.dhtedge.agent.core.Reading;
import net.dhtedge.agent.outbox.Outbox;
import net.dhtedge.agent.outbox.OutboxPriority;
import net.dhtedge.agent.rules.Incident;
import net.dhtedge.agent.rules.Rule;
import net.dhtedge.agent.rules.RulesEngine;
import net.dhtedge.agent.rules.RulesOptions;
import net.dhtedge.agent.rules.Transition;
import net.dhtedge.agent.store.BatchHooks;
import net.dhtedge.agent.store.Store;
import net.dhtedge.agent.store.StoreHealth;
import net.dhtedge.agent.store.StoreOptions;
import net.dhtedge.agent.store.Tx;
import net.dhtedge.agent.store.WriteJob;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Source -> store -> rules -> outbox. Each reading is checked for duplicates, stored, run through
 * the rules, and its outbox messages (the reading itself for local sensors, incidents and alerts)
 * and incident mails are queued, all in the writer's batch transaction; the future completes after
 * that commit. The rules engine runs only on the store's writer thread.
 *
 * <p>Why it is long (~550 lines): the write jobs (a reading, a user's acknowledge or resolve, the
 * stale check) are inner classes because they share the writer thread's state of one batch: the
 * rules engine and its snapshot for a rollback, the transitions collected by the job being applied,
 * the counters and the store-failure alarm. Moving them out would hand that state around through
 * setters; the listener fan-out ({@link ListenerFanOut}) and the store-failure alarm ({@link
 * StoreFailureAlarm}) already live in their own classes.
 */
public final class Pipeline implements ReadingIntake, AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(Pipeline.class);

  private final Store store;
  private final boolean ownsStore;
  private final PipelineOptions options;
  private final Topics topics;
  private final AgentClock clock;
  private final RulesEngine rules;
  private final ListenerFanOut listeners = new ListenerFanOut();
  private final ScheduledExecutorService timer;
  private final AtomicBoolean closed = new AtomicBoolean();

  private final AtomicLong stored = new AtomicLong();
  private final AtomicLong duplicates = new AtomicLong();
  private final AtomicLong storeFailures = new AtomicLong();
  private final AtomicLong readFailures = new AtomicLong();
  private volatile int incidentsOpen;

  // writer-thread state
  private RulesEngine.Snapshot snapshot;
  private final StoreFailureAlarm storeAlarm = new StoreFailureAlarm();

  /**
   * Wires a pipeline onto an open store (which it does not close).
   *
   * @param clock the agent's clock: receive times and incident times (wall clock); debounce, the
   *     stale rule, failure windows and ages (monotonic clock)
   */
  public Pipeline(
      Store store, RulesOptions rulesOptions, PipelineOptions options, AgentClock clock) {
    this(store, false, rulesOptions, options, clock);
  }

  private Pipeline(
      Store store,
      boolean ownsStore,
      RulesOptions rulesOptions,
      PipelineOptions options,
      AgentClock clock) {
    this.store = Objects.requireNonNull(store, "store");
    this.ownsStore = ownsStore;
    this.options = Objects.requireNonNull(options, "options");
    this.topics = options.topics();
    this.clock = Objects.requireNonNull(clock, "clock");
    this.rules = new RulesEngine(rulesOptions, store.incidentIds());
    rules.load(store.notResolvedIncidents(), store.lastSeenByDevice(), clock.now());
    store.lastOpened(Rule.STALE).forEach(rules::staleAlreadyRaised);
    this.incidentsOpen = rules.openCount();
    this.devicesWithIncidents = rules.devicesWithOpenIncidents();
    this.timer =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "pipeline-stale");
              t.setDaemon(true);
              return t;
            });
    store.hooks(new Hooks());
    long every = options.staleCheckInterval().toMillis();
    timer.scheduleWithFixedDelay(this::checkStale, every, every, TimeUnit.MILLISECONDS);
  }

  /** Opens a store and a pipeline on it; closing the pipeline closes the store. */
  public static Pipeline open(
      StoreOptions storeOptions,
      RulesOptions rulesOptions,
      PipelineOptions options,
      AgentClock clock) {
    return open(Store.open(storeOptions, clock), rulesOptions, options, clock);
  }

  /**
   * A pipeline on {@code s} (any database: see {@link Store#open(StoreOptions,
   * net.dhtedge.agent.store.StoreTarget)}); closing the pipeline closes the store.
   */
  public static Pipeline open(
      Store s, RulesOptions rulesOptions, PipelineOptions options, AgentClock clock) {
    try {
      return new Pipeline(s, true, rulesOptions, options, clock);
    } catch (RuntimeException e) {
      s.close();
      throw e;
    }
  }

  public Store store() {
    return store;
  }

  public Outbox outbox() {
    return store.outbox();
  }

  public PipelineOptions options() {
    return options;
  }

  public void addListener(PipelineListener l) {
    listeners.add(l);
  }

  public void removeListener(PipelineListener l) {
    listeners.remove(l);
  }

  public PipelineCounters counters() {
    StoreHealth h = store.health();
    Outbox o = store.outbox();
    return new PipelineCounters(
        stored.get(),
        duplicates.get(),
        storeFailures.get(),
        readFailures.get(),
        incidentsOpen,
        o.depth(),
        o.dropped(),
        h.healthy(),
        listeners.dropped());
  }

  public AgentClock clock() {
    return clock;
  }

  @Override
  public CompletableFuture<Outcome> submit(Reading reading) {
    return submit(reading, false, false);
  }

  /**
   * {@inheritDoc}
   *
   * <p>The writer moves such a reading to the first millisecond not taken by a stored reading of
   * its device (at most {@link #MAX_STAMP_SHIFT_MS} ahead), in the same transaction that stores it.
   */
  @Override
  public CompletableFuture<Outcome> submitStamped(Reading reading) {
    return submit(reading, reading.seq() == null, false);
  }

  @Override
  public CompletableFuture<Outcome> submitLocal(Reading reading) {
    return submit(reading, reading.seq() == null, true);
  }

  /** How far a stamped reading may move to a free millisecond before it counts as a duplicate. */
  public static final int MAX_STAMP_SHIFT_MS = 1_000;

  private CompletableFuture<Outcome> submit(Reading reading, boolean stamped, boolean local) {
    Objects.requireNonNull(reading, "reading");
    CompletableFuture<Outcome> done = new CompletableFuture<>();
    boolean urgent =
        rules.options().nearOrOutsideBand(reading)
            || devicesWithIncidents.contains(reading.deviceId());
    store.submit(new ReadingJob(reading, stamped, clock.now(), done, urgent, local));
    return done;
  }

  /**
   * When this run stored the newest reading of a device: monotonic arrival and the reading's ts.
   */
  private record Arrival(Moment received, Instant ts) {}

  // Written by the writer thread after each commit, read by the HTTP views; at most one entry per
  // stored device, and devices are bounded by store.max_devices.
  private final Map<String, Arrival> arrivals = new ConcurrentHashMap<>();

  /**
   * How old the device's newest reading is at {@code now}, or empty when this run has not stored
   * one: the monotonic time since it arrived, plus how old it was on arrival (its ts against the
   * wall clock then; never negative). A wall clock that stepped since then changes neither part, so
   * an age is never negative and never an hour off.
   */
  public Optional<Duration> age(String deviceId, Moment now) {
    Arrival a = arrivals.get(deviceId);
    if (a == null) {
      return Optional.empty();
    }
    Duration onArrival = Duration.between(a.ts(), a.received().wall());
    Duration since = now.since(a.received());
    return Optional.of(
        (onArrival.isNegative() ? Duration.ZERO : onArrival)
            .plus(since.isNegative() ? Duration.ZERO : since));
  }

  @Override
  public void recordFailure(String deviceId, Instant ts, String reason) {
    Objects.requireNonNull(deviceId, "deviceId");
    Objects.requireNonNull(ts, "ts");
    Moment received = clock.now();
    store.submit(
        new Job<Void>(new CompletableFuture<>()) {
          @Override
          Void run(Tx tx) throws SQLException {
            tx.insertFailure(deviceId, ts, reason);
            persist(tx, rules.onFailure(deviceId, received));
            return null;
          }

          @Override
          public void committed() {
            readFailures.incrementAndGet();
            super.committed();
          }

          @Override
          boolean lazy() {
            return true; // a local read's failure: synced within store.local_sync_interval
          }
        });
  }

  /**
   * A user acknowledges an incident. Completes with the incident as stored; idempotent for an
   * acknowledged or resolved one; fails with {@link NoSuchElementException} when there is none.
   */
  public CompletableFuture<Incident> acknowledge(long incidentId, String who) {
    return userAction(incidentId, who, () -> rules.acknowledge(incidentId, who, clock.instant()));
  }

  /** A user resolves an incident; idempotent for a resolved one. */
  public CompletableFuture<Incident> resolve(long incidentId, String who) {
    return userAction(incidentId, who, () -> rules.resolve(incidentId, who, clock.instant()));
  }

  private CompletableFuture<Incident> userAction(
      long incidentId, String who, Supplier<Optional<Transition>> action) {
    if (who == null || who.isBlank() || who.length() > 64) {
      return CompletableFuture.failedFuture(
          new IllegalArgumentException("who must be 1..64 characters"));
    }
    CompletableFuture<Incident> done = new CompletableFuture<>();
    store.submit(
        new Job<Incident>(done) {
          @Override
          Incident run(Tx tx) throws SQLException {
            Optional<Transition> t = action.get();
            if (t.isPresent()) {
              persist(tx, List.of(t.get()));
              return t.get().incident();
            }
            return tx.findIncident(incidentId)
                .orElseThrow(() -> new NoSuchElementException("no incident " + incidentId));
          }

          @Override
          public boolean urgent() {
            return true; // a person waits for the answer
          }
        });
    return done;
  }

  /** Evaluates the stale rule now (the timer calls this every {@code staleCheckInterval}). */
  public CompletableFuture<List<Transition>> checkStale() {
    CompletableFuture<List<Transition>> done = new CompletableFuture<>();
    Moment now = clock.now();
    store.submit(
        new Job<List<Transition>>(done) {
          @Override
          List<Transition> run(Tx tx) throws SQLException {
            List<Transition> ts = rules.checkStale(now);
            persist(tx, ts);
            return ts;
          }

          @Override
          public boolean urgent() {
            return true; // once per check interval; it may raise stale alerts
          }

          @Override
          boolean lazy() {
            return true; // writes nothing unless it raises an alert (then it is synced)
          }
        });
    return done;
  }

  /**
   * Stores transitions: incident row, event, alert, the two outbox messages and, with mail enabled,
   * the mail (opened and resolved only) — all in the same transaction, so a crash can lose none of
   * them without the others.
   */
  private void writeTransitions(Tx tx, List<Transition> transitions) throws SQLException {
    for (Transition t : transitions) {
      long alertId = tx.saveTransition(t);
      tx.enqueue(topics.incidents(), Payloads.incident(t), 1, false, OutboxPriority.INCIDENT);
      tx.enqueue(topics.alerts(), Payloads.alert(alertId, t), 1, false, OutboxPriority.ALERT);
      if (options.mailEnabled()) {
        tx.queueMail(t);
      }
    }
  }

  /** How many committed readings may wait for the listeners: {@link ListenerFanOut}. */
  public static final int MAX_PENDING_EVENTS = ListenerFanOut.MAX_PENDING;

  private void announce(Reading r, Outcome o, List<Transition> transitions) {
    listeners.announce(r, o, transitions);
  }

  /** A write job whose result completes a future, with its transitions announced on commit. */
  private abstract class Job<T> implements WriteJob {
    final CompletableFuture<T> done;
    T result;
    List<Transition> transitions = List.of();
    Throwable error;

    Job(CompletableFuture<T> done) {
      this.done = done;
    }

    abstract T run(Tx tx) throws SQLException;

    @Override
    public void apply(Tx tx) throws SQLException {
      transitions = List.of();
      error = null;
      try {
        result = runCollecting(tx);
      } catch (NoSuchElementException e) {
        error = e; // a user error, not a store failure: the transaction still commits
      }
    }

    private T runCollecting(Tx tx) throws SQLException {
      collecting = new ArrayList<>();
      try {
        T r = run(tx);
        transitions = List.copyOf(collecting);
        return r;
      } finally {
        collecting = null;
      }
    }

    @Override
    public void committed() {
      if (error != null) {
        done.completeExceptionally(error);
      } else {
        done.complete(result);
      }
      if (!transitions.isEmpty()) {
        announce(null, null, transitions);
      }
    }

    @Override
    public void failed(Throwable cause) {
      done.completeExceptionally(cause);
    }

    /**
     * Nobody outside was promised this write (a local read, a stale check): its commit need not be
     * synced before the future completes, unless it changed an incident (an alert leaves the
     * gateway: what caused it is on disk first).
     */
    boolean lazy() {
      return false;
    }

    @Override
    public boolean mustSync() {
      return !lazy() || !transitions.isEmpty();
    }
  }

  // Transitions persisted by the job being applied (writer thread only).
  private List<Transition> collecting;

  private void persist(Tx tx, List<Transition> ts) throws SQLException {
    writeTransitions(tx, ts);
    transitionsInBatch |= !ts.isEmpty();
    if (collecting != null) {
      collecting.addAll(ts);
    }
  }

  // Devices whose next reading may resolve an incident (set after each commit; read by submit).
  private volatile java.util.Set<String> devicesWithIncidents = java.util.Set.of();
  private boolean transitionsInBatch; // writer thread only

  private final class ReadingJob extends Job<Outcome> {
    private final Reading submitted;
    private final boolean stamped;
    private final Moment received;
    private final boolean urgent;
    private final boolean local;
    private Reading reading; // as stored: a stamped one may have moved to a free millisecond

    /**
     * @param stamped the agent stamped it (no ts and no seq of its own): never a duplicate
     * @param urgent the reading may open or resolve an incident: commit without waiting out the
     *     commit window
     * @param local read by the agent's own sensor loop: its commit need not be synced first
     */
    ReadingJob(
        Reading reading,
        boolean stamped,
        Moment received,
        CompletableFuture<Outcome> done,
        boolean urgent,
        boolean local) {
      super(done);
      this.submitted = reading;
      this.reading = reading;
      this.stamped = stamped;
      this.received = received;
      this.urgent = urgent;
      this.local = local;
    }

    @Override
    public boolean urgent() {
      return urgent;
    }

    @Override
    boolean lazy() {
      return local;
    }

    @Override
    Outcome run(Tx tx) throws SQLException {
      reading = stamped ? tx.freeStamp(submitted, MAX_STAMP_SHIFT_MS) : submitted;
      if (!options.isLocal(reading)
          && !tx.knowsDevice(reading.deviceId())
          && tx.deviceCount() >= store.options().maxDevices()) {
        return Outcome.REFUSED;
      }
      Tx.Key key = tx.dedup(reading);
      if (key == Tx.Key.DUPLICATE) {
        return Outcome.DUPLICATE;
      }
      tx.insertReading(reading, received.wall(), key, stamped);
      if (options.isLocal(reading)) {
        tx.enqueue(
            topics.sensorData(),
            Payloads.reading(
                reading, options.models().get(reading.deviceId()), options.agentDeviceId()),
            options.readingQos(),
            false,
            OutboxPriority.READING);
      }
      List<Transition> ts = rules.onReading(reading, received);
      if (!ts.isEmpty()) {
        persist(tx, ts);
      }
      return Outcome.STORED;
    }

    @Override
    public void committed() {
      if (result == Outcome.REFUSED) {
        done.complete(result); // counted by the source, which knows how to report it
        return;
      }
      (result == Outcome.DUPLICATE ? duplicates : stored).incrementAndGet();
      if (result == Outcome.STORED) {
        arrivals.merge(
            reading.deviceId(),
            new Arrival(received, reading.ts()),
            (old, now) -> stamped || !now.ts().isBefore(old.ts()) ? now : old);
      }
      done.complete(result);
      if (!listeners.isEmpty()) {
        announce(reading, result, transitions);
      }
    }

    @Override
    public void failed(Throwable cause) {
      storeFailures.incrementAndGet();
      done.completeExceptionally(cause);
    }
  }

  /** Rules state follows the transaction: snapshot before, restore on rollback. */
  private final class Hooks implements BatchHooks {
    @Override
    public void beforeBatch() {
      snapshot = rules.snapshot();
      storeAlarm.beforeBatch();
      transitionsInBatch = false;
    }

    @Override
    public void beforeCommit(Tx tx) throws SQLException {
      Optional<String> message = storeAlarm.due(store.health());
      if (message.isEmpty()) {
        return;
      }
      Optional<Transition> t =
          rules.onStoreFailure(
              options.agentDeviceId(),
              store.health().failedCommits(),
              message.get(),
              clock.instant());
      if (t.isPresent()) {
        writeTransitions(tx, List.of(t.get()));
        pendingAnnouncement = List.of(t.get());
      }
    }

    @Override
    public void afterCommit() {
      if (storeAlarm.inBatch() && pendingAnnouncement != null) {
        announce(null, null, pendingAnnouncement);
      }
      storeAlarm.committed();
      pendingAnnouncement = null;
      incidentsOpen = rules.openCount();
      if (transitionsInBatch || storeAlarm.inBatch()) {
        devicesWithIncidents = rules.devicesWithOpenIncidents();
      }
    }

    @Override
    public void afterRefused() {
      storeAlarm.failed(clock.instant());
    }

    @Override
    public void afterRollback(Throwable cause) {
      rules.restore(snapshot);
      pendingAnnouncement = null;
      storeAlarm.failed(clock.instant());
      incidentsOpen = rules.openCount();
    }
  }

  private List<Transition> pendingAnnouncement;

  /** Stops the stale timer and listeners; closes the store when the pipeline opened it. */
  @Override
  public void close() {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    timer.shutdownNow();
    if (ownsStore) {
      store.close();
    }
    listeners.close();
  }
}
