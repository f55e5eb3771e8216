package net.dhtedge.gpio.decode;

import static org.assertj.core.api.Assertions.assertThat;

import net.dhtedge.gpio.DhtModel;
import org.junit.jupiter.api.Test;

class DhtValuesTest {

  @Test
  void dht11DecimalsAndTheNegativeBitOfTheTemperatureDecimalAreRead() {
    int[] b = {75, 0, 6, 129, 210};
    assertThat(DhtValues.humidityTenths(DhtModel.DHT11, b)).isEqualTo(750);
    assertThat(DhtValues.temperatureTenths(DhtModel.DHT11, b)).isEqualTo(-61);
    assertThat(DhtValues.implausibility(DhtModel.DHT11, b)).isNull();
    assertThat(DhtValues.tenths(-61)).isEqualTo("-6.1");
  }

  @Test
  void dht22SignMagnitudeTemperatureIsRead() {
    int[] b = {0, 112, 128, 241, 225}; // 11.2 %RH, -24.1 degC
    assertThat(DhtValues.humidityTenths(DhtModel.DHT22, b)).isEqualTo(112);
    assertThat(DhtValues.temperatureTenths(DhtModel.DHT22, b)).isEqualTo(-241);
  }

  @Test
  void valuesADht11CannotSendAreImplausible() {
    assertThat(DhtValues.implausibility(DhtModel.DHT11, new int[] {50, 10, 20, 0, 80}))
        .contains("humidity decimal");
    assertThat(DhtValues.implausibility(DhtModel.DHT11, new int[] {50, 0, 20, 0x8A, 0}))
        .contains("temperature decimal");
    assertThat(DhtValues.implausibility(DhtModel.DHT11, new int[] {101, 0, 20, 0, 121}))
        .contains("above 100");
    assertThat(DhtValues.implausibility(DhtModel.DHT11, new int[] {100, 1, 20, 0, 121}))
        .contains("above 100");
    assertThat(DhtValues.implausibility(DhtModel.DHT11, new int[] {100, 0, 20, 0, 120})).isNull();
  }

  @Test
  void valuesADht22CannotSendAreImplausible() {
    assertThat(DhtValues.implausibility(DhtModel.DHT22, new int[] {3, 233, 0, 200, 0}))
        .contains("above 100"); // 100.1 %
    assertThat(DhtValues.implausibility(DhtModel.DHT22, new int[] {1, 0, 3, 33, 0}))
        .contains("temperature"); // 80.1 degC
    assertThat(DhtValues.implausibility(DhtModel.DHT22, new int[] {1, 0, 0x81, 0x91, 0}))
        .contains("temperature"); // -40.1 degC
    assertThat(DhtValues.implausibility(DhtModel.DHT22, new int[] {3, 232, 0x81, 0x90, 0}))
        .isNull(); // 100.0 %, -40.0 degC
  }

  @Test
  void anAllZeroFrameIsNotAMeasurement() {
    assertThat(DhtValues.implausibility(DhtModel.DHT22, new int[5])).contains("zero");
  }

  @Test
  void theChecksumIsTheLowByteOfTheSum() {
    assertThat(DhtValues.checksumMatches(new int[] {200, 100, 10, 1, 55})).isTrue();
    assertThat(DhtValues.checksumMatches(new int[] {200, 100, 10, 1, 56})).isFalse();
  }

  @Test
  void theAllocationFreePlausibilityCheckAgreesWithTheExplainedOne() {
    java.util.Random r = new java.util.Random(5);
    for (int i = 0; i < 200_000; i++) {
      int[] b = {r.nextInt(256), r.nextInt(256), r.nextInt(256), r.nextInt(256), 0};
      if (r.nextBoolean()) {
        b[0] = r.nextInt(4);
        b[2] &= r.nextBoolean() ? 0x83 : 0x0F;
        b[1] = r.nextInt(10);
      }
      for (DhtModel m : DhtModel.values()) {
        assertThat(DhtValues.plausible(m, b))
            .as("%s %s", m, java.util.Arrays.toString(b))
            .isEqualTo(DhtValues.implausibility(m, b) == null);
      }
    }
  }
}
