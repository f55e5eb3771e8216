package net.dhtedge.agent.doctor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import net.dhtedge.agent.config.AgentConfig;
import net.dhtedge.gpio.gpiod.ChipAccess;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** GPIO access and the dht11 overlay against temp dirs laid out like /dev, /sys and /boot. */
class GpioChecksTest {

  /** /sys/kernel/debug/gpio of a Pi 4 with the dht11 overlay on GPIO4 (kernel 6.6 format). */
  static final String DEBUG_GPIO_OVERLAY =
      """
      gpiochip0: GPIOs 512-569, parent: platform/fe200000.gpio, pinctrl-bcm2711:
       gpio-512 (ID_SDA              )
       gpio-513 (ID_SCL              )
       gpio-516 (GPIO4               |dht11@4             ) in  hi IRQ
       gpio-517 (GPIO5               )

      gpiochip1: GPIOs 570-577, parent: platform/soc:firmware:gpio, raspberrypi-exp-gpio, can sleep:
       gpio-570 (BT_ON               |shutdown            ) out lo
      """;

  @TempDir Path dir;
  FakeMachine m;

  final AgentConfig gpiod4 =
      FakeMachine.config("sensors:\n  - id: porch\n    model: dht22\n    pin: 4\n");
  final AgentConfig iio = FakeMachine.config("sensors:\n  - id: porch\n    backend: iio\n");
  final AgentConfig none = FakeMachine.config("sensors: []\n");

  @BeforeEach
  void setUp() {
    m = new FakeMachine(dir);
  }

  private static boolean runningAsRoot() {
    return "root".equals(System.getProperty("user.name"));
  }

  @Test
  void aHostWithoutGpioChipsIsNotAPi() {
    Finding f = new GpioCheck(m.env()).run(gpiod4).get(0);

    assertThat(f.status()).isEqualTo(Status.FAIL);
    assertThat(f.message()).isEqualTo("no /dev/gpiochip*: not a Raspberry Pi or gpio not enabled");
  }

  @Test
  void withoutGpiodSensorsMissingChipsAreOnlyMentioned() {
    Finding f = new GpioCheck(m.env()).run(none).get(0);

    assertThat(f.status()).isEqualTo(Status.OK);
    assertThat(f.message())
        .isEqualTo(
            "no gpiod sensor configured; no /dev/gpiochip* (not a Raspberry Pi or gpio not"
                + " enabled)");
  }

  @Test
  void aMissingChipNamesTheChipsOfPi4AndPi5() {
    m.write("/dev/gpiochip4", "");

    Finding f = new GpioCheck(m.env()).run(gpiod4).get(0);

    assertThat(f.status()).isEqualTo(Status.FAIL);
    assertThat(f.message()).endsWith("gpiochip0: no such device");
    assertThat(f.fix()).contains("gpiodetect");
  }

  @Test
  void aChipThisUserMayNotOpenSaysPermissionDeniedWithTheGroupFix() throws Exception {
    assumeFalse(runningAsRoot(), "root may open any file: permission denied cannot be staged");
    Path chip = m.write("/dev/gpiochip0", "");
    Files.setPosixFilePermissions(chip, PosixFilePermissions.fromString("---------"));

    Finding f = new GpioCheck(m.env()).run(gpiod4).get(0);

    assertThat(f.status()).isEqualTo(Status.FAIL);
    assertThat(f.message()).endsWith("gpiochip0: permission denied");
    assertThat(f.fix()).contains("usermod -aG gpio");
  }

  @Test
  void withoutDebugfsTheLineIsNotCheckedAndTheReportSaysSo() {
    m.write("/dev/gpiochip0", "");

    Finding f = new GpioCheck(m.env()).run(gpiod4).get(0);

    assertThat(f.status()).isEqualTo(Status.OK);
    assertThat(f.message()).contains("was not checked (needs root");
  }

  @Test
  void aLineHeldByTheDht11OverlayFailsWithTheOverlayFix() {
    m.write("/dev/gpiochip0", "");
    m.write("/sys/kernel/debug/gpio", DEBUG_GPIO_OVERLAY);

    Finding f = new GpioCheck(m.env()).run(gpiod4).get(0);

    assertThat(f.status()).isEqualTo(Status.FAIL);
    assertThat(f.message()).isEqualTo("porch: gpiochip0 line 4 is in use by \"dht11@4\"");
    assertThat(f.fix()).contains("dtoverlay=dht11");
  }

  @Test
  void aFreeLineIsOk() {
    m.write("/dev/gpiochip0", "");
    m.write("/sys/kernel/debug/gpio", DEBUG_GPIO_OVERLAY.replace("|dht11@4             ", ""));

    Finding f = new GpioCheck(m.env()).run(gpiod4).get(0);

    assertThat(f.status()).isEqualTo(Status.OK);
    assertThat(f.message()).isEqualTo("porch: gpiochip0 line 4: chip opens and the line is free");
  }

  @Test
  void aRootOnlyChipFailsForTheServiceEvenWhenDoctorRunsAsRootWithTheUdevRuleAsFix() {
    Finding f =
        GpioCheck.serviceAccess(
                "root", "root", PosixFilePermissions.fromString("rw-------"), "porch: gpiochip0")
            .orElseThrow();

    assertThat(f.status()).isEqualTo(Status.FAIL);
    assertThat(f.message())
        .isEqualTo(
            "porch: gpiochip0: the service (user edge-agent, group gpio) cannot open it:"
                + " permission denied");
    assertThat(f.fix()).startsWith("it is root:root 0600").contains(ChipAccess.UDEV_RULE);
  }

  @Test
  void aChipOfGroupGpioOrOpenToAllIsFineForTheService() {
    assertThat(
            GpioCheck.serviceAccess(
                "root", "gpio", PosixFilePermissions.fromString("rw-rw----"), "porch: gpiochip0"))
        .isEmpty();
    assertThat(
            GpioCheck.serviceAccess(
                "root", "root", PosixFilePermissions.fromString("rw-rw-rw-"), "porch: gpiochip0"))
        .isEmpty();
    assertThat(
            GpioCheck.serviceAccess(
                "root", "dialout", PosixFilePermissions.fromString("rw-rw----"), "x"))
        .hasValueSatisfying(f -> assertThat(f.fix()).contains("GROUP=\"gpio\""));
  }

  /** gpio-sim's own table (kernel 6.12), as the arm64 VM test saw it with gpiomon on line 4. */
  static final String DEBUG_GPIO_SIM =
      """
      gpiochip0: GPIOs 512-569, parent: platform/gpio-sim.0, pinctrl-bcm2711, can sleep:
       gpio-512 (<unused>) input,pull-down
       gpio-515 (<unused>) input,pull-down
       gpio-516 (gpiomon) input,pull-up
       gpio-517 (<unused>) input,pull-down
       gpio-518 (dht-edge) output,pull-down
      """;

  @Test
  void gpioSimsTableNamesTheHolderAndUnusedLinesAreFree() {
    assertThat(GpioCheck.consumerOf(DEBUG_GPIO_SIM, "gpiochip0", 4)).contains("gpiomon");
    assertThat(GpioCheck.consumerOf(DEBUG_GPIO_SIM, "gpiochip0", 6)).contains("dht-edge");
    assertThat(GpioCheck.consumerOf(DEBUG_GPIO_SIM, "gpiochip0", 3)).isEmpty();
    assertThat(GpioCheck.consumerOf(DEBUG_GPIO_SIM, "gpiochip0", 5)).isEmpty();
  }

  @Test
  void aLineHeldOnGpioSimFailsNamingTheProgram() {
    m.write("/dev/gpiochip0", "");
    m.write("/sys/kernel/debug/gpio", DEBUG_GPIO_SIM);

    Finding f = new GpioCheck(m.env()).run(gpiod4).get(0);

    assertThat(f.status()).isEqualTo(Status.FAIL);
    assertThat(f.message()).isEqualTo("porch: gpiochip0 line 4 is in use by \"gpiomon\"");
    assertThat(f.fix()).contains("gpioinfo gpiochip0");
  }

  @Test
  void consumersAreFoundOnTheRightChipByOffset() {
    assertThat(GpioCheck.consumerOf(DEBUG_GPIO_OVERLAY, "gpiochip0", 4)).contains("dht11@4");
    assertThat(GpioCheck.consumerOf(DEBUG_GPIO_OVERLAY, "gpiochip0", 5)).isEmpty();
    assertThat(GpioCheck.consumerOf(DEBUG_GPIO_OVERLAY, "gpiochip1", 0)).contains("shutdown");
    assertThat(GpioCheck.consumerOf(DEBUG_GPIO_OVERLAY, "gpiochip1", 4)).isEmpty();
  }

  @Test
  void anIioSensorWithoutTheOverlayFailsWithTheConfigTxtLine() throws Exception {
    Files.createDirectories(dir.resolve("boot/firmware"));

    Finding f = new OverlayCheck(m.env()).run(iio).get(0);

    assertThat(f.status()).isEqualTo(Status.FAIL);
    assertThat(f.fix())
        .isEqualTo(
            "add dtoverlay=dht11,gpiopin=4 to /boot/firmware/config.txt and reboot, or use"
                + " backend: gpiod");
  }

  @Test
  void anOverlayWrittenButNotLoadedAsksForAReboot() {
    m.write("/boot/config.txt", "[all]\ndtoverlay=dht11,gpiopin=17\n");

    Finding f = new OverlayCheck(m.env()).run(iio).get(0);

    assertThat(f.status()).isEqualTo(Status.FAIL);
    assertThat(f.message())
        .isEqualTo("dtoverlay=dht11 is in /boot/config.txt but no dht11 IIO device exists");
    assertThat(f.fix()).startsWith("reboot");
  }

  @Test
  void aLoadedOverlayServesTheIioSensor() {
    m.write("/boot/firmware/config.txt", "dtoverlay=dht11,gpiopin=17\n");
    m.write("/sys/bus/iio/devices/iio:device0/name", "dht11\n");
    m.write("/sys/bus/iio/devices/iio:device1/name", "mcp3008\n");

    Finding f = new OverlayCheck(m.env()).run(iio).get(0);

    assertThat(f.status()).isEqualTo(Status.OK);
    assertThat(f.message())
        .isEqualTo("dht11 IIO device: iio:device0 (/boot/firmware/config.txt: gpiopin=17)");
  }

  @Test
  void theOverlayOnTheGpiodSensorsPinIsAConflict() {
    m.write("/boot/firmware/config.txt", "# sensor\ndtoverlay=dht11\n");

    List<Finding> f = new OverlayCheck(m.env()).run(gpiod4);

    assertThat(f).hasSize(1);
    assertThat(f.get(0).status()).isEqualTo(Status.FAIL);
    assertThat(f.get(0).message())
        .isEqualTo("porch: the dht11 overlay holds GPIO4, which the gpiod backend needs");
  }

  @Test
  void theOverlayOnAnotherPinDoesNotDisturbAGpiodSensor() {
    m.write("/boot/firmware/config.txt", "dtoverlay=dht11,gpiopin=17\n");

    Finding f = new OverlayCheck(m.env()).run(gpiod4).get(0);

    assertThat(f.status()).isEqualTo(Status.OK);
    assertThat(f.message()).isEqualTo("enabled but not used by any sensor");
  }

  @Test
  void aCommentedOverlayLineDoesNotCount() {
    m.write("/boot/firmware/config.txt", "#dtoverlay=dht11,gpiopin=4\n");

    Finding f = new OverlayCheck(m.env()).run(gpiod4).get(0);

    assertThat(f.status()).isEqualTo(Status.OK);
    assertThat(f.message()).isEqualTo("not used (no iio sensor, overlay not enabled)");
  }
}
