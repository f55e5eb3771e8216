package net.dhtedge.agent.mqtt;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class MqttOptionsTest {

  @Test
  void theDefaultsAreThoseOfTheContract() {
    MqttOptions o = MqttOptions.builder().serverUri("tcp://localhost:1883").build();
    assertThat(o.serverUris()).containsExactly("tcp://localhost:1883");
    assertThat(o.clientId()).startsWith("edge-agent-");
    assertThat(o.topicPrefix()).isEqualTo("dht11");
    assertThat(o.readingQos()).isEqualTo(1);
    assertThat(o.cleanSession()).isFalse();
    assertThat(o.reconnectMin()).isEqualTo(Duration.ofSeconds(1));
    assertThat(o.reconnectMax()).isEqualTo(Duration.ofSeconds(8));
    assertThat(o.drainRatePerSecond()).isEqualTo(500);
    assertThat(o.subscribe()).isTrue();
    assertThat(o.defaultDevice()).isEqualTo("default");
    assertThat(o.username()).isNull();
    assertThat(o.password()).isNull();
    assertThat(o.topics().sensorData()).isEqualTo("dht11/sensor/data");
  }

  @Test
  void thePasswordIsNeverInToStringAndIsCopied() {
    char[] pw = "s3cret-pw".toCharArray();
    MqttOptions o =
        MqttOptions.builder().serverUri("tcp://h:1883").username("agent").password(pw).build();
    pw[0] = 'X';
    assertThat(o.toString()).doesNotContain("s3cret").contains("password=***");
    assertThat(o.password().reveal()).isEqualTo("s3cret-pw");
    assertThat(o.password()).hasToString("***");
  }

  @Test
  void badValuesAreRefusedWithAMessageNamingTheSetting() {
    assertThatThrownBy(() -> MqttOptions.builder().build()).hasMessageContaining("server URI");
    assertThatThrownBy(() -> MqttOptions.builder().serverUri("http://h").build())
        .hasMessageContaining("tcp://");
    assertThatThrownBy(() -> MqttOptions.builder().serverUri("tcp://h:1").readingQos(2).build())
        .hasMessageContaining("QoS");
    assertThatThrownBy(
            () ->
                MqttOptions.builder()
                    .serverUri("tcp://h:1")
                    .reconnect(Duration.ofSeconds(10), Duration.ofSeconds(1))
                    .build())
        .hasMessageContaining("reconnect max");
    assertThatThrownBy(
            () -> MqttOptions.builder().serverUri("tcp://h:1").topicPrefix("a/#").build())
        .hasMessageContaining("wildcards");
    assertThatThrownBy(
            () -> MqttOptions.builder().serverUri("tcp://h:1").defaultDevice("a b").build())
        .hasMessageContaining("default device");
    assertThatThrownBy(
            () -> MqttOptions.builder().serverUri("tcp://h:1").password("x".toCharArray()).build())
        .hasMessageContaining("needs a username");
    assertThatThrownBy(() -> MqttOptions.builder().serverUri("tcp://h:1").inflightWindow(0).build())
        .hasMessageContaining("in-flight");
    assertThatThrownBy(
            () -> MqttOptions.builder().serverUri("tcp://h:1").drainRatePerSecond(0).build())
        .hasMessageContaining("drain rate");
  }

  @Test
  void severalServerUrisAndLocalDevicesAreKept() {
    MqttOptions o =
        MqttOptions.builder()
            .serverUris(List.of("tcp://a:1883", "ssl://b:8883", "ws://c:9001/mqtt"))
            .localDeviceIds(Set.of("pi-kitchen"))
            .build();
    assertThat(o.serverUris()).hasSize(3);
    assertThat(o.localDeviceIds()).containsExactly("pi-kitchen");
  }
}
