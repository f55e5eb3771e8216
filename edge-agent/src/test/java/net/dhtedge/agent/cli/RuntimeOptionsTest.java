package net.dhtedge.agent.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import net.dhtedge.agent.config.ConfigLoader;
import net.dhtedge.agent.store.StoreOptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RuntimeOptionsTest {

  @TempDir Path dir;

  StoreOptions storeOptionsOf(String yaml) throws Exception {
    Path file = dir.resolve("edge-agent.yml");
    Files.writeString(file, yaml);
    ConfigLoader loader = new ConfigLoader(name -> null, () -> "test-host", dir);
    return RuntimeOptions.store(loader.load(file).config());
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
}
