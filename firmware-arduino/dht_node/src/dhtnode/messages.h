// Topics and payloads of the MQTT contract (docs/mqtt.md), and the Home
// Assistant discovery configs. Same code on the ESP32 and on the host.
#pragma once

#include <stddef.h>
#include <stdint.h>

#include "reading.h"

namespace dhtnode {

constexpr size_t kTopicMax = 160;
constexpr size_t kPayloadMax = 1536;  // the contract allows 4 KiB; discovery configs: ~670 bytes, <= ~1.2 KiB with 64-char ids

// [A-Za-z0-9_.-]{1,64}
bool validDeviceId(const char* id);
// Non-empty, <= 64 chars, no MQTT wildcards (+ #), no leading/trailing '/', no NUL.
bool validPrefix(const char* prefix);
// "esp32-" + the last three bytes of the MAC in lower-case hex (esp32-a1b2c3).
void deviceIdFromMac(const uint8_t mac[6], char* out, size_t size);

// <prefix>/sensor/data
bool dataTopic(const char* prefix, char* out, size_t size);
// <prefix>/status/<device_id>
bool statusTopic(const char* prefix, const char* deviceId, char* out, size_t size);
// The agent's Home Assistant ids (edge-agent homeassistant/DiscoveryPayloads), so that the agent and
// the firmware name the same entity the same way: dhtedge_<slug>_<metric>, slug = the device id with
// every character outside [A-Za-z0-9_-] replaced by '_'.
bool haUniqueId(const char* deviceId, const char* metric, char* out, size_t size);
// <discovery_prefix>/sensor/dhtedge_<slug>_<metric>/config, metric = "temperature" | "humidity"
bool discoveryTopic(const char* discoveryPrefix, const char* deviceId, const char* metric, char* out, size_t size);

// ISO-8601 UTC with milliseconds and Z: 2026-11-27T22:00:00.123Z. epochMs >= 0.
void formatIsoUtc(int64_t epochMs, char* out, size_t size);

// {"device_id":..,"ts":..,"seq":..,"temperature":..,"humidity":..,"source":"esp32","model":..}
// ts is written when tsEpochMs >= 0, left out otherwise (the receiver then uses its receive time).
// Returns the length, or 0 when it does not fit.
size_t encodeReading(const Reading& r, const char* deviceId, int64_t tsEpochMs, char* out, size_t size);

// {"status":"online"|"offline","device_id":".."}
size_t encodeStatus(bool online, const char* deviceId, char* out, size_t size);

struct DiscoveryInfo {
  const char* prefix;        // the contract's topic prefix (dht11)
  const char* deviceId;
  const char* deviceName;    // shown in Home Assistant
  const char* model;         // "dht11" | "dht22"
  const char* swVersion;
  uint32_t expireAfterS;     // 0 = leave out
};

// The retained config for one metric ("temperature" or "humidity").
size_t encodeDiscovery(const DiscoveryInfo& info, const char* metric, char* out, size_t size);

}  // namespace dhtnode
