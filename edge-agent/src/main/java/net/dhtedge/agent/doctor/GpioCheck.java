package net.dhtedge.agent.doctor;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import net.dhtedge.agent.config.AgentConfig;
import net.dhtedge.agent.config.SensorConfig;
import net.dhtedge.gpio.gpiod.ChipAccess;
import net.dhtedge.gpio.gpiod.GpioAccessException;

/**
 * For each {@code gpiod} sensor: the chip exists and this user may open it ({@link ChipAccess}'s
 * one-line reasons), and no other program holds the line (read from {@code /sys/kernel/debug/gpio},
 * which needs root; without it the line is not checked and the report says so). Nothing is
 * requested from the kernel: the running agent may hold the line right now.
 */
public final class GpioCheck extends Check {

  private static final Pattern CHIP_HEADER =
      Pattern.compile("^(gpiochip\\d+): GPIOs (\\d+)-(\\d+)(.*)$");

  /**
   * A line of the table. gpiolib's own format names the line and its consumer, {@code gpio-516
   * (GPIO4 |dht11@4 ) in hi IRQ}, and lists unrequested lines by name only; drivers with their own
   * format, such as gpio-sim, print the consumer alone and {@code <unused>} for a free line: {@code
   * gpio-516 (gpiomon) input,pull-up}.
   */
  private static final Pattern LINE = Pattern.compile("^\\s*gpio-(\\d+)\\s+\\(([^)]*)\\)\\s*(.*)$");

  /** The group the unit gives the service for the GPIO chips (SupplementaryGroups=gpio). */
  static final String SERVICE_GROUP = "gpio";

  private static final String NAME = "gpio";

  /** gpio-sim's line state after the parenthesis ("input,pull-up"); gpiolib prints "in hi". */
  private static final Pattern SIM_STATE = Pattern.compile("(input|output)(,|\\s|$)");

  public GpioCheck(DoctorEnv env) {
    super(NAME, env);
  }

  @Override
  public List<Finding> run(AgentConfig config) {
    List<SensorConfig> gpiod =
        config.sensors().stream().filter(s -> s.backend() == SensorConfig.Backend.GPIOD).toList();
    Path dev = env.path("/dev");
    if (gpiod.isEmpty()) {
      return List.of(Finding.ok(name(), "no gpiod sensor configured; " + chipsSummary(dev)));
    }
    if (listChips(dev).isEmpty()) {
      return List.of(
          Finding.fail(
              name(),
              "no /dev/gpiochip*: not a Raspberry Pi or gpio not enabled",
              "run the agent on the Pi the sensor is wired to; on a Pi, update the kernel"
                  + " (sudo apt full-upgrade) and check `ls /dev/gpiochip*`"));
    }
    List<Finding> out = new ArrayList<>();
    for (SensorConfig s : gpiod) {
      out.add(checkSensor(dev, s));
    }
    return out;
  }

  private Finding checkSensor(Path dev, SensorConfig s) {
    String chip = s.chip().startsWith("/dev/") ? s.chip().substring(5) : s.chip();
    String what = s.id() + ": " + chip + " line " + s.pin();
    try {
      ChipAccess.check(dev, chip);
    } catch (GpioAccessException e) {
      String msg = e.getMessage();
      int dash = msg.indexOf(" — ");
      return dash < 0
          ? Finding.fail(name(), what + ": " + msg, null)
          : Finding.fail(name(), what + ": " + msg.substring(0, dash), msg.substring(dash + 3));
    }
    Optional<Finding> service = serviceAccess(dev.resolve(chip), what);
    if (service.isPresent()) {
      return service.get();
    }
    Path debug = env.path("/sys/kernel/debug/gpio");
    Optional<String> table = readable(debug);
    if (table.isEmpty()) {
      return Finding.ok(
          name(),
          what
              + ": chip opens; whether another program holds the line was not checked"
              + " (needs root: sudo edge-agent doctor)");
    }
    Optional<String> consumer = consumerOf(table.get(), chip, s.pin());
    if (consumer.isPresent()) {
      String c = consumer.get();
      String fix =
          c.contains("dht11")
              ? "remove dtoverlay=dht11 from config.txt (or use backend: iio) and reboot"
              : "stop the program holding it (`gpioinfo "
                  + chip
                  + "` shows it) or pick another pin";
      return Finding.fail(name(), what + " is in use by \"" + c + "\"", fix);
    }
    return Finding.ok(name(), what + ": chip opens and the line is free");
  }

  /**
   * The service's view of a real character device: doctor usually runs as root, who may open any
   * device, but the service runs as user edge-agent with group gpio (the unit's
   * SupplementaryGroups=). Plain Debian leaves /dev/gpiochip* root:root 0600, so the chip opens for
   * root and never for the service. Regular files (a test layout) are not judged.
   */
  private Optional<Finding> serviceAccess(Path device, String what) {
    PosixFileAttributes a;
    try {
      a = Files.readAttributes(device, PosixFileAttributes.class);
    } catch (IOException | UnsupportedOperationException e) {
      return Optional.empty();
    }
    if (!a.isOther()) {
      return Optional.empty();
    }
    return serviceAccess(a.owner().getName(), a.group().getName(), a.permissions(), what);
  }

  /** FAIL when neither group {@code gpio} nor everyone may read and write a device of this mode. */
  static Optional<Finding> serviceAccess(
      String owner, String group, Set<PosixFilePermission> mode, String what) {
    boolean groupRw =
        mode.contains(PosixFilePermission.GROUP_READ)
            && mode.contains(PosixFilePermission.GROUP_WRITE);
    boolean othersRw =
        mode.contains(PosixFilePermission.OTHERS_READ)
            && mode.contains(PosixFilePermission.OTHERS_WRITE);
    if ((SERVICE_GROUP.equals(group) && groupRw) || othersRw) {
      return Optional.empty();
    }
    String fix = ChipAccess.fixFor(owner, group, mode);
    return Optional.of(
        Finding.fail(
            NAME,
            what
                + ": the service (user edge-agent, group "
                + SERVICE_GROUP
                + ") cannot open it: permission denied",
            groupRw
                ? fix
                    + "; or make it group "
                    + SERVICE_GROUP
                    + " with the rule "
                    + ChipAccess.UDEV_RULE
                : fix));
  }

  /**
   * The consumer of a line in {@code /sys/kernel/debug/gpio}, e.g. {@code dht11} or {@code
   * edge-agent}; empty when the line is free or not listed.
   */
  static Optional<String> consumerOf(String table, String chip, int offset) {
    boolean inChip = false;
    int base = 0;
    for (String line : table.split("\n")) {
      Matcher h = CHIP_HEADER.matcher(line);
      if (h.matches()) {
        inChip = h.group(1).equals(chip);
        base = Integer.parseInt(h.group(2));
        continue;
      }
      Matcher m = LINE.matcher(line);
      if (inChip && m.matches() && Integer.parseInt(m.group(1)) - base == offset) {
        String inside = m.group(2);
        int bar = inside.indexOf('|');
        String consumer;
        if (bar >= 0) {
          consumer = inside.substring(bar + 1).strip(); // gpiolib: (name|consumer)
        } else if (SIM_STATE.matcher(m.group(3)).lookingAt()) {
          consumer = inside.strip(); // gpio-sim: (consumer) input,pull-up
          consumer = consumer.equals("<unused>") ? "" : consumer;
        } else {
          consumer = ""; // gpiolib: an unrequested line, by name only
        }
        return consumer.isEmpty() ? Optional.empty() : Optional.of(consumer);
      }
    }
    return Optional.empty();
  }

  private static String chipsSummary(Path dev) {
    List<String> chips = listChips(dev);
    return chips.isEmpty()
        ? "no /dev/gpiochip* (not a Raspberry Pi or gpio not enabled)"
        : "chips: " + String.join(", ", chips);
  }

  static List<String> listChips(Path dev) {
    List<String> chips = new ArrayList<>();
    try (DirectoryStream<Path> ds = Files.newDirectoryStream(dev, "gpiochip*")) {
      ds.forEach(p -> chips.add(p.getFileName().toString()));
    } catch (IOException e) {
      return List.of();
    }
    chips.sort(null);
    return chips;
  }

  private static Optional<String> readable(Path p) {
    try {
      return Optional.of(Files.readString(p));
    } catch (IOException e) {
      return Optional.empty();
    }
  }
}
