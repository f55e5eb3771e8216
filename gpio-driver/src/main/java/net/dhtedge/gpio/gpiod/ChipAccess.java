package net.dhtedge.gpio.gpiod;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Checks that a GPIO character device exists and may be opened, before any native code runs, so the
 * user gets one clear line instead of "c_gpiod_chip_open failed!".
 */
public final class ChipAccess {
  private ChipAccess() {}

  /**
   * @param devDir normally {@code /dev}
   * @param chip a chip name such as {@code gpiochip0}, or blank for "any chip" (auto)
   * @throws GpioAccessException with the one-line explanation
   */
  public static void check(Path devDir, String chip) throws GpioAccessException {
    if (chip == null || chip.isBlank()) {
      try (DirectoryStream<Path> chips = Files.newDirectoryStream(devDir, "gpiochip*")) {
        for (Path p : chips) {
          checkOne(p);
          return;
        }
      } catch (IOException e) {
        throw new GpioAccessException("cannot list " + devDir + ": " + e.getMessage(), e);
      }
      throw new GpioAccessException(
          "no "
              + devDir
              + "/gpiochip* found — is this a Raspberry Pi with a GPIO character device?");
    }
    checkOne(devDir.resolve(chip));
  }

  private static void checkOne(Path dev) throws GpioAccessException {
    if (!Files.exists(dev)) {
      throw new GpioAccessException(
          "cannot open "
              + dev
              + ": no such device — check --chip (Pi 4: gpiochip0; Pi 5: gpiochip0 on current"
              + " kernels, gpiochip4 on older ones; `gpiodetect` lists them)");
    }
    if (!Files.isReadable(dev) || !Files.isWritable(dev)) {
      throw new GpioAccessException(
          "cannot open "
              + dev
              + ": permission denied — add the user to group gpio (sudo usermod -aG gpio $USER,"
              + " then log in again)");
    }
  }
}
