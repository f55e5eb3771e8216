package net.dhtedge.gpio.iio;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import net.dhtedge.gpio.DhtBackend;
import net.dhtedge.gpio.DhtModel;
import net.dhtedge.gpio.DhtResult;
import net.dhtedge.gpio.FailureReason;

/**
 * Reads the kernel's dht11 IIO driver ({@code dtoverlay=dht11,gpiopin=N}; it serves DHT22 too):
 * {@code in_temp_input} and {@code in_humidityrelative_input} in milli-units. The device is found
 * by its {@code name} file. The driver caches a frame for about 2 s, so both files read within a
 * read come from the same frame, and reading faster than every 2 s returns the same frame again.
 *
 * <p>The kernel does not expose the frame's bytes: readings from this backend carry an empty {@code
 * bytes} array. Note that the driver rejects (EIO) DHT11 frames with non-zero decimal bytes, which
 * newer DHT11 parts send: use the gpiod backend for those.
 */
public final class IioBackend implements DhtBackend {
  private final Path sysfsRoot;
  private final String deviceName;
  private final DhtModel model;
  private final SysfsReader reader;
  private Path device;

  /**
   * @param sysfsRoot normally {@code /sys}; tests pass a temp dir laid out like it
   * @param deviceName the IIO device's {@code name}, normally {@code dht11}
   * @param model which model's range the values must fall in
   */
  public IioBackend(Path sysfsRoot, String deviceName, DhtModel model, SysfsReader reader) {
    this.sysfsRoot = sysfsRoot;
    this.deviceName = deviceName;
    this.model = model;
    this.reader = reader;
  }

  public IioBackend(DhtModel model) {
    this(Path.of("/sys"), "dht11", model, SysfsReader.FILES);
  }

  @Override
  public DhtResult read() {
    Path dev = device;
    if (dev == null) {
      try {
        dev = find();
      } catch (IOException e) {
        return DhtResult.fail(FailureReason.ACCESS, "cannot list IIO devices: " + e.getMessage());
      }
      if (dev == null) {
        return DhtResult.fail(
            FailureReason.ACCESS,
            "no IIO device named '"
                + deviceName
                + "' under "
                + devicesDir()
                + " — add dtoverlay=dht11,gpiopin=N to /boot/firmware/config.txt and reboot");
      }
      device = dev;
    }
    Path tFile = dev.resolve("in_temp_input");
    Path hFile = dev.resolve("in_humidityrelative_input");
    long milliC;
    long milliRh;
    try {
      milliC = Long.parseLong(reader.read(tFile).strip());
      milliRh = Long.parseLong(reader.read(hFile).strip());
    } catch (IOException e) {
      if (e instanceof java.nio.file.NoSuchFileException) {
        device = null; // the overlay may have been removed: look again next time
      }
      return DhtResult.fail(IioErrors.reasonOf(e), "reading " + dev + ": " + errorText(e));
    } catch (NumberFormatException e) {
      return DhtResult.fail(
          FailureReason.IO, "unexpected content in " + dev + ": " + e.getMessage());
    }
    double t = milliC / 1000.0;
    double rh = milliRh / 1000.0;
    double tMin = model == DhtModel.DHT11 ? -20 : -40;
    double tMax = model == DhtModel.DHT11 ? 60 : 80;
    if (t < tMin || t > tMax || rh < 0 || rh > 100) {
      return DhtResult.fail(
          FailureReason.IMPLAUSIBLE,
          "kernel reported " + t + " degC / " + rh + " %RH, outside the " + model.id() + " range");
    }
    return new DhtResult.Reading(model, new int[0], rh, t);
  }

  private static String errorText(IOException e) {
    String m = e.getMessage();
    return e.getClass().getSimpleName() + (m == null ? "" : " " + m);
  }

  private Path devicesDir() {
    return sysfsRoot.resolve("bus/iio/devices");
  }

  private Path find() throws IOException {
    Path dir = devicesDir();
    if (!Files.isDirectory(dir)) {
      return null;
    }
    try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir, "iio:device*")) {
      Path best = null;
      for (Path p : ds) {
        Path nameFile = p.resolve("name");
        if (Files.isRegularFile(nameFile)
            && reader.read(nameFile).strip().equals(deviceName)
            && (best == null
                || p.getFileName().toString().compareTo(best.getFileName().toString()) < 0)) {
          best = p;
        }
      }
      return best;
    }
  }

  @Override
  public String describe() {
    Path d = device;
    return "iio:" + (d == null ? deviceName : d.getFileName()) + " " + model.id();
  }

  @Override
  public void close() {
    // nothing held between reads
  }
}
