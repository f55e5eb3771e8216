// config.h of the host build: values come from the command line (host_args.h).
#pragma once

#include "host_args.h"

#define DHT_HOST_BUILD 1
#define DHT_WIFI_SSID "host-network"
#define DHT_WIFI_PASSWORD ""
#define DHT_MQTT_HOST (hostArgs().host.c_str())
#define DHT_MQTT_PORT (hostArgs().port)
#define DHT_MQTT_USER (hostArgs().username.c_str())
#define DHT_MQTT_PASSWORD (hostArgs().password.c_str())
#define DHT_MQTT_QOS 1
#define DHT_MQTT_TLS 0
#define DHT_TOPIC_PREFIX (hostArgs().prefix.c_str())
#define DHT_DEVICE_ID (hostArgs().deviceId.c_str())
#define DHT_DEVICE_NAME ""
#define DHT_HA_DISCOVERY (hostArgs().haDiscovery)
#define DHT_HA_PREFIX "homeassistant"
#define DHT_HA_EXPIRE_AFTER_S 0
#define DHT_PIN 4
#define DHT_MODEL (hostArgs().model)
#define DHT_INTERVAL_MS (hostArgs().intervalMs)
#define DHT_RING_SIZE 64
#define DHT_DEEP_SLEEP 0
#define DHT_NTP_SERVER "host-clock"
