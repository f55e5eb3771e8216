package net.dhtedge.agent.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import net.dhtedge.agent.pipeline.PipelineOptions;
import org.junit.jupiter.api.Test;

class StoreOptionsTest {

  @Test
  void theDefaultsAreTheDocumentedOnes() {
    StoreOptions o = StoreOptions.defaults(Path.of("/var/lib/dht"));
    assertThat(o.dbDir()).isEqualTo(Path.of("/var/lib/dht/db"));
    assertThat(o.rawRetentionDays()).isEqualTo(30);
    assertThat(o.minuteRetentionDays()).isEqualTo(90);
    assertThat(o.hourRetentionDays()).isEqualTo(1826);
    assertThat(o.outboxCapacity()).isEqualTo(100_000);
    assertThat(o.fileWriteDelayMillis()).isZero();
    assertThat(o.maxBatch()).isEqualTo(1000);
  }

  @Test
  void nonsenseOptionsAreRejectedWithTheirName() {
    StoreOptions o = StoreOptions.defaults(Path.of("x"));
    assertThatThrownBy(() -> o.withOutboxCapacity(0)).hasMessageContaining("outboxCapacity");
    assertThatThrownBy(() -> o.withRetention(0, 90, 1826)).hasMessageContaining("rawRetentionDays");
    assertThatThrownBy(() -> o.withCommitWindowMillis(-1)).hasMessageContaining("commitWindow");
    assertThatThrownBy(() -> o.withMaxBatch(0)).hasMessageContaining("maxBatch");
    assertThatThrownBy(() -> PipelineOptions.defaults().withTopicPrefix("a/#"))
        .hasMessageContaining("topic prefix");
  }
}
