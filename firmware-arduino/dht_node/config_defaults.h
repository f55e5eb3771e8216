// Defaults for keys missing from config.h, and checks of the values.
#pragma once

#define DHT_MODEL_DHT11 11
#define DHT_MODEL_DHT22 22

#ifndef DHT_MQTT_PORT
#define DHT_MQTT_PORT 1883
#endif
#ifndef DHT_MQTT_USER
#define DHT_MQTT_USER ""
#endif
#ifndef DHT_MQTT_PASSWORD
#define DHT_MQTT_PASSWORD ""
#endif
#ifndef DHT_MQTT_QOS
#define DHT_MQTT_QOS 1
#endif
#ifndef DHT_MQTT_TLS
#define DHT_MQTT_TLS 0
#endif
#ifndef DHT_TOPIC_PREFIX
#define DHT_TOPIC_PREFIX "dht11"
#endif
#ifndef DHT_DEVICE_ID
#define DHT_DEVICE_ID ""
#endif
#ifndef DHT_DEVICE_NAME
#define DHT_DEVICE_NAME ""
#endif
#ifndef DHT_HA_DISCOVERY
#define DHT_HA_DISCOVERY 0
#endif
#ifndef DHT_HA_PREFIX
#define DHT_HA_PREFIX "homeassistant"
#endif
#ifndef DHT_HA_EXPIRE_AFTER_S
#define DHT_HA_EXPIRE_AFTER_S 0
#endif
#ifndef DHT_PIN
#define DHT_PIN 4
#endif
#ifndef DHT_MODEL
#define DHT_MODEL DHT_MODEL_DHT22
#endif
#ifndef DHT_INTERVAL_MS
#define DHT_INTERVAL_MS 10000
#endif
#ifndef DHT_RING_SIZE
#define DHT_RING_SIZE 64
#endif
#ifndef DHT_DEEP_SLEEP
#define DHT_DEEP_SLEEP 0
#endif
#ifndef DHT_AWAKE_BUDGET_MS
#define DHT_AWAKE_BUDGET_MS 15000
#endif
#ifndef DHT_NTP_SERVER
#define DHT_NTP_SERVER "pool.ntp.org"
#endif
#ifndef DHT_SW_VERSION
#define DHT_SW_VERSION "0.1.0"
#endif

#if DHT_DEEP_SLEEP && (DHT_RING_SIZE > 120)
#error "DHT_RING_SIZE: with DHT_DEEP_SLEEP the ring buffer lives in 8 KiB of RTC memory; use at most 120"
#endif
#if DHT_MQTT_QOS != 0 && DHT_MQTT_QOS != 1
#error "DHT_MQTT_QOS must be 0 or 1"
#endif
