// dht_node: reads a DHT11/DHT22 by bit timing and publishes on the dht-edge
// MQTT contract (docs/mqtt.md). ESP32, Arduino-ESP32 core 3.x.
// Configuration: copy config.example.h to config.h. See README.md.
//
// The logic lives in src/dhtnode (plain C++, tested on the host); this file is
// the Arduino glue. It also compiles on the host against ../host (fakes of the
// Arduino API and libmosquitto) as the dht_node_host test binary.

#ifdef DHT_HOST_BUILD
#include "host_config.h"
#elif __has_include("config.h")
#include "config.h"
#else
#error "copy config.example.h to config.h (next to dht_node.ino) and fill it in"
#endif
#include "config_defaults.h"

#include <Arduino.h>
#include <Preferences.h>
#include <WiFi.h>

#include <new>

#include "arduino_platform.h"
#include "src/dhtnode/node.h"

#ifdef DHT_HOST_BUILD
#include "mosquitto_link.h"
#else
#if DHT_MQTT_TLS
#include <WiFiClientSecure.h>
#endif
#include <esp_sleep.h>
#include "mqtt_arduino.h"
#endif

#if DHT_DEEP_SLEEP
#define DHT_KEEP RTC_DATA_ATTR  // survives deep sleep (not a reset or power loss)
#else
#define DHT_KEEP
#endif

// Everything preallocated: no heap use after setup().
DHT_KEEP dhtnode::NodeMemory nodeMemory;
DHT_KEEP dhtnode::Reading ringStorage[DHT_RING_SIZE];

ArduinoPlatform platform(DHT_PIN, DHT_WIFI_SSID, DHT_WIFI_PASSWORD);
char deviceId[65];

#ifdef DHT_HOST_BUILD
using MqttImpl = MosquittoLink;
#else
using MqttImpl = ArduinoMqttLink;
#if DHT_MQTT_TLS
WiFiClientSecure net;
#else
WiFiClient net;
#endif
#endif

// Built in setup() (placement new into static storage: no heap), once the configuration is known.
MqttImpl* mqtt = nullptr;
alignas(MqttImpl) static unsigned char mqttStorage[sizeof(MqttImpl)];
dhtnode::Node* node = nullptr;
alignas(dhtnode::Node) static unsigned char nodeStorage[sizeof(dhtnode::Node)];

// The first seq of this boot: a boot counter kept in flash (NVS) in the upper 32 bits, so that seq
// never repeats after a reset (the agent drops a repeated (device_id, seq) as a duplicate).
static uint64_t seqBaseForThisBoot() {
  Preferences prefs;
  if (!prefs.begin("dhtnode", false)) {
    platform.log("nvs: cannot open the boot counter; seq starts at 0 (the agent may drop readings as duplicates)");
    return 0;
  }
  uint32_t boots = prefs.getUInt("boots", 0) + 1;
  prefs.putUInt("boots", boots);
  prefs.end();
  return static_cast<uint64_t>(boots & 0x1FFFFF) << 32;  // stays below 2^53: exact in every JSON parser
}

static void chooseDeviceId() {
  const char* configured = DHT_DEVICE_ID;
  if (configured[0] != 0) {
    snprintf(deviceId, sizeof deviceId, "%s", configured);
    return;
  }
  uint8_t mac[6] = {0};
  WiFi.macAddress(mac);
  dhtnode::deviceIdFromMac(mac, deviceId, sizeof deviceId);
}

void setup() {
  Serial.begin(115200);
  WiFi.mode(WIFI_STA);
  WiFi.setAutoReconnect(true);
  chooseDeviceId();
  pinMode(DHT_PIN, INPUT_PULLUP);
  platform.logf("dht_node %s starting: device %s, pin %d, broker %s:%d%s", DHT_SW_VERSION, deviceId, DHT_PIN,
                DHT_MQTT_HOST, DHT_MQTT_PORT, DHT_MQTT_TLS ? " (TLS)" : "");
#if !defined(DHT_HOST_BUILD) && DHT_MQTT_TLS
  net.setCACert(DHT_MQTT_CA_CERT);
#endif
  if (DHT_NTP_SERVER[0] != 0) configTime(0, 0, DHT_NTP_SERVER);  // UTC; ts stays out until synced
#ifdef DHT_HOST_BUILD
  mqtt = new (mqttStorage) MqttImpl(DHT_MQTT_HOST, DHT_MQTT_PORT);
#else
  mqtt = new (mqttStorage) MqttImpl(net, DHT_MQTT_HOST, DHT_MQTT_PORT);
#endif

  dhtnode::NodeConfig config;
  config.deviceId = deviceId;
  config.deviceName = DHT_DEVICE_NAME;
  config.prefix = DHT_TOPIC_PREFIX;
  config.discoveryPrefix = DHT_HA_PREFIX;
  config.haDiscovery = DHT_HA_DISCOVERY;
  config.expireAfterS = DHT_HA_EXPIRE_AFTER_S;
  config.model = DHT_MODEL == DHT_MODEL_DHT11 ? dhtnode::Model::DHT11 : dhtnode::Model::DHT22;
  config.intervalMs = DHT_INTERVAL_MS;
  config.qos = DHT_MQTT_QOS;
  config.username = DHT_MQTT_USER;
  config.password = DHT_MQTT_PASSWORD;
  config.swVersion = DHT_SW_VERSION;
  node = new (nodeStorage) dhtnode::Node(config, platform, *mqtt, nodeMemory, ringStorage, DHT_RING_SIZE);

  uint64_t seqBase = 0;
  if (nodeMemory.magic == 0) seqBase = seqBaseForThisBoot();  // cold boot (not a deep-sleep wake-up)
  node->begin(seqBase);  // the first tick() starts Wi-Fi
}

#if DHT_DEEP_SLEEP && !defined(DHT_HOST_BUILD)
// One wake-up: read once, try to publish everything for DHT_AWAKE_BUDGET_MS, sleep.
void loop() {
  uint32_t start = millis();
  uint32_t reads = nodeMemory.readsOk + nodeMemory.readsFailed;
  while (millis() - start < DHT_AWAKE_BUDGET_MS) {
    node->tick();
    bool readDone = nodeMemory.readsOk + nodeMemory.readsFailed != reads;
    if (readDone && node->idle()) break;
    delay(10);
  }
  platform.logf("sleep: %u readings buffered in RTC memory; waking in %lu ms", static_cast<unsigned>(node->buffered()),
                static_cast<unsigned long>(node->effectiveIntervalMs()));
  mqtt->disconnect();  // clean: no will, the retained status stays online (README: deep sleep)
  WiFi.disconnect(true);
  Serial.flush();
  esp_sleep_enable_timer_wakeup(static_cast<uint64_t>(node->effectiveIntervalMs()) * 1000ULL);
  esp_deep_sleep_start();
}
#else
void loop() {
  node->tick();
  delay(5);
}
#endif
