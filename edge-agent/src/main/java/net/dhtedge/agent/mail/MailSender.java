package net.dhtedge.agent.mail;

import jakarta.mail.MessagingException;
import jakarta.mail.internet.MimeMessage;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import net.dhtedge.agent.core.AgentClock;
import net.dhtedge.agent.pipeline.PipelineListener;
import net.dhtedge.agent.rules.Transition;
import net.dhtedge.agent.store.MailJob;
import net.dhtedge.agent.store.MailQueue;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends incident mails from the store's {@link MailQueue} on its own thread. The pipeline queues
 * them in the transaction of their incident step; {@link #onIncident} only wakes this thread, and
 * at start-up whatever is pending is sent. SMTP never blocks the pipeline. A mail is marked sent (a
 * commit of its own, right after the server's 250) only after the server accepted it; failures are
 * retried with a doubling delay. At most one mail per (device, rule) per rate-limit window (the
 * last mail per (device, rule) comes from the store, so it survives a restart): what comes in
 * meanwhile waits, and everything due at once goes out as one digest.
 */
public final class MailSender implements PipelineListener, AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(MailSender.class);

  /** Counters for the status page. */
  public record Stats(
      long sent, long mails, long failures, int queued, String lastError, long passes) {}

  private final MailOptions options;
  private final MailQueue queue;
  private final MailTransport transport;
  private final MailComposer composer;
  private final AgentClock clock;
  private final Duration gather;
  private final Object lock = new Object();
  private final Thread thread;
  private final AtomicLong sent = new AtomicLong();
  private final AtomicLong mails = new AtomicLong();
  private final AtomicLong failures = new AtomicLong();
  private final AtomicLong passes = new AtomicLong();
  private volatile String lastError;
  private volatile boolean closed;
  private boolean signalled; // guarded by lock
  // Accepted by the server but the sent mark could not be stored yet (sender thread only): never
  // sent again by this process, and the mark is retried first thing every pass.
  private final List<Accepted> unrecorded = new ArrayList<>();

  private record Accepted(List<MailJob> jobs, Instant at) {}

  // When this process last sent for a rate key, on the monotonic clock (sender thread only; one
  // entry per device and rule that had a mail, and devices are bounded by store.max_devices).
  private final Map<String, Long> sentNanos = new HashMap<>();

  /**
   * @param gather how long to wait after the first new step before sending, so a burst becomes one
   *     digest
   */
  public MailSender(
      MailOptions options,
      MailQueue queue,
      MailTransport transport,
      MailComposer composer,
      AgentClock clock,
      Duration gather) {
    this.options = Objects.requireNonNull(options, "options");
    this.queue = Objects.requireNonNull(queue, "queue");
    this.transport = Objects.requireNonNull(transport, "transport");
    this.composer = Objects.requireNonNull(composer, "composer");
    this.clock = Objects.requireNonNull(clock, "clock");
    this.gather = Objects.requireNonNull(gather, "gather");
    this.thread = new Thread(this::run, "mail-sender");
    thread.setDaemon(true);
  }

  public void start() {
    thread.start();
  }

  /**
   * An incident step committed: its mail (if it has one) is in the store's queue already, so this
   * only wakes the sender. Writes nothing; never throws.
   */
  @Override
  public void onIncident(Transition transition) {
    if (transition.change() != Transition.Change.ACKNOWLEDGED) {
      wake();
    }
  }

  /** Looks at the queue now (after a clock change, or new jobs). */
  public void wake() {
    synchronized (lock) {
      signalled = true;
      lock.notifyAll();
    }
  }

  /** Counters; {@code queued} is -1 when the store cannot be read. */
  public Stats stats() {
    int queued;
    try {
      queued = queue.depth();
    } catch (RuntimeException e) {
      queued = -1;
    }
    return new Stats(sent.get(), mails.get(), failures.get(), queued, lastError, passes.get());
  }

  private void run() {
    while (!closed) {
      try {
        loop();
      } catch (RuntimeException e) {
        // The store failed (closed, disk full): say so, wait, and try again; never die.
        failures.incrementAndGet();
        lastError = e.getMessage();
        LOG.error("mail: {}; retrying in {} ms", e.getMessage(), options.retryMax().toMillis());
        sleep(options.retryMax().toMillis(), true);
      }
    }
  }

  private void loop() {
    Duration delay = options.retryMin();
    boolean firstPass = true;
    while (!closed) {
      if (!firstPass && !gather.isZero()) {
        sleep(gather.toMillis(), false);
      }
      firstPass = false;
      if (closed) {
        return;
      }
      recordUnrecorded();
      AgentClock.Moment now = clock.now();
      List<MailJob> due = new ArrayList<>();
      Duration nextDue = null;
      List<MailJob> pending = pendingNotUnrecorded();
      Map<String, Instant> lastSent = queue.lastSent(pending);
      for (MailJob j : pending) {
        Duration wait = rateLimitWait(lastSent.get(j.rateKey()), sentNanos.get(j.rateKey()), now);
        if (!wait.isPositive()) {
          due.add(j);
        } else if (nextDue == null || wait.compareTo(nextDue) < 0) {
          nextDue = wait;
        }
      }
      if (due.isEmpty()) {
        passes.incrementAndGet();
        long waitMs = nextDue == null ? 60_000 : Math.max(1, Math.min(60_000, nextDue.toMillis()));
        sleep(waitMs, true);
        continue;
      }
      MailTransport.Outcome o;
      try {
        MimeMessage m =
            due.size() == 1
                ? composer.single(transport.session(), due.get(0))
                : composer.digest(transport.session(), due);
        o = transport.send(m);
      } catch (MailTransport.SendException e) {
        failures.incrementAndGet();
        lastError = e.getMessage();
        passes.incrementAndGet();
        queue.markFailed(due, e.getMessage());
        LOG.warn(
            "mail: sending {} mail(s) via {}:{} failed ({}); retrying in {} ms",
            due.size(),
            options.host(),
            options.port(),
            e.outcome().describe(),
            delay.toMillis());
        sleep(delay.toMillis(), false);
        delay = min(delay.multipliedBy(2), options.retryMax());
        continue;
      } catch (MessagingException | RuntimeException e) {
        failures.incrementAndGet();
        lastError = e.toString();
        LOG.error("mail: cannot build a mail: {}", e.toString());
        sleep(delay.toMillis(), false);
        delay = min(delay.multipliedBy(2), options.retryMax());
        continue;
      }
      // Accepted (250): from here on this process never sends these again; the sent mark is
      // committed at once, which leaves a crash only this moment to send them twice.
      AgentClock.Moment accepted = clock.now();
      unrecorded.add(new Accepted(List.copyOf(due), accepted.wall()));
      due.forEach(j -> sentNanos.put(j.rateKey(), accepted.nanos()));
      try {
        recordUnrecorded(); // a store failure goes on to run(): logged, and retried next pass
      } finally {
        sent.addAndGet(due.size());
        mails.incrementAndGet();
        lastError = null;
        passes.incrementAndGet();
        delay = options.retryMin();
        LOG.info(
            "mail: sent {} to {} ({})",
            due.size() == 1 ? "incident " + due.get(0).key() : "a digest of " + due.size(),
            options.to(),
            o.reply());
      }
    }
  }

  /**
   * How long a job must still wait for its rate key's limit: zero when due. A mail this process
   * sent is timed on the monotonic clock; one sent before a restart only by its stored wall-clock
   * time, where a time after now (the clock was set back since) counts as just sent, not as an hour
   * to wait.
   */
  private Duration rateLimitWait(Instant storedLast, Long sentHere, AgentClock.Moment now) {
    Duration limit = options.rateLimit();
    if (limit.isZero()) {
      return Duration.ZERO;
    }
    Duration since;
    if (sentHere != null) {
      since = Duration.ofNanos(now.nanos() - sentHere);
    } else if (storedLast != null) {
      since = Duration.between(storedLast, now.wall());
      if (since.isNegative()) {
        since = Duration.ZERO;
      }
    } else {
      return Duration.ZERO;
    }
    return since.compareTo(limit) >= 0 ? Duration.ZERO : limit.minus(since);
  }

  /** Stores the sent marks still missing (normally the one just sent); throws when it cannot. */
  private void recordUnrecorded() {
    while (!unrecorded.isEmpty()) {
      Accepted a = unrecorded.get(0);
      queue.markSent(a.jobs(), a.at());
      unrecorded.remove(0);
    }
  }

  private List<MailJob> pendingNotUnrecorded() {
    List<MailJob> pending = queue.pending();
    if (unrecorded.isEmpty()) {
      return pending;
    }
    Set<String> skip = new HashSet<>();
    unrecorded.forEach(a -> a.jobs().forEach(j -> skip.add(j.key())));
    return pending.stream().filter(j -> !skip.contains(j.key())).toList();
  }

  private static Duration min(Duration a, Duration b) {
    return a.compareTo(b) <= 0 ? a : b;
  }

  /** Waits {@code ms}; a {@link #wake()} ends it early when {@code wakeable}. */
  private void sleep(long ms, boolean wakeable) {
    long end = System.nanoTime() + ms * 1_000_000;
    synchronized (lock) {
      if (wakeable && signalled) {
        signalled = false;
        return;
      }
      while (!closed) {
        long left = (end - System.nanoTime()) / 1_000_000;
        if (left <= 0) {
          break;
        }
        try {
          lock.wait(left);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          return;
        }
        if (wakeable && signalled) {
          break;
        }
      }
      if (wakeable) {
        signalled = false;
      }
    }
  }

  /** Stops the sender; queued mails stay queued for the next start. Safe to call twice. */
  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    synchronized (lock) {
      lock.notifyAll();
    }
    if (thread.isAlive()) {
      thread.interrupt();
      try {
        thread.join(5_000);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }
}
