package net.dhtedge.agent.contract;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class TopicsTest {

  @Test
  void everyTopicHangsOffThePrefix() {
    Topics t = new Topics("dht11");
    assertThat(t.sensorData()).isEqualTo("dht11/sensor/data");
    assertThat(t.incidents()).isEqualTo("dht11/incidents");
    assertThat(t.alerts()).isEqualTo("dht11/alerts");
    assertThat(t.status()).isEqualTo("dht11/status");
    assertThat(t.deviceStatus("pi-kitchen")).isEqualTo("dht11/status/pi-kitchen");
    assertThat(t.deviceStatusFilter()).isEqualTo("dht11/status/+");
    assertThat(new Topics("site/a").sensorData()).isEqualTo("site/a/sensor/data");
  }

  @Test
  void wildcardsAndStraySlashesInThePrefixAreRefused() {
    for (String bad : new String[] {"", "/dht11", "dht11/", "a//b", "a/+", "a/#"}) {
      assertThatThrownBy(() -> new Topics(bad))
          .as(bad)
          .isInstanceOf(IllegalArgumentException.class);
    }
  }

  @Test
  void theDeviceIdOfAStatusTopicIsReadOnlyWhenValid() {
    Topics t = new Topics("dht11");
    assertThat(t.deviceIdOfStatusTopic("dht11/status/esp32-1")).contains("esp32-1");
    assertThat(t.deviceIdOfStatusTopic("dht11/status/a b")).isEmpty();
    assertThat(t.deviceIdOfStatusTopic("dht11/status/a/b")).isEmpty();
    assertThat(t.deviceIdOfStatusTopic("dht11/status")).isEmpty();
    assertThat(t.deviceIdOfStatusTopic("other/status/x")).isEmpty();
    assertThatThrownBy(() -> t.deviceStatus("a/b")).isInstanceOf(IllegalArgumentException.class);
  }
}
