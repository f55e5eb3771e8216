package net.dhtedge.gpio.gpiod;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
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
}
