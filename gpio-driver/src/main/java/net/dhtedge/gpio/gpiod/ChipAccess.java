package net.dhtedge.gpio.gpiod;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.AccessDeniedException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.util.Set;

/**
 * Checks that a GPIO character device exists and may be opened, before any native code runs, so the
 * user gets one clear line instead of "c_gpiod_chip_open failed!".
 *
 * <p>It really opens the device (read-write, as libgpiod does) and closes it again: the permission
 * bits alone do not say whether a service may open it, because systemd's {@code DevicePolicy=} is
 * enforced by the cgroup, which answers EPERM where the mode would allow it. The three ways an open
 * is refused on a Pi each get their own fix:
 *
 * <ul>
 *   <li>EPERM: the service's device policy ({@code DeviceAllow=char-gpiochip rw} missing);
 *   <li>EACCES on a device only its owner may open ({@code root:root 0600}, plain Debian without
 *       Raspberry Pi OS's udev rule): a udev rule giving it to group {@code gpio};
 *   <li>EACCES on a group-accessible device: the user is not in that group.
 * </ul>
 */
public final class ChipAccess {
  /** The udev rule Raspberry Pi OS ships for the GPIO character devices, for the fix text. */
  public static final String UDEV_RULE =
      "SUBSYSTEM==\"gpio\", KERNEL==\"gpiochip*\", GROUP=\"gpio\", MODE=\"0660\"";

  /** Opens a device read-write and closes it: the seam tests replace (hardware edge). */
  @FunctionalInterface
  public interface Opener {
    void openAndClose(Path device) throws IOException;
  }

  /** The real open(2), as libgpiod's gpiod_chip_open does it. */
  public static final Opener DEVICE =
      dev -> {
        try (FileChannel c =
            FileChannel.open(dev, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
          // opened: nothing to do, closing is the point
        }
      };

  private ChipAccess() {}

  /**
   * @param devDir normally {@code /dev}
   * @param chip a chip name such as {@code gpiochip0}, or blank for "any chip" (auto)
   * @throws GpioAccessException with the one-line explanation
   */
  public static void check(Path devDir, String chip) throws GpioAccessException {
    check(devDir, chip, DEVICE);
  }

  /** {@link #check(Path, String)} with another way to open the device (tests). */
  public static void check(Path devDir, String chip, Opener opener) throws GpioAccessException {
    if (chip == null || chip.isBlank()) {
      try (DirectoryStream<Path> chips = Files.newDirectoryStream(devDir, "gpiochip*")) {
        for (Path p : chips) {
          checkOne(p, opener);
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
    checkOne(devDir.resolve(chip), opener);
  }

  private static void checkOne(Path dev, Opener opener) throws GpioAccessException {
    if (!Files.exists(dev)) {
      throw new GpioAccessException(
          "cannot open "
              + dev
              + ": no such device — check --chip (Pi 4: gpiochip0; Pi 5: gpiochip0 on current"
              + " kernels, gpiochip4 on older ones; `gpiodetect` lists them)");
    }
    try {
      opener.openAndClose(dev);
    } catch (AccessDeniedException e) {
      throw new GpioAccessException(permissionDenied(dev), e);
    } catch (FileSystemException e) {
      if ("Operation not permitted".equals(e.getReason())) {
        throw new GpioAccessException(
            "cannot open "
                + dev
                + ": operation not permitted although its mode allows it: a device policy blocks"
                + " it — the systemd unit needs DevicePolicy=closed with DeviceAllow=char-gpiochip"
                + " rw (check `systemctl cat edge-agent`; drop-ins that set DeviceAllow= or"
                + " PrivateDevices=yes remove it)",
            e);
      }
      throw new GpioAccessException("cannot open " + dev + ": " + reason(e), e);
    } catch (IOException e) {
      throw new GpioAccessException("cannot open " + dev + ": " + reason(e), e);
    }
  }

  private static String permissionDenied(Path dev) {
    PosixFileAttributes a;
    try {
      a = Files.readAttributes(dev, PosixFileAttributes.class);
    } catch (IOException | UnsupportedOperationException e) {
      return "cannot open "
          + dev
          + ": permission denied — add the user to group gpio (sudo usermod -aG gpio $USER,"
          + " then log in again)";
    }
    return "cannot open "
        + dev
        + ": permission denied — "
        + fixFor(a.owner().getName(), a.group().getName(), a.permissions());
  }

  /**
   * What to do about a device this user may not open, from its owner, group and mode: a device its
   * group may not open needs the udev rule (plain Debian), otherwise the user needs the group.
   */
  public static String fixFor(String owner, String group, Set<PosixFilePermission> mode) {
    String is = "it is " + owner + ":" + group + " " + octal(mode);
    if (!mode.contains(PosixFilePermission.GROUP_READ)
        || !mode.contains(PosixFilePermission.GROUP_WRITE)) {
      return is
          + ", which group "
          + group
          + " may not open (plain Debian has no udev rule for GPIO chips; Raspberry Pi OS has):"
          + " add the rule "
          + UDEV_RULE
          + " as /etc/udev/rules.d/60-gpiochip.rules, run `sudo udevadm trigger"
          + " --subsystem-match=gpio`, and add the user to group gpio (sudo usermod -aG gpio"
          + " $USER, then log in again; the service has it)";
    }
    return is
        + ": add the user to group "
        + group
        + " (sudo usermod -aG "
        + group
        + " $USER, then log in again; the service gets gpio from SupplementaryGroups=)";
  }

  static String octal(Set<PosixFilePermission> p) {
    int m = 0;
    for (PosixFilePermission x : p) {
      m |= 1 << (8 - x.ordinal());
    }
    return String.format("%04o", m);
  }

  private static String reason(IOException e) {
    return e instanceof FileSystemException f && f.getReason() != null
        ? f.getReason()
        : String.valueOf(e.getMessage());
  }
}
