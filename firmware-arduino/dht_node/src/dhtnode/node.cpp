#include "node.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

namespace dhtnode {

namespace {
constexpr uint32_t kMagic = 0xD47E0001;

bool reached(uint32_t now, uint32_t at) { return static_cast<int32_t>(now - at) >= 0; }
}  // namespace

Node::Node(const NodeConfig& config, Platform& platform, MqttLink& mqtt, NodeMemory& memory, Reading* ring,
           uint16_t ringCapacity)
    : config_(config), platform_(platform), mqtt_(mqtt), memory_(memory), ring_(ring), ringCapacity_(ringCapacity) {}

void Node::logf(const char* fmt, ...) {
  char line[320];
  va_list args;
  va_start(args, fmt);
  vsnprintf(line, sizeof line, fmt, args);
  va_end(args);
  platform_.log(line);
}

bool Node::begin(uint64_t seqBase) {
  begun_ = false;
  if (!validDeviceId(config_.deviceId)) {
    logf("config: device id '%s' is not valid (1-64 of A-Z a-z 0-9 _ . -); the node stays idle",
         config_.deviceId ? config_.deviceId : "");
    return false;
  }
  if (!validPrefix(config_.prefix) || !validPrefix(config_.discoveryPrefix)) {
    logf("config: topic prefix '%s' / discovery prefix '%s' is not valid (no + or #, no leading or trailing /); "
         "the node stays idle",
         config_.prefix ? config_.prefix : "", config_.discoveryPrefix ? config_.discoveryPrefix : "");
    return false;
  }
  if (ringCapacity_ == 0 || ring_ == nullptr) {
    logf("config: ring buffer size must be at least 1; the node stays idle");
    return false;
  }
  uint32_t minimum = modelMinIntervalMs(config_.model);
  if (config_.intervalMs < minimum) {
    logf("config: interval %lu ms is shorter than the %s's minimum; using %lu ms",
         static_cast<unsigned long>(config_.intervalMs), modelId(config_.model), static_cast<unsigned long>(minimum));
    config_.intervalMs = minimum;
  }
  if (config_.qos < 0 || config_.qos > 1) {
    logf("config: QoS %d not supported for readings; using 1", config_.qos);
    config_.qos = 1;
  }
  if (config_.expireAfterS == 0) {
    config_.expireAfterS = (3 * config_.intervalMs + 999) / 1000;
    if (config_.expireAfterS < 30) config_.expireAfterS = 30;
  }
  if (config_.deviceName == nullptr || config_.deviceName[0] == 0) config_.deviceName = config_.deviceId;
  if (!dataTopic(config_.prefix, dataTopic_, sizeof dataTopic_) ||
      !statusTopic(config_.prefix, config_.deviceId, statusTopic_, sizeof statusTopic_) ||
      encodeStatus(true, config_.deviceId, onlinePayload_, sizeof onlinePayload_) == 0 ||
      encodeStatus(false, config_.deviceId, offlinePayload_, sizeof offlinePayload_) == 0) {
    logf("config: topic prefix or device id too long; the node stays idle");
    return false;
  }
  bool fresh = memory_.magic != kMagic || memory_.ringCapacity != ringCapacity_ || memory_.head >= ringCapacity_ ||
               memory_.count > ringCapacity_;
  if (fresh) {
    memset(&memory_, 0, sizeof memory_);
    memory_.magic = kMagic;
    memory_.ringCapacity = ringCapacity_;
    memory_.nextSeq = seqBase;
    logf("node: %s, %s every %lu ms, ring buffer %u readings, first seq %llu", config_.deviceId,
         modelId(config_.model), static_cast<unsigned long>(config_.intervalMs), ringCapacity_,
         static_cast<unsigned long long>(seqBase));
  } else {
    logf("node: %s resumed from RTC memory: %u readings buffered, next seq %llu, %lu dropped so far",
         config_.deviceId, memory_.count, static_cast<unsigned long long>(memory_.nextSeq),
         static_cast<unsigned long>(memory_.dropped));
  }
  memory_.wakes++;
  nextReadAtMs_ = platform_.millis() + (fresh ? minimum : 0);  // the sensor needs its minimum after power-up
  begun_ = true;
  return true;
}

void Node::tick() {
  if (!begun_) return;
  uint32_t now = platform_.millis();
  serviceNetwork(now);
  if (reached(now, nextReadAtMs_)) {
    readNow();
    nextReadAtMs_ += config_.intervalMs;
    uint32_t after = platform_.millis();
    if (reached(after, nextReadAtMs_)) nextReadAtMs_ = after + config_.intervalMs;  // fell behind: no burst
  }
  if (mqttUp_) {
    flush(config_.maxPublishesPerTick);
    if (mqttUp_) mqtt_.loop();
  }
}

void Node::serviceNetwork(uint32_t now) {
  bool up = platform_.networkUp();
  if (up != wifiUp_) {
    wifiUp_ = up;
    if (up) {
      wifiBackoff_.succeed();
      logf("wifi: connected");
    } else {
      logf("wifi: disconnected; %u readings buffered", memory_.count);
    }
  }
  if (!up) {
    if (mqttUp_) {
      mqttUp_ = false;
      mqtt_.disconnect();  // a socket that outlived a short Wi-Fi drop is not trusted: reconnect afresh
      logf("mqtt: down (no Wi-Fi)");
    }
    if (wifiBackoff_.due(now)) {
      platform_.reconnectNetwork();
      uint32_t delay = wifiBackoff_.fail(now, platform_.random32());
      logf("wifi: not connected, reconnecting (next try in %lu ms)", static_cast<unsigned long>(delay));
    }
    return;
  }
  bool connected = mqtt_.connected();
  if (mqttUp_ && !connected) {
    mqttUp_ = false;
    logf("mqtt: connection lost (%s); %u readings buffered", mqtt_.lastError(), memory_.count);
  }
  if (!connected && mqttBackoff_.due(now)) connectMqtt(now);
}

bool Node::publishRetained(const char* topic, const char* payload, size_t length) {
  return mqtt_.publish(topic, payload, length, true, 1);
}

void Node::connectMqtt(uint32_t now) {
  MqttConnectOptions options;
  options.clientId = config_.deviceId;
  options.username = config_.username;
  options.password = config_.password;
  options.willTopic = statusTopic_;
  options.willPayload = offlinePayload_;
  options.willQos = 1;
  options.willRetain = true;
  options.keepAliveS = config_.keepAliveS;
  bool ok = mqtt_.connect(options) && publishRetained(statusTopic_, onlinePayload_, strlen(onlinePayload_));
  if (ok && config_.haDiscovery) {
    DiscoveryInfo info{config_.prefix, config_.deviceId, config_.deviceName, modelId(config_.model),
                       config_.swVersion, config_.expireAfterS};
    const char* metrics[] = {"temperature", "humidity"};
    for (const char* metric : metrics) {
      char topic[kTopicMax];
      size_t n = encodeDiscovery(info, metric, payload_, sizeof payload_);
      if (n == 0 || !discoveryTopic(config_.discoveryPrefix, config_.deviceId, metric, topic, sizeof topic)) {
        logf("ha: discovery config for %s does not fit; skipped", metric);
        continue;
      }
      if (!publishRetained(topic, payload_, n)) {
        ok = false;
        break;
      }
    }
  }
  if (!ok) {
    char why[96];
    snprintf(why, sizeof why, "%s", mqtt_.lastError());
    mqtt_.disconnect();
    uint32_t delay = mqttBackoff_.fail(now, platform_.random32());
    logf("mqtt: connect failed (%s); retry in %lu ms; %u readings buffered", why, static_cast<unsigned long>(delay),
         memory_.count);
    return;
  }
  mqttUp_ = true;
  mqttBackoff_.succeed();
  logf("mqtt: connected as %s; status online on %s; %u buffered readings to publish", config_.deviceId,
       statusTopic_, memory_.count);
}

bool Node::readNow() {
  uint32_t now = platform_.millis();
  Failure error = Failure::None;
  size_t n = platform_.captureEdges(config_.model, edges_, Decoder::kMaxEdges, &error);
  DhtResult result;
  if (error != Failure::None) {
    result.ok = false;
    result.reason = error;
    snprintf(result.detail, sizeof result.detail, "the capture failed");
  } else {
    result = decoder_.decode(config_.model, edges_, n);
  }
  if (!result.ok) {
    memory_.readsFailed++;
    failures_.byReason[static_cast<int>(result.reason)]++;
    logf("read: failed: %s: %s (%u edges; %lu failures so far)", failureId(result.reason), result.detail,
         static_cast<unsigned>(n), static_cast<unsigned long>(memory_.readsFailed));
    return false;
  }
  memory_.readsOk++;
  Reading r;
  r.seq = memory_.nextSeq++;
  r.epochMs = platform_.epochMs();
  r.capturedAtMs = now;
  r.temperatureTenths = static_cast<int16_t>(result.temperatureTenths);
  r.humidityTenths = static_cast<int16_t>(result.humidityTenths);
  r.model = config_.model;
  r.wake = memory_.wakes;
  push(r);
  char t[12], h[12];
  logf("read: %s degC %s %%RH seq %llu (%u buffered)", values::formatTenths(r.temperatureTenths, t, sizeof t),
       values::formatTenths(r.humidityTenths, h, sizeof h), static_cast<unsigned long long>(r.seq), memory_.count);
  return true;
}

void Node::push(const Reading& r) {
  if (memory_.count == ringCapacity_) {
    const Reading& oldest = front();
    memory_.dropped++;
    logf("buffer: full (%u readings); dropped the oldest, seq %llu (%lu dropped so far)", ringCapacity_,
         static_cast<unsigned long long>(oldest.seq), static_cast<unsigned long>(memory_.dropped));
    pop();
  }
  ring_[(memory_.head + memory_.count) % ringCapacity_] = r;
  memory_.count++;
}

void Node::pop() {
  if (memory_.count == 0) return;
  memory_.head = static_cast<uint16_t>((memory_.head + 1) % ringCapacity_);
  memory_.count--;
}

size_t Node::flush(size_t max) {
  size_t sent = 0;
  while (sent < max && memory_.count > 0 && mqttUp_) {
    const Reading& r = front();
    int64_t ts = r.epochMs;
    if (ts < 0 && r.wake == memory_.wakes) {
      // Captured before SNTP synced: date it now if the clock has synced since (same wake only).
      int64_t nowEpoch = platform_.epochMs();
      if (nowEpoch >= 0) ts = nowEpoch - static_cast<int64_t>(platform_.millis() - r.capturedAtMs);
    }
    size_t n = encodeReading(r, config_.deviceId, ts, payload_, sizeof payload_);
    if (n == 0) {
      logf("mqtt: reading seq %llu does not fit the payload buffer; dropped", static_cast<unsigned long long>(r.seq));
      memory_.dropped++;
      pop();
      continue;
    }
    if (!mqtt_.publish(dataTopic_, payload_, n, false, config_.qos)) {
      uint32_t now = platform_.millis();
      char why[96];
      snprintf(why, sizeof why, "%s", mqtt_.lastError());
      mqtt_.disconnect();
      mqttUp_ = false;
      uint32_t delay = mqttBackoff_.fail(now, platform_.random32());
      logf("mqtt: publish of seq %llu failed (%s); reconnecting in %lu ms; %u readings kept",
           static_cast<unsigned long long>(r.seq), why, static_cast<unsigned long>(delay), memory_.count);
      break;
    }
    memory_.published++;
    pop();
    sent++;
  }
  return sent;
}

}  // namespace dhtnode
