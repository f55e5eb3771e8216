package net.dhtedge.gpio.loop;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import net.dhtedge.gpio.DhtModel;
import org.junit.jupiter.api.Test;

class SensorOptionsTest {
  @Test
  void defaultsAreTwoSecondsNoFilterAndTheDht11Device() {
    SensorOptions o = SensorOptions.builder("a", DhtModel.DHT11, BackendKind.IIO).build();
    assertThat(o.interval()).isEqualTo(Duration.ofSeconds(2));
    assertThat(o.spikeFilter()).isFalse();
    assertThat(o.iioDevice()).isEqualTo("dht11");
    assertThat(o.chip()).isEmpty();
  }

  @Test
  void anIntervalShorterThanTheModelAllowsIsRefused() {
    assertThatThrownBy(
            () ->
                SensorOptions.builder("a", DhtModel.DHT22, BackendKind.SIM)
                    .interval(Duration.ofMillis(1500))
                    .build())
        .hasMessageContaining("shorter than the dht22 minimum of 2000 ms");
    assertThat(
            SensorOptions.builder("a", DhtModel.DHT11, BackendKind.SIM)
                .interval(Duration.ofSeconds(1))
                .build()
                .interval())
        .isEqualTo(Duration.ofSeconds(1));
  }

  @Test
  void iioIsNeverPolledFasterThanTheKernelsTwoSecondCache() {
    assertThatThrownBy(
            () ->
                SensorOptions.builder("a", DhtModel.DHT11, BackendKind.IIO)
                    .interval(Duration.ofSeconds(1))
                    .build())
        .hasMessageContaining("caches a frame for 2 s");
  }

  @Test
  void badIdsChipsAndPinsAreRefused() {
    assertThatThrownBy(() -> SensorOptions.builder("a b", DhtModel.DHT11, BackendKind.SIM).build())
        .hasMessageContaining("sensor id");
    assertThatThrownBy(
            () ->
                SensorOptions.builder("a", DhtModel.DHT11, BackendKind.GPIOD)
                    .chip("/dev/x")
                    .build())
        .hasMessageContaining("gpiochip0");
    assertThatThrownBy(
            () -> SensorOptions.builder("a", DhtModel.DHT11, BackendKind.GPIOD).pin(-1).build())
        .hasMessageContaining("pin");
  }
}
