package net.dhtedge.agent.mail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import net.dhtedge.agent.store.MailJob;
import net.dhtedge.agent.store.MailQueue;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One-time import of the file queue of earlier agents ({@code <data_dir>/mail/pending/*.json},
 * {@code sent/*.json}) into the store's mail queue; the directory is then renamed to {@code
 * mail.imported}. Idempotent: the store keeps one row per (incident, change), so an import that ran
 * before a crash adds nothing the second time, and a mail found in both {@code sent/} and {@code
 * pending/} (a crash inside the old {@code markSent}) stays sent. Sent markers are imported too:
 * they carry the rate limit's last mail per (device, rule).
 */
public final class FileQueueImport {

  private static final Logger LOG = LoggerFactory.getLogger(FileQueueImport.class);
  private static final ObjectMapper JSON = new ObjectMapper();

  private FileQueueImport() {}

  /**
   * Imports {@code mailDir} when it exists.
   *
   * @return mails added to the store (0 when there was nothing to import)
   */
  public static int run(Path mailDir, MailQueue queue) {
    if (!Files.isDirectory(mailDir)) {
      return 0;
    }
    List<MailQueue.Entry> entries = new ArrayList<>();
    read(mailDir.resolve("sent"), true, entries); // sent first: a mail in both dirs stays sent
    read(mailDir.resolve("pending"), false, entries);
    int added = entries.isEmpty() ? 0 : queue.addAll(entries);
    Path target = mailDir.resolveSibling(mailDir.getFileName() + ".imported");
    if (Files.exists(target)) {
      target =
          mailDir.resolveSibling(mailDir.getFileName() + ".imported." + System.currentTimeMillis());
    }
    try {
      Files.move(mailDir, target);
    } catch (IOException e) {
      // Imported already; the next start imports again, which adds nothing.
      throw new UncheckedIOException("mail: imported " + mailDir + " but cannot rename it", e);
    }
    LOG.info(
        "mail: imported the file queue {} into the store ({} of {} mails new); moved it to {}",
        mailDir,
        added,
        entries.size(),
        target);
    return added;
  }

  private static void read(Path dir, boolean sent, List<MailQueue.Entry> out) {
    if (!Files.isDirectory(dir)) {
      return;
    }
    try (DirectoryStream<Path> files = Files.newDirectoryStream(dir, "*.json")) {
      for (Path f : files) {
        try {
          JsonNode n = JSON.readTree(Files.readAllBytes(f));
          MailJob job = job(n);
          if (!job.change().equals("created") && !job.change().equals("resolved")) {
            throw new IllegalArgumentException("unknown change " + job.change());
          }
          out.add(new MailQueue.Entry(job, sent ? Instant.parse(n.get("sent_at").asText()) : null));
        } catch (IOException | RuntimeException e) {
          LOG.warn("mail: not importing unreadable queue file {}: {}", f, e.toString());
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("mail: cannot list " + dir, e);
    }
  }

  private static MailJob job(JsonNode n) {
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
