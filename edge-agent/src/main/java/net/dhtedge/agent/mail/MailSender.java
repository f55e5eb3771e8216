package net.dhtedge.agent.mail;

import jakarta.mail.MessagingException;
import jakarta.mail.internet.MimeMessage;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import net.dhtedge.agent.pipeline.PipelineListener;
import net.dhtedge.agent.rules.Transition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends incident mails from the durable {@link MailQueue} on its own thread. The pipeline only
 * queues ({@link #onIncident}); SMTP never blocks it. A mail leaves the queue only after the server
 * accepted it; failures are retried with a doubling delay. At most one mail per (device, rule) per
 * rate-limit window: what comes in meanwhile waits, and everything due at once goes out as one
 * digest.
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
  private final Clock clock;
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

  /**
   * @param gather how long to wait after the first new step before sending, so a burst becomes one
   *     digest
   */
  public MailSender(
      MailOptions options,
      MailQueue queue,
      MailTransport transport,
      MailComposer composer,
      Clock clock,
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

  /** Queues the mail of an opened or resolved incident (durably, once). Never throws. */
  @Override
  public void onIncident(Transition transition) {
    MailJob job = MailJob.of(transition);
    if (job == null) {
      return;
    }
    try {
      if (queue.add(job)) {
        wake();
      }
    } catch (RuntimeException e) {
      LOG.error("mail: cannot queue the mail for incident {}: {}", job.key(), e.getMessage());
      lastError = e.getMessage();
    }
  }

  /** Looks at the queue now (after a clock change, or new jobs). */
  public void wake() {
    synchronized (lock) {
      signalled = true;
      lock.notifyAll();
    }
  }

  public Stats stats() {
    return new Stats(
        sent.get(), mails.get(), failures.get(), queue.depth(), lastError, passes.get());
  }

  private void run() {
    while (!closed) {
      try {
        loop();
      } catch (RuntimeException e) {
        // The queue's disk failed (full, read-only): say so, wait, and try again; never die.
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
      Instant now = clock.instant();
      List<MailJob> due = new ArrayList<>();
      Instant nextDue = null;
      for (MailJob j : queue.pending()) {
        Optional<Instant> last = queue.lastSent(j);
        Instant allowed = last.map(t -> t.plus(options.rateLimit())).orElse(Instant.MIN);
        if (options.rateLimit().isZero() || !allowed.isAfter(now)) {
          due.add(j);
        } else if (nextDue == null || allowed.isBefore(nextDue)) {
          nextDue = allowed;
        }
      }
      if (due.isEmpty()) {
        passes.incrementAndGet();
        long waitMs =
            nextDue == null
                ? 60_000
                : Math.max(1, Math.min(60_000, Duration.between(now, nextDue).toMillis()));
        sleep(waitMs, true);
        continue;
      }
      try {
        MimeMessage m =
            due.size() == 1
                ? composer.single(transport.session(), due.get(0))
                : composer.digest(transport.session(), due);
        MailTransport.Outcome o = transport.send(m);
        queue.markSent(due, clock.instant());
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
      } catch (MailTransport.SendException e) {
        failures.incrementAndGet();
        lastError = e.getMessage();
        passes.incrementAndGet();
        LOG.warn(
            "mail: sending {} mail(s) via {}:{} failed ({}); retrying in {} ms",
            due.size(),
            options.host(),
            options.port(),
            e.outcome().describe(),
            delay.toMillis());
        sleep(delay.toMillis(), false);
        delay = min(delay.multipliedBy(2), options.retryMax());
      } catch (MessagingException | RuntimeException e) {
        failures.incrementAndGet();
        lastError = e.toString();
        LOG.error("mail: cannot build or record a mail: {}", e.toString());
        sleep(delay.toMillis(), false);
        delay = min(delay.multipliedBy(2), options.retryMax());
      }
    }
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
