package net.dhtedge.agent.doctor;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import net.dhtedge.agent.config.AgentConfig;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Java, clock, disk and SD-write checks against a fake machine in a temp dir. */
class MachineChecksTest {

  @TempDir Path dir;
  FakeMachine m;
  AgentConfig defaults;
  Path data;

  @BeforeEach
  void setUp() {
    m = new FakeMachine(dir);
    data = dir.resolve("data");
    defaults = FakeMachine.config("agent:\n  data_dir: " + data + "\n");
  }

  @Test
  void java17IsReportedAsTooOldWithTheInstallCommand() {
    m.javaFeature = 17;

    Finding f = new JavaCheck(m.env()).run(defaults).get(0);

    assertThat(f.status()).isEqualTo(Status.FAIL);
    assertThat(f.message()).isEqualTo("Java 17 is too old; the agent needs 21 or newer");
    assertThat(f.fix()).contains("openjdk-21-jre-headless");
  }

  @Test
  void java21IsEnough() {
    assertThat(new JavaCheck(m.env()).run(defaults).get(0).status()).isEqualTo(Status.OK);
  }

  @Test
  void aClockThatTimedatectlCallsUnsynchronisedFails() {
    m.commands.put("timedatectl show -p NTPSynchronized --value", "no\n");

    Finding f = new ClockCheck(m.env()).run(defaults).get(0);

    assertThat(f.status()).isEqualTo(Status.FAIL);
    assertThat(f.message()).startsWith("not synchronised (timedatectl)");
    assertThat(f.fix()).contains("timedatectl set-ntp true");
  }

  @Test
  void aClockThatTimedatectlCallsSynchronisedIsOk() {
    m.commands.put("timedatectl show -p NTPSynchronized --value", "yes\n");

    assertThat(new ClockCheck(m.env()).run(defaults).get(0).status()).isEqualTo(Status.OK);
  }

  @Test
  void withoutTimedatectlTheTimesyncdFlagFileCounts() {
    m.write("/run/systemd/timesync/synchronized", "");

    Finding f = new ClockCheck(m.env()).run(defaults).get(0);

    assertThat(f.status()).isEqualTo(Status.OK);
    assertThat(f.message()).contains("systemd-timesyncd");
  }

  @Test
  void adjtimexUnsyncBitMeansNotSynchronised() {
    m.commands.put("adjtimex --print", "         mode: 0\n       status: 64\n");

    Finding f = new ClockCheck(m.env()).run(defaults).get(0);

    assertThat(f.status()).isEqualTo(Status.FAIL);
    assertThat(f.message()).startsWith("not synchronised (adjtimex)");
  }

  @Test
  void adjtimexWithoutTheUnsyncBitIsOk() {
    m.commands.put("adjtimex --print", "         mode: 0\n       status: 8193\n");

    assertThat(new ClockCheck(m.env()).run(defaults).get(0).status()).isEqualTo(Status.OK);
  }

  @Test
  void noWayToTellTheClockStateIsAWarning() {
    Finding f = new ClockCheck(m.env()).run(defaults).get(0);

    assertThat(f.status()).isEqualTo(Status.WARN);
    assertThat(f.fix()).contains("systemd-timesyncd");
  }

  @Test
  void aClockInThePastFailsEvenBeforeAskingNtp() {
    m.now = Instant.parse("1970-01-01T00:01:00Z");
    m.commands.put("timedatectl show -p NTPSynchronized --value", "yes\n");

    Finding f = new ClockCheck(m.env()).run(defaults).get(0);

    assertThat(f.status()).isEqualTo(Status.FAIL);
    assertThat(f.message()).contains("1970-01-01T00:01:00Z").contains("in the past");
  }

  @Test
  void lessThan50MbFreeFails() throws Exception {
    Files.createDirectories(data);
    m.usableBytes = 40L * 1024 * 1024;

    Finding f = new DiskCheck(m.env()).run(defaults).get(0);

    assertThat(f.status()).isEqualTo(Status.FAIL);
    assertThat(f.message()).startsWith("40 MB free in " + data + ":");
  }

  @Test
  void lessThan500MbFreeWarns() throws Exception {
    Files.createDirectories(data);
    m.usableBytes = 400L * 1024 * 1024;

    Finding f = new DiskCheck(m.env()).run(defaults).get(0);

    assertThat(f.status()).isEqualTo(Status.WARN);
    assertThat(f.message()).isEqualTo("400 MB free in " + data + " (below 500 MB)");
  }

  @Test
  void plentyOfSpaceIsOkAndAMissingDataDirIsMeasuredOnItsParent() throws Exception {

    Finding f = new DiskCheck(m.env()).run(defaults).get(0);

    assertThat(f.status()).isEqualTo(Status.OK);
    assertThat(f.message())
        .isEqualTo("10.0 GB free in " + data + " (not created yet; measured on its parent)");
  }

  @Test
  void unknownFreeSpaceIsAWarning() throws Exception {
    Files.createDirectories(data);
    m.usableBytes = -1;

    assertThat(new DiskCheck(m.env()).run(defaults).get(0).status()).isEqualTo(Status.WARN);
  }

  @Test
  void sdWritesAreReportedPerHourFromTwoDiskstatsSamples() {
    String line = "   8       0 mmcblk0 100 0 2000 50 %d 0 %d 70 0 80 120\n";
    String part = " 179       1 mmcblk0p1 1 0 2 0 1 0 999999 0 0 0 0\n";
    m.write("/proc/diskstats", String.format(line, 10, 1000) + part);
    // 3 s later: 2048 more sectors = 1 MiB in 3 s = 1200 MiB/h; the partition is not counted twice
    m.onSleep = () -> m.write("/proc/diskstats", String.format(line, 20, 3048) + part);

    Finding f = new SdWriteCheck(m.env()).run(defaults).get(0);

    assertThat(f.status()).isEqualTo(Status.OK);
    assertThat(f.message())
        .startsWith("written: mmcblk0 1.2 GB/h (whole machine, measured over 3.0 s");
  }

  @Test
  void withoutProcDiskstatsTheSdCheckOnlyWarns() {
    Finding f = new SdWriteCheck(m.env()).run(defaults).get(0);

    assertThat(f.status()).isEqualTo(Status.WARN);
    assertThat(f.message()).startsWith("cannot read /proc/diskstats");
  }

  @Test
  void aMachineWithoutDisksSaysSo() {
    m.write("/proc/diskstats", "   7       0 loop0 1 0 2 0 0 0 0 0 0 0 0\n");

    assertThat(new SdWriteCheck(m.env()).run(defaults))
        .extracting(Finding::message)
        .isEqualTo(List.of("no SD card or disk listed in /proc/diskstats"));
  }
}
