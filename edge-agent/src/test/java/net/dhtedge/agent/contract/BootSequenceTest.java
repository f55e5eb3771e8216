package net.dhtedge.agent.contract;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BootSequenceTest {

  @TempDir Path data;

  @Test
  void eachStartRaisesTheBootCountSoSeqsGrowAcrossRestartsAndAreNeverReused() throws Exception {
    List<Long> seen = new ArrayList<>();
    for (int start = 1; start <= 3; start++) {
      BootSequence s = BootSequence.open(data);
      assertThat(s.boot()).isEqualTo(start);
      assertThat(s.problem()).isEmpty();
      for (int i = 0; i < 5; i++) {
        seen.add(s.next("pi-1"));
      }
    }
    assertThat(seen).isSorted().doesNotHaveDuplicates().hasSize(15);
    assertThat(seen.get(0)).isEqualTo(1L << 32);
    assertThat(seen.get(5)).isEqualTo(2L << 32);
    assertThat(seen.get(14)).isEqualTo(3L << 32 | 4);
    assertThat(Files.readString(data.resolve(BootSequence.FILE)).trim()).isEqualTo("3");
    assertThat(data.resolve(BootSequence.FILE + ".tmp")).doesNotExist();
  }

  @Test
  void eachDeviceCountsItsOwnReadingsFromZero() {
    BootSequence s = BootSequence.open(data);
    assertThat(s.next("a")).isEqualTo(1L << 32);
    assertThat(s.next("a")).isEqualTo(1L << 32 | 1);
    assertThat(s.next("b")).isEqualTo(1L << 32);
  }

  @Test
  void aDeviceThatUsedUpItsCountRaisesTheBootCountInsteadOfRunningIntoTheNextBoot() {
    BootSequence s = BootSequence.open(data);
    s.skipTo("a", 0xFFFF_FFFFL);
    long last = s.next("a");
    long after = s.next("a");
    assertThat(last).isEqualTo(1L << 32 | 0xFFFF_FFFFL);
    assertThat(after).as("after %d", last).isEqualTo(2L << 32).isGreaterThan(last);
    assertThat(BootSequence.open(data).boot()).isEqualTo(3);
  }

  @Test
  void anUnreadableCountTurnsNumberingOffWithAReasonInsteadOfGuessing() throws Exception {
    Files.writeString(data.resolve(BootSequence.FILE), "garbage\n");
    BootSequence s = BootSequence.open(data);
    assertThat(s.boot()).isZero();
    assertThat(s.next("pi-1")).isNull();
    assertThat(s.problem().orElseThrow())
        .contains("carry no seq")
        .contains("boot-count")
        .contains("not a boot count: 'garbage'");
    // the file is left as it was, for a person to look at
    assertThat(Files.readString(data.resolve(BootSequence.FILE))).isEqualTo("garbage\n");
  }

  @Test
  void aCountAtItsMaximumTurnsNumberingOffRatherThanWrapping() throws Exception {
    Files.writeString(data.resolve(BootSequence.FILE), BootSequence.MAX_BOOT + "\n");
    BootSequence s = BootSequence.open(data);
    assertThat(s.next("pi-1")).isNull();
    assertThat(s.problem().orElseThrow()).contains("maximum");
  }
}
