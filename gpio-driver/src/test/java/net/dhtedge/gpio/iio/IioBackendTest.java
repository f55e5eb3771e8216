package net.dhtedge.gpio.iio;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.Path;
import net.dhtedge.gpio.DhtModel;
import net.dhtedge.gpio.DhtResult;
import net.dhtedge.gpio.FailureReason;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class IioBackendTest {
  @TempDir Path sys;
  private Path dht;

  @BeforeEach
  void layOutSysfs() throws IOException {
    Path devices = Files.createDirectories(sys.resolve("bus/iio/devices"));
    Path adc = Files.createDirectories(devices.resolve("iio:device0"));
    Files.writeString(adc.resolve("name"), "mcp3008\n");
    Files.writeString(adc.resolve("in_temp_input"), "99000\n");
    dht = Files.createDirectories(devices.resolve("iio:device1"));
    Files.writeString(dht.resolve("name"), "dht11\n");
    Files.writeString(dht.resolve("in_temp_input"), "23400\n");
    Files.writeString(dht.resolve("in_humidityrelative_input"), "45600\n");
  }

  private IioBackend backend(DhtModel model, SysfsReader reader) {
    return new IioBackend(sys, "dht11", model, reader);
  }

  private static FailureReason reasonOf(DhtResult r) {
    assertThat(r).isInstanceOf(DhtResult.Failure.class);
    return ((DhtResult.Failure) r).reason();
  }

  @Test
  void theDeviceIsFoundByItsNameAndMilliUnitsBecomeDegreesAndPercent() {
    IioBackend b = backend(DhtModel.DHT22, SysfsReader.FILES);
    DhtResult r = b.read();
    assertThat(r).isInstanceOf(DhtResult.Reading.class);
    DhtResult.Reading v = (DhtResult.Reading) r;
    assertThat(v.temperature()).isEqualTo(23.4);
    assertThat(v.humidity()).isEqualTo(45.6);
    assertThat(v.bytes()).as("the kernel does not expose the frame").isEmpty();
    assertThat(b.describe()).isEqualTo("iio:iio:device1 dht22");
  }

  @Test
  void aNegativeTemperatureIsReadAsSuch() throws IOException {
    Files.writeString(dht.resolve("in_temp_input"), "-12300\n");
    DhtResult.Reading v = (DhtResult.Reading) backend(DhtModel.DHT22, SysfsReader.FILES).read();
    assertThat(v.temperature()).isEqualTo(-12.3);
  }

  @Test
  void withoutTheOverlayTheFailureIsAccessAndNamesTheOverlay() throws IOException {
    Files.writeString(dht.resolve("name"), "bme280\n");
    DhtResult r = backend(DhtModel.DHT11, SysfsReader.FILES).read();
    assertThat(reasonOf(r)).isEqualTo(FailureReason.ACCESS);
    assertThat(((DhtResult.Failure) r).detail()).contains("dtoverlay=dht11,gpiopin=");
  }

  @Test
  void aFileThatCannotBeReadIsAnIoFailure() throws IOException {
    Files.delete(dht.resolve("in_temp_input"));
    Files.createDirectory(dht.resolve("in_temp_input")); // read(2) fails with EISDIR
    assertThat(reasonOf(backend(DhtModel.DHT11, SysfsReader.FILES).read()))
        .isEqualTo(FailureReason.IO);
  }

  @Test
  void aMissingAttributeIsAccess() throws IOException {
    Files.delete(dht.resolve("in_humidityrelative_input"));
    assertThat(reasonOf(backend(DhtModel.DHT11, SysfsReader.FILES).read()))
        .isEqualTo(FailureReason.ACCESS);
  }

  @Test
  void kernelErrnosMapToReasons() {
    assertThat(reasonOf(backend(DhtModel.DHT11, failing("Input/output error")).read()))
        .isEqualTo(FailureReason.IO);
    assertThat(reasonOf(backend(DhtModel.DHT11, failing("Connection timed out")).read()))
        .isEqualTo(FailureReason.TIMEOUT);
    SysfsReader denied =
        file -> {
          if (file.getFileName().toString().startsWith("in_")) {
            throw new AccessDeniedException(file.toString());
          }
          return SysfsReader.FILES.read(file);
        };
    assertThat(reasonOf(backend(DhtModel.DHT11, denied).read())).isEqualTo(FailureReason.ACCESS);
  }

  @Test
  void aValueOutsideTheModelsRangeIsImplausibleNotANumber() throws IOException {
    Files.writeString(dht.resolve("in_humidityrelative_input"), "150000\n");
    assertThat(reasonOf(backend(DhtModel.DHT22, SysfsReader.FILES).read()))
        .isEqualTo(FailureReason.IMPLAUSIBLE);
    Files.writeString(dht.resolve("in_humidityrelative_input"), "garbage\n");
    assertThat(reasonOf(backend(DhtModel.DHT22, SysfsReader.FILES).read()))
        .isEqualTo(FailureReason.IO);
  }

  /** A reader whose value files fail like the kernel driver's read(2) with this errno text. */
  private static SysfsReader failing(String errnoText) {
    return file -> {
      if (file.getFileName().toString().equals("in_temp_input")) {
        throw new IOException(errnoText);
      }
      return SysfsReader.FILES.read(file);
    };
  }
}
