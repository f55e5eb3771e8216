// Copy this file to config.h (next to dht_node.ino) and fill it in.
// config.h is ignored by git: it holds your Wi-Fi and broker passwords.
#pragma once

// ---- Wi-Fi -------------------------------------------------------------
#define DHT_WIFI_SSID "my-wifi"
#define DHT_WIFI_PASSWORD "my-wifi-password"

// ---- MQTT broker ---------------------------------------------------------
#define DHT_MQTT_HOST "192.168.1.10"   // host name or IP of the broker (the edge agent's Mosquitto)
#define DHT_MQTT_PORT 1883             // 8883 with TLS
#define DHT_MQTT_USER ""               // "" = no username/password
#define DHT_MQTT_PASSWORD ""
#define DHT_MQTT_QOS 1                 // readings: 1 = kept until the broker acknowledged them; 0 = fire and forget
#define DHT_MQTT_TLS 0                 // 1 = TLS with the CA below (WiFiClientSecure)
// PEM of the CA that signed the broker's certificate (only read when DHT_MQTT_TLS is 1).
#define DHT_MQTT_CA_CERT \
  "-----BEGIN CERTIFICATE-----\n" \
  "...\n" \
  "-----END CERTIFICATE-----\n"

// ---- Topics (docs/mqtt.md) ------------------------------------------------
#define DHT_TOPIC_PREFIX "dht11"       // readings on <prefix>/sensor/data, status on <prefix>/status/<device_id>
#define DHT_DEVICE_ID ""               // "" = esp32-<last 3 MAC bytes>, e.g. esp32-a1b2c3; else [A-Za-z0-9_.-]{1,64}
#define DHT_DEVICE_NAME ""             // name shown in Home Assistant; "" = the device id
#define DHT_HA_DISCOVERY 0             // 1 = announce to Home Assistant yourself: only WITHOUT the edge agent (it does it)
#define DHT_HA_PREFIX "homeassistant"
#define DHT_HA_EXPIRE_AFTER_S 0        // 0 = 3 x the interval (at least 30 s)

// ---- Sensor ---------------------------------------------------------------
#define DHT_PIN 4                      // data pin; see README for safe pins
#define DHT_MODEL DHT_MODEL_DHT22      // DHT_MODEL_DHT11 or DHT_MODEL_DHT22 (AM2302/AM2301/AM2320 family)
#define DHT_INTERVAL_MS 10000          // raised to the model's minimum: DHT11 1000 ms, DHT22 2000 ms

// ---- Buffering and power ----------------------------------------------------
#define DHT_RING_SIZE 64               // readings kept while offline; the oldest is dropped when full
#define DHT_DEEP_SLEEP 0               // 1 = deep sleep between readings (ring buffer in RTC memory, <= 120)
#define DHT_AWAKE_BUDGET_MS 15000      // deep sleep: how long to try to connect and publish before sleeping

// ---- Time -----------------------------------------------------------------------
#define DHT_NTP_SERVER "pool.ntp.org"  // SNTP for the readings' ts; "" = no ts (receiver uses its receive time)
