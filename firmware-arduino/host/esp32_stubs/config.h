// The config.h of the syntax check: every ESP32-only path switched on.
#pragma once
#define DHT_WIFI_SSID "ssid"
#define DHT_WIFI_PASSWORD "password"
#define DHT_MQTT_HOST "broker.local"
#define DHT_MQTT_PORT 8883
#define DHT_MQTT_TLS 1
#define DHT_MQTT_CA_CERT "-----BEGIN CERTIFICATE-----\n...\n-----END CERTIFICATE-----\n"
#define DHT_DEEP_SLEEP 1
#define DHT_RING_SIZE 100
#define DHT_MODEL DHT_MODEL_DHT11
