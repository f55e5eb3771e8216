package net.dhtedge.gpio.gpiod;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ChipAccessTest {
  @TempDir Path dev;

  @Test
  void aMissingChipIsOneLineNamingTheDeviceAndThePiChips() {
    assertThatThrownBy(() -> ChipAccess.check(dev, "gpiochip4"))
        .isInstanceOf(GpioAccessException.class)
        .hasMessageStartingWith("cannot open " + dev.resolve("gpiochip4") + ": no such device")
        .hasMessageContaining("Pi 5")
        .hasMessageNotContaining("\n");
  }

  @Test
  void autoWithNoChipAtAllSaysSo() {
    assertThatThrownBy(() -> ChipAccess.check(dev, ""))
        .isInstanceOf(GpioAccessException.class)
        .hasMessageContaining("gpiochip* found");
  }

  @Test
  void anExistingAccessibleChipPasses() throws Exception {
    Files.createFile(dev.resolve("gpiochip0"));
    assertThatCode(() -> ChipAccess.check(dev, "gpiochip0")).doesNotThrowAnyException();
    assertThatCode(() -> ChipAccess.check(dev, " ")).doesNotThrowAnyException();
  }

  @Test
  void aChipTheServicesDevicePolicyBlocksNamesDeviceAllowNotThePermissions() throws Exception {
    Path chip = Files.createFile(dev.resolve("gpiochip0"));
    ChipAccess.Opener cgroupSaysNo =
        d -> {
          throw new FileSystemException(d.toString(), null, "Operation not permitted");
        };
    assertThatThrownBy(() -> ChipAccess.check(dev, "gpiochip0", cgroupSaysNo))
        .isInstanceOf(GpioAccessException.class)
        .hasMessageStartingWith("cannot open " + chip + ": operation not permitted")
        .hasMessageContaining("DeviceAllow=char-gpiochip rw")
        .hasMessageNotContaining("usermod")
        .hasMessageNotContaining("\n");
  }

  @Test
  void aRootOnlyChipAsOnPlainDebianNamesTheUdevRuleAndTheMode() throws Exception {
    Path chip = Files.createFile(dev.resolve("gpiochip0"));
    Files.setPosixFilePermissions(chip, PosixFilePermissions.fromString("rw-------"));
    ChipAccess.Opener eacces =
        d -> {
          throw new AccessDeniedException(d.toString());
        };
    assertThatThrownBy(() -> ChipAccess.check(dev, "gpiochip0", eacces))
        .isInstanceOf(GpioAccessException.class)
        .hasMessageStartingWith("cannot open " + chip + ": permission denied — it is ")
        .hasMessageContaining(" 0600, which group ")
        .hasMessageContaining("usermod -aG gpio")
        .hasMessageContaining(ChipAccess.UDEV_RULE)
        .hasMessageContaining("udevadm trigger")
        .hasMessageNotContaining("\n");
  }

  @Test
  void aGroupChipTheUserIsNotInNamesThatGroup() throws Exception {
    Path chip = Files.createFile(dev.resolve("gpiochip0"));
    Files.setPosixFilePermissions(chip, PosixFilePermissions.fromString("rw-rw----"));
    String group =
        Files.readAttributes(chip, java.nio.file.attribute.PosixFileAttributes.class)
            .group()
            .getName();
    ChipAccess.Opener eacces =
        d -> {
          throw new AccessDeniedException(d.toString());
        };
    assertThatThrownBy(() -> ChipAccess.check(dev, "gpiochip0", eacces))
        .isInstanceOf(GpioAccessException.class)
        .hasMessageContaining(" 0660: add the user to group " + group)
        .hasMessageNotContaining("udev");
  }

  @Test
  void theRealOpenIsTriedSoAnUnopenableChipFailsEvenWhenItExists() throws Exception {
    Files.createDirectory(dev.resolve("gpiochip0")); // exists, but open(O_RDWR) gives EISDIR
    assertThatThrownBy(() -> ChipAccess.check(dev, "gpiochip0"))
        .isInstanceOf(GpioAccessException.class)
        .hasMessageStartingWith("cannot open " + dev.resolve("gpiochip0") + ": ");
  }
}
