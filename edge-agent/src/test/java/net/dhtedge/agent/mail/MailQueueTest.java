package net.dhtedge.agent.mail;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MailQueueTest {

  private static final Instant T0 = Instant.parse("2026-11-27T10:00:00Z");

  @TempDir Path dir;

  private static MailJob job(long id, String change, String device) {
    return new MailJob(
        id, change, device, "temperature_max", "temperature", 31.0, 30.0, "hot", T0, T0);
  }

  @Test
  void aJobIsQueuedOnceAndNeverAgainAfterItWasSentEvenAfterReopening() {
    MailQueue q = MailQueue.open(dir, T0);
    assertThat(q.add(job(1, "created", "a"))).isTrue();
    assertThat(q.add(job(1, "created", "a"))).isFalse();
    assertThat(q.add(job(1, "resolved", "a"))).isTrue();
    q.markSent(List.of(job(1, "created", "a")), T0.plusSeconds(5));

    MailQueue reopened = MailQueue.open(dir, T0.plusSeconds(60));
    assertThat(reopened.add(job(1, "created", "a"))).isFalse();
    assertThat(reopened.pending()).extracting(MailJob::key).containsExactly("1-resolved");
    assertThat(reopened.lastSent(job(2, "created", "a"))).contains(T0.plusSeconds(5));
    assertThat(reopened.lastSent(job(3, "created", "b"))).isEmpty();
  }

  @Test
  void leftoversOfACrashAreCleanedAndAnUnreadableFileIsMovedAsideNotSent() throws Exception {
    MailQueue.open(dir, T0).add(job(1, "created", "a"));
    Files.writeString(dir.resolve("pending/2-created.json.tmp"), "{\"incident_id\":2,");
    Files.writeString(dir.resolve("pending/3-created.json"), "not json");
    MailQueue q = MailQueue.open(dir, T0);
    assertThat(Files.exists(dir.resolve("pending/2-created.json.tmp"))).isFalse();
    assertThat(q.pending()).extracting(MailJob::key).containsExactly("1-created");
    assertThat(Files.exists(dir.resolve("pending/3-created.json.bad"))).isTrue();
    assertThat(q.depth()).isEqualTo(1);
  }

  @Test
  void sentMarkersOlderThanThirtyDaysAreForgottenAtStartUp() {
    MailQueue q = MailQueue.open(dir, T0);
    q.add(job(1, "created", "a"));
    q.markSent(List.of(job(1, "created", "a")), T0);
    MailQueue later = MailQueue.open(dir, T0.plus(MailQueue.KEEP_SENT).plus(Duration.ofDays(1)));
    assertThat(later.lastSent(job(1, "created", "a"))).isEmpty();
    assertThat(dir.resolve("sent/1-created.json")).doesNotExist();
  }
}
