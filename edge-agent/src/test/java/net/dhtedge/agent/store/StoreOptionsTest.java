package net.dhtedge.agent.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import net.dhtedge.agent.config.ConfigLoader;
import net.dhtedge.agent.core.Records;
import net.dhtedge.agent.pipeline.PipelineOptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StoreOptionsTest {

  @Test
  void theDefaultsAreTheDocumentedOnes() {
    StoreOptions o = StoreOptions.defaults(Path.of("/var/lib/dht"));
    assertThat(o.dbDir()).isEqualTo(Path.of("/var/lib/dht/db"));
    assertThat(o.rawRetentionDays()).isEqualTo(30);
    assertThat(o.minuteRetentionDays()).isEqualTo(90);
    assertThat(o.hourRetentionDays()).isEqualTo(1825);
    assertThat(o.outboxCapacity()).isEqualTo(100_000);
    assertThat(o.fileWriteDelayMillis()).isZero();
    assertThat(o.maxBatch()).isEqualTo(1000);
  }

  @TempDir Path dir;

  StoreOptions storeOptionsOf(String yaml) throws Exception {
    Path file = dir.resolve("edge-agent.yml");
    Files.writeString(file, yaml);
    ConfigLoader loader = new ConfigLoader(name -> null, () -> "test-host", dir);
    return loader.load(file).config().store();
  }

  @Test
  void retentionsAreRoundedUpToWholeDaysSoNothingIsDeletedEarlierThanAsked() throws Exception {
    StoreOptions o =
        storeOptionsOf(
            "store:\n  retention_raw: 36h\n  retention_minute: 1h\n  retention_hour: 3d\n");
    assertThat(o.rawRetentionDays()).isEqualTo(2);
    assertThat(o.minuteRetentionDays()).isEqualTo(1);
    assertThat(o.hourRetentionDays()).isEqualTo(3);
  }

  @Test
  void nonsenseOptionsAreRejectedWithTheirName() {
    StoreOptions o = StoreOptions.defaults(Path.of("x"));
    assertThatThrownBy(() -> Records.with(o, "outboxCapacity", 0))
        .hasMessageContaining("outboxCapacity");
    assertThatThrownBy(
            () ->
                Records.with(
                    o, "rawRetentionDays", 0, "minuteRetentionDays", 90, "hourRetentionDays", 1826))
        .hasMessageContaining("rawRetentionDays");
    assertThatThrownBy(() -> Records.with(o, "commitWindowMillis", -1))
        .hasMessageContaining("commitWindow");
    assertThatThrownBy(() -> Records.with(o, "maxBatch", 0)).hasMessageContaining("maxBatch");
    assertThatThrownBy(() -> Records.with(PipelineOptions.defaults(), "topicPrefix", "a/#"))
        .hasMessageContaining("topic prefix");
  }
}
