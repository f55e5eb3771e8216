package net.dhtedge.agent.store;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The mail queue as rows of the store ({@code mail_queue}, {@code mail_last_sent}). Mails are
 * queued by the pipeline in the transaction of their incident step ({@link Tx#queueMail}); the mail
 * sender reads them here and marks them sent. Reads see committed rows only; writes go through the
 * store's writer. Thread-safe.
 */
public final class MailQueue {

  /** How long a sent mail's row is kept (housekeeping deletes older ones). */
  public static final java.time.Duration KEEP_SENT = java.time.Duration.ofDays(30);

  private static final String COLUMNS =
      "incident_id, change, device_id, rule, metric, value, threshold, message, opened_at, ts";

  /**
   * A mail to add as it is, for imports: {@code sentAt} null = pending, else already sent then.
   *
   * @param job the mail
   * @param sentAt when the server accepted it, or null
   */
  public record Entry(MailJob job, Instant sentAt) {
    public Entry {
      Objects.requireNonNull(job, "job");
    }
  }

  private final Store store;

  MailQueue(Store store) {
    this.store = store;
  }

  /** The mails waiting, oldest step first. */
  public List<MailJob> pending() {
    return store.query(
        c -> {
          List<MailJob> out = new ArrayList<>();
          try (PreparedStatement ps =
                  c.prepareStatement(
                      "SELECT "
                          + COLUMNS
                          + " FROM mail_queue WHERE sent_at IS NULL"
                          + " ORDER BY ts, incident_id, change");
              ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
              out.add(
                  new MailJob(
                      rs.getLong(1),
                      rs.getString(2),
                      rs.getString(3),
                      rs.getString(4),
                      rs.getString(5),
                      Queries.getDouble(rs, 6),
                      Queries.getDouble(rs, 7),
                      rs.getString(8),
                      Instant.ofEpochMilli(rs.getLong(9)),
                      Instant.ofEpochMilli(rs.getLong(10))));
            }
          }
          return out;
        });
  }

  /** Mails waiting. */
  public int depth() {
    return store.query(
        c -> {
          Long n = Queries.scalar(c, "SELECT COUNT(*) FROM mail_queue WHERE sent_at IS NULL");
          return n == null ? 0 : n.intValue();
        });
  }

  /**
   * When the last mail for each of these jobs' (device, rule) was accepted, by {@link
   * MailJob#rateKey()}; absent when never (or not within what the store remembers).
   */
  public Map<String, Instant> lastSent(Collection<MailJob> jobs) {
    if (jobs.isEmpty()) {
      return Map.of();
    }
    return store.query(
        c -> {
          Map<String, Instant> out = new HashMap<>();
          try (PreparedStatement ps =
              c.prepareStatement(
                  "SELECT sent_at FROM mail_last_sent WHERE device_id = ? AND rule = ?")) {
            for (MailJob j : jobs) {
              if (out.containsKey(j.rateKey())) {
                continue;
              }
              ps.setString(1, j.deviceId());
              ps.setString(2, j.rule());
              try (ResultSet rs = ps.executeQuery()) {
                if (rs.next()) {
                  out.put(j.rateKey(), Instant.ofEpochMilli(rs.getLong(1)));
                }
              }
            }
          }
          return out;
        });
  }

  /**
   * The SMTP server accepted these mails: marks them sent in a commit of their own (not deferred:
   * the shorter the time between the server's 250 and this commit, the smaller the window in which
   * a crash sends them twice) and returns once it is durable. Still written when the disk is nearly
   * full: refusing it would send the mail again.
   *
   * @throws StoreException when it could not be stored within 10 s
   */
  public void markSent(List<MailJob> jobs, Instant at) {
    List<MailJob> copy = List.copyOf(jobs);
    Objects.requireNonNull(at, "at");
    await(
        new Job() {
          @Override
          public void apply(Tx tx) throws java.sql.SQLException {
            tx.markMailSent(copy, at);
          }

          @Override
          public boolean freesSpace() {
            return true; // a few bytes; refusing it would mean mailing again
          }
        },
        "mark " + copy.size() + " mail(s) sent");
  }

  /**
   * A send failed: counts the attempt and keeps the error with the rows. Deferred (rides in the
   * next commit): losing it on a power cut only loses the count. Does not wait.
   */
  public void markFailed(List<MailJob> jobs, String error) {
    List<MailJob> copy = List.copyOf(jobs);
    store.submit(
        new WriteJob() {
          @Override
          public void apply(Tx tx) throws java.sql.SQLException {
            tx.markMailFailed(copy, error);
          }

          @Override
          public void committed() {}

          @Override
          public void failed(Throwable cause) {
            // only the attempt count is lost
          }

          @Override
          public boolean deferrable() {
            return true;
          }
        });
  }

  /**
   * Adds mails as they are (the import of an old file queue), each unless its (incident, change) is
   * there already; waits until durable.
   *
   * @return how many were added
   */
  public int addAll(List<Entry> entries) {
    List<Entry> copy = List.copyOf(entries);
    int[] added = new int[1];
    await(
        new Job() {
          @Override
          public void apply(Tx tx) throws java.sql.SQLException {
            added[0] = 0;
            for (Entry e : copy) {
              if (tx.insertMail(e.job(), e.sentAt())) {
                added[0]++;
              }
            }
          }
        },
        "add " + copy.size() + " mail(s)");
    return added[0];
  }

  private abstract static class Job implements WriteJob {
    final CompletableFuture<Void> done = new CompletableFuture<>();

    @Override
    public void committed() {
      done.complete(null);
    }

    @Override
    public void failed(Throwable cause) {
      done.completeExceptionally(cause);
    }
  }

  private void await(Job job, String what) {
    store.submit(job);
    try {
      job.done.get(10, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new StoreException("interrupted while waiting to " + what, e);
    } catch (ExecutionException | TimeoutException e) {
      throw new StoreException("cannot " + what, e);
    }
  }
}
