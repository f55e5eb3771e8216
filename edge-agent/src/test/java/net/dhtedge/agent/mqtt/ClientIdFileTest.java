package net.dhtedge.agent.mqtt;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Issue 18 item 6: one client id per agent instance, stable across its restarts. */
class ClientIdFileTest {
  @TempDir Path tmp;

  @Test
  void twoDataDirsOnOneHostGetDifferentIdsAndEachKeepsItsOwnAcrossRestarts() {
    Path a = tmp.resolve("a");
    Path b = tmp.resolve("b");
    String idA = ClientIdFile.resolve(null, "gw", a, true);
    String idB = ClientIdFile.resolve(null, "gw", b, true);
    assertThat(idA).startsWith("edge-agent-gw-").isNotEqualTo(idB);
    assertThat(ClientIdFile.resolve(null, "gw", a, true)).isEqualTo(idA);
    assertThat(ClientIdFile.resolve(null, "gw", b, false)).isEqualTo(idB);
  }

  @Test
  void aWrittenClientIdWinsAndNoFileIsMade() {
    assertThat(ClientIdFile.resolve("my-id", "gw", tmp, true)).isEqualTo("my-id");
    assertThat(Files.exists(tmp.resolve(ClientIdFile.NAME))).isFalse();
  }

  @Test
  void aDataDirFromBeforeTheFileKeepsTheIdItUsedSoTheBrokerSessionCarriesOver() throws Exception {
    Files.createDirectories(tmp.resolve("db"));
    assertThat(ClientIdFile.resolve(null, "gw", tmp, true)).isEqualTo("edge-agent-gw");
    assertThat(Files.readString(tmp.resolve(ClientIdFile.NAME)).strip()).isEqualTo("edge-agent-gw");
  }

  @Test
  void doctorOnlyLooksAndWritesNothing() {
    ClientIdFile.resolve(null, "gw", tmp, false);
    assertThat(Files.exists(tmp.resolve(ClientIdFile.NAME))).isFalse();
  }
}
