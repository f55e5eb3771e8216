package net.dhtedge.agent.mail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The durable mail queue: one small JSON file per mail in {@code <dir>/pending}, moved to {@code
 * <dir>/sent} only after the SMTP server accepted it. The file name is the job's {@link
 * MailJob#key() key}, so a transition seen twice (a redelivery, a restart) is queued once, and a
 * mail that was sent is never queued again. Files are written to a temporary name, forced to disk
 * and renamed, so a power cut leaves either the whole job or none. Sent markers older than {@link
 * #KEEP_SENT} are deleted at start-up. Thread-safe.
 */
public final class MailQueue {

  private static final Logger LOG = LoggerFactory.getLogger(MailQueue.class);
  private static final ObjectMapper JSON = new ObjectMapper();

  /** How long a sent marker is kept (dedup and the rate limit look at it). */
  public static final Duration KEEP_SENT = Duration.ofDays(30);

  private final Path pending;
  private final Path sent;
  private final Map<String, Instant> lastSent = new HashMap<>();

  private MailQueue(Path dir) {
    this.pending = dir.resolve("pending");
    this.sent = dir.resolve("sent");
  }

  /** Opens (creating) the queue in {@code dir}, e.g. {@code <data_dir>/mail}. */
  public static MailQueue open(Path dir, Instant now) {
    MailQueue q = new MailQueue(dir);
    try {
      Files.createDirectories(q.pending);
      Files.createDirectories(q.sent);
      q.load(now);
    } catch (IOException e) {
      throw new UncheckedIOException("mail: cannot open the mail queue in " + dir, e);
    }
    return q;
  }

  private void load(Instant now) throws IOException {
    try (DirectoryStream<Path> files = Files.newDirectoryStream(sent, "*.json")) {
      for (Path f : files) {
        Optional<Sent> s = readSent(f);
        if (s.isEmpty()) {
          continue;
        }
        if (s.get().at().isBefore(now.minus(KEEP_SENT))) {
          Files.deleteIfExists(f);
        } else {
          lastSent.merge(s.get().job().rateKey(), s.get().at(), (a, b) -> a.isAfter(b) ? a : b);
        }
      }
    }
    try (DirectoryStream<Path> tmp = Files.newDirectoryStream(pending, "*.tmp")) {
      for (Path f : tmp) {
        Files.deleteIfExists(f);
      }
    }
  }

  /**
   * Queues a mail durably.
   *
   * @return false if this mail is already queued or was already sent
   */
  public synchronized boolean add(MailJob job) {
    String name = job.key() + ".json";
    if (Files.exists(pending.resolve(name)) || Files.exists(sent.resolve(name))) {
      return false;
    }
    try {
      writeAtomically(pending.resolve(name), JSON.writeValueAsBytes(toJson(job)));
      return true;
    } catch (IOException e) {
      throw new UncheckedIOException("mail: cannot queue mail " + job.key(), e);
    }
  }

  /** The mails waiting, oldest step first. */
  public synchronized List<MailJob> pending() {
    List<MailJob> out = new ArrayList<>();
    try (DirectoryStream<Path> files = Files.newDirectoryStream(pending, "*.json")) {
      for (Path f : files) {
        try {
          out.add(fromJson(JSON.readTree(Files.readAllBytes(f))));
        } catch (IOException | RuntimeException e) {
          Path bad = f.resolveSibling(f.getFileName() + ".bad");
          LOG.warn("mail: unreadable queue file {} moved aside: {}", f, e.toString());
          Files.move(f, bad, StandardCopyOption.REPLACE_EXISTING);
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("mail: cannot list " + pending, e);
    }
    out.sort(Comparator.comparing(MailJob::ts).thenComparing(MailJob::key));
    return out;
  }

  /** The SMTP server accepted these mails: they leave the queue and are remembered as sent. */
  public synchronized void markSent(List<MailJob> jobs, Instant at) {
    for (MailJob job : jobs) {
      String name = job.key() + ".json";
      ObjectNode n = toJson(job);
      n.put("sent_at", at.toString());
      try {
        writeAtomically(sent.resolve(name), JSON.writeValueAsBytes(n));
        Files.deleteIfExists(pending.resolve(name));
      } catch (IOException e) {
        throw new UncheckedIOException("mail: cannot mark " + job.key() + " as sent", e);
      }
      lastSent.merge(job.rateKey(), at, (a, b) -> a.isAfter(b) ? a : b);
    }
  }

  /** When the last mail for this job's (device, rule) was accepted, if any. */
  public synchronized Optional<Instant> lastSent(MailJob job) {
    return Optional.ofNullable(lastSent.get(job.rateKey()));
  }

  /** Mails waiting. */
  public synchronized int depth() {
    try (var s = Files.list(pending)) {
      return (int) s.filter(p -> p.toString().endsWith(".json")).count();
    } catch (IOException e) {
      return -1;
    }
  }

  private record Sent(MailJob job, Instant at) {}

  private static Optional<Sent> readSent(Path f) {
    try {
      JsonNode n = JSON.readTree(Files.readAllBytes(f));
      return Optional.of(new Sent(fromJson(n), Instant.parse(n.get("sent_at").asText())));
    } catch (IOException | RuntimeException e) {
      LOG.warn("mail: ignoring unreadable sent marker {}: {}", f, e.toString());
      return Optional.empty();
    }
  }

  private static void writeAtomically(Path target, byte[] bytes) throws IOException {
    Path tmp = target.resolveSibling(target.getFileName() + ".tmp");
    try (FileChannel ch =
        FileChannel.open(
            tmp,
            StandardOpenOption.CREATE,
            StandardOpenOption.TRUNCATE_EXISTING,
            StandardOpenOption.WRITE)) {
      ch.write(java.nio.ByteBuffer.wrap(bytes));
      ch.force(true);
    }
    try {
      Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } catch (AtomicMoveNotSupportedException e) {
      Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
    }
    try (FileChannel dir = FileChannel.open(target.getParent(), StandardOpenOption.READ)) {
      dir.force(true);
    } catch (IOException e) {
      // Not every file system lets a directory be forced; the rename is still atomic.
    }
  }

  private static ObjectNode toJson(MailJob j) {
    ObjectNode n = JSON.createObjectNode();
    n.put("incident_id", j.incidentId());
    n.put("change", j.change());
    n.put("device_id", j.deviceId());
    n.put("rule", j.rule());
    n.put("metric", j.metric());
    if (j.value() != null) {
      n.put("value", j.value());
    }
    if (j.threshold() != null) {
      n.put("threshold", j.threshold());
    }
    n.put("message", j.message());
    n.put("opened_at", j.openedAt().toString());
    n.put("ts", j.ts().toString());
    return n;
  }

  private static MailJob fromJson(JsonNode n) {
    return new MailJob(
        n.get("incident_id").asLong(),
        n.get("change").asText(),
        n.get("device_id").asText(),
        n.get("rule").asText(),
        n.get("metric").asText(),
        n.hasNonNull("value") ? n.get("value").asDouble() : null,
        n.hasNonNull("threshold") ? n.get("threshold").asDouble() : null,
        n.get("message").asText(),
        Instant.parse(n.get("opened_at").asText()),
        Instant.parse(n.get("ts").asText()));
  }
}
