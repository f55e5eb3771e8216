#include "messages.h"

#include <stdio.h>
#include <string.h>

#include "json_writer.h"

namespace dhtnode {

bool validDeviceId(const char* id) {
  if (id == nullptr) return false;
  size_t n = strlen(id);
  if (n < 1 || n > 64) return false;
  for (size_t i = 0; i < n; i++) {
    char c = id[i];
    bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '.' ||
              c == '-';
    if (!ok) return false;
  }
  return true;
}

bool validPrefix(const char* prefix) {
  if (prefix == nullptr) return false;
  size_t n = strlen(prefix);
  if (n < 1 || n > 64 || prefix[0] == '/' || prefix[n - 1] == '/') return false;
  for (size_t i = 0; i < n; i++) {
    if (prefix[i] == '+' || prefix[i] == '#') return false;
  }
  return true;
}

void deviceIdFromMac(const uint8_t mac[6], char* out, size_t size) {
  snprintf(out, size, "esp32-%02x%02x%02x", mac[3], mac[4], mac[5]);
}

static bool fits(int n, size_t size) { return n > 0 && static_cast<size_t>(n) < size; }

bool dataTopic(const char* prefix, char* out, size_t size) {
  return fits(snprintf(out, size, "%s/sensor/data", prefix), size);
}

bool statusTopic(const char* prefix, const char* deviceId, char* out, size_t size) {
  return fits(snprintf(out, size, "%s/status/%s", prefix, deviceId), size);
}

static void slug(const char* deviceId, char* out, size_t size) {
  size_t i = 0;
  for (; deviceId[i] != 0 && i + 1 < size; i++) {
    char c = deviceId[i];
    bool keep = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '-';
    out[i] = keep ? c : '_';
  }
  out[i] = 0;
}

bool haUniqueId(const char* deviceId, const char* metric, char* out, size_t size) {
  char s[72];
  slug(deviceId, s, sizeof s);
  return fits(snprintf(out, size, "dhtedge_%s_%s", s, metric), size);
}

bool discoveryTopic(const char* discoveryPrefix, const char* deviceId, const char* metric, char* out, size_t size) {
  char uid[96];
  if (!haUniqueId(deviceId, metric, uid, sizeof uid)) return false;
  return fits(snprintf(out, size, "%s/sensor/%s/config", discoveryPrefix, uid), size);
}

// Howard Hinnant's days -> civil date, valid for the proleptic Gregorian calendar.
static void civilFromDays(int64_t z, int* y, unsigned* m, unsigned* d) {
  z += 719468;
  const int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const unsigned doe = static_cast<unsigned>(z - era * 146097);
  const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const int64_t yy = static_cast<int64_t>(yoe) + era * 400;
  const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const unsigned mp = (5 * doy + 2) / 153;
  *d = doy - (153 * mp + 2) / 5 + 1;
  *m = mp < 10 ? mp + 3 : mp - 9;
  *y = static_cast<int>(yy + (*m <= 2));
}

void formatIsoUtc(int64_t epochMs, char* out, size_t size) {
  int64_t secs = epochMs / 1000;
  int ms = static_cast<int>(epochMs % 1000);
  int64_t days = secs / 86400;
  int64_t rem = secs % 86400;
  int y;
  unsigned m, d;
  civilFromDays(days, &y, &m, &d);
  snprintf(out, size, "%04d-%02u-%02uT%02d:%02d:%02d.%03dZ", y, m, d, static_cast<int>(rem / 3600),
           static_cast<int>(rem % 3600 / 60), static_cast<int>(rem % 60), ms);
}

size_t encodeReading(const Reading& r, const char* deviceId, int64_t tsEpochMs, char* out, size_t size) {
  JsonWriter w(out, size);
  w.beginObject().key("device_id").string(deviceId);
  if (tsEpochMs >= 0) {
    char ts[32];
    formatIsoUtc(tsEpochMs, ts, sizeof ts);
    w.key("ts").string(ts);
  }
  w.key("seq").integer(static_cast<int64_t>(r.seq));
  w.key("temperature").tenths(r.temperatureTenths);
  w.key("humidity").tenths(r.humidityTenths);
  w.key("source").string("esp32");
  w.key("model").string(modelId(r.model));
  w.endObject();
  return w.ok() ? w.length() : 0;
}

size_t encodeStatus(bool online, const char* deviceId, char* out, size_t size) {
  JsonWriter w(out, size);
  w.beginObject().key("status").string(online ? "online" : "offline").key("device_id").string(deviceId).endObject();
  return w.ok() ? w.length() : 0;
}

size_t encodeDiscovery(const DiscoveryInfo& info, const char* metric, char* out, size_t size) {
  bool temperature = strcmp(metric, "temperature") == 0;
  char buf[kTopicMax];
  char uid[96];
  if (!haUniqueId(info.deviceId, metric, uid, sizeof uid)) return 0;
  JsonWriter w(out, size);
  w.beginObject();
  w.key("name").string(temperature ? "Temperature" : "Humidity");
  w.key("unique_id").string(uid);
  w.key("device_class").string(temperature ? "temperature" : "humidity");
  w.key("unit_of_measurement").string(temperature ? "\xC2\xB0" "C" : "%");
  w.key("state_class").string("measurement");
  w.key("suggested_display_precision").integer(1);
  if (!dataTopic(info.prefix, buf, sizeof buf)) return 0;
  w.key("state_topic").string(buf);
  // The state topic is shared by every device: take only this device's messages and keep the
  // entity's current state for the others (README: Home Assistant).
  char tpl[224];
  snprintf(tpl, sizeof tpl,
           "{%% if value_json.device_id == '%s' %%}{{ value_json.%s }}{%% else %%}{{ states(entity_id) }}{%% endif %%}",
           info.deviceId, metric);
  w.key("value_template").string(tpl);
  if (!statusTopic(info.prefix, info.deviceId, buf, sizeof buf)) return 0;
  w.key("availability").beginArray().beginObject();
  w.key("topic").string(buf);
  w.key("value_template").string("{{ value_json.status }}");
  w.key("payload_available").string("online");
  w.key("payload_not_available").string("offline");
  w.endObject().endArray();
  if (info.expireAfterS > 0) w.key("expire_after").integer(info.expireAfterS);
  w.key("device").beginObject();
  char deviceSlug[72];
  slug(info.deviceId, deviceSlug, sizeof deviceSlug);
  char identifier[96];
  snprintf(identifier, sizeof identifier, "dhtedge_%s", deviceSlug);  // the agent's device identifier
  w.key("identifiers").beginArray().string(identifier).endArray();
  w.key("name").string(info.deviceName);
  char model[48];
  snprintf(model, sizeof model, "%s on ESP32", strcmp(info.model, "dht11") == 0 ? "DHT11" : "DHT22");
  w.key("model").string(model);
  w.key("manufacturer").string("dht-edge");
  w.key("sw_version").string(info.swVersion);
  w.endObject();
  w.endObject();
  return w.ok() ? w.length() : 0;
}

}  // namespace dhtnode
