package net.dhtedge.agent.doctor;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import net.dhtedge.agent.config.AgentConfig;
import net.dhtedge.agent.config.SensorConfig;

/**
 * The kernel's dht11 overlay: loaded ({@code /sys/bus/iio/devices/*}{@code /name} is {@code dht11})
 * and written in {@code /boot/firmware/config.txt} (older systems: {@code /boot/config.txt}). An
 * {@code iio} sensor needs it; a {@code gpiod} sensor on the overlay's pin cannot work with it.
 */
public final class OverlayCheck extends Check {

  private static final Pattern OVERLAY =
      Pattern.compile("^\\s*dtoverlay\\s*=\\s*dht11\\b(.*)$", Pattern.MULTILINE);
  private static final Pattern GPIOPIN = Pattern.compile("gpiopin\\s*=\\s*(\\d+)");
  private static final int DEFAULT_OVERLAY_PIN = 4;

  public OverlayCheck(DoctorEnv env) {
    super("dht11-overlay", env);
  }

  /** Where the overlay line was found and its pin. */
  record OverlayLine(Path file, int pin) {}

  @Override
  public List<Finding> run(AgentConfig config) {
    List<String> devices = iioDht11Devices();
    Optional<OverlayLine> line = overlayLine();
    boolean wantsIio =
        config.sensors().stream().anyMatch(s -> s.backend() == SensorConfig.Backend.IIO);
    List<Finding> out = new ArrayList<>();
    if (wantsIio) {
      if (!devices.isEmpty()) {
        out.add(
            Finding.ok(
                name(),
                "dht11 IIO device: "
                    + String.join(", ", devices)
                    + line.map(l -> " (" + l.file() + ": gpiopin=" + l.pin() + ")").orElse("")));
      } else if (line.isPresent()) {
        out.add(
            Finding.fail(
                name(),
                "dtoverlay=dht11 is in " + line.get().file() + " but no dht11 IIO device exists",
                "reboot; if it persists, check the wiring and `dmesg | grep -i dht`"));
      } else {
        out.add(
            Finding.fail(
                name(),
                "an iio sensor is configured but the dht11 overlay is not enabled",
                "add dtoverlay=dht11,gpiopin=4 to "
                    + configTxtName()
                    + " and reboot, or use backend: gpiod"));
      }
    }
    for (SensorConfig s : config.sensors()) {
      if (s.backend() == SensorConfig.Backend.GPIOD
          && s.pin() != null
          && ((line.isPresent() && line.get().pin() == s.pin())
              || (line.isEmpty() && !devices.isEmpty() && s.pin() == DEFAULT_OVERLAY_PIN))) {
        out.add(
            Finding.fail(
                name(),
                s.id()
                    + ": the dht11 overlay holds GPIO"
                    + s.pin()
                    + ", which the gpiod backend needs",
                "remove the dtoverlay=dht11 line from "
                    + line.map(l -> l.file().toString()).orElse(configTxtName())
                    + " and reboot, or set backend: iio for this sensor"));
      }
    }
    if (out.isEmpty()) {
      out.add(
          Finding.ok(
              name(),
              devices.isEmpty() && line.isEmpty()
                  ? "not used (no iio sensor, overlay not enabled)"
                  : "enabled but not used by any sensor"));
    }
    return out;
  }

  private List<String> iioDht11Devices() {
    List<String> found = new ArrayList<>();
    Path dir = env.path("/sys/bus/iio/devices");
    if (!Files.isDirectory(dir)) {
      return found;
    }
    try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir)) {
      for (Path d : ds) {
        try {
          if (Files.readString(d.resolve("name")).strip().equals("dht11")) {
            found.add(d.getFileName().toString());
          }
        } catch (IOException e) {
          // not every IIO device has a readable name; it is not ours then
        }
      }
    } catch (IOException e) {
      return found;
    }
    found.sort(null);
    return found;
  }

  private Optional<OverlayLine> overlayLine() {
    for (String name : List.of("/boot/firmware/config.txt", "/boot/config.txt")) {
      Path f = env.path(name);
      try {
        Matcher m = OVERLAY.matcher(Files.readString(f));
        if (m.find()) {
          Matcher pin = GPIOPIN.matcher(m.group(1));
          OptionalInt p =
              pin.find() ? OptionalInt.of(Integer.parseInt(pin.group(1))) : OptionalInt.empty();
          return Optional.of(new OverlayLine(Path.of(name), p.orElse(DEFAULT_OVERLAY_PIN)));
        }
      } catch (IOException e) {
        // no such file on this system: try the next place
      }
    }
    return Optional.empty();
  }

  private String configTxtName() {
    return Files.isDirectory(env.path("/boot/firmware"))
        ? "/boot/firmware/config.txt"
        : "/boot/config.txt";
  }
}
