// The node: reads the sensor at its interval, keeps readings in a bounded ring
// buffer and publishes them in order on the MQTT contract, with reconnects and
// back-off. Plain C++: the sketch's setup()/loop() call begin()/tick().
#pragma once

#include <stddef.h>
#include <stdint.h>

#include "backoff.h"
#include "dht_decoder.h"
#include "messages.h"
#include "ports.h"
#include "reading.h"

namespace dhtnode {

struct NodeConfig {
  const char* deviceId = "";           // validated: [A-Za-z0-9_.-]{1,64}
  const char* deviceName = "";         // Home Assistant device name; "" = device id
  const char* prefix = "dht11";
  const char* discoveryPrefix = "homeassistant";
  bool haDiscovery = false;           // the agent announces ESP32s itself (README: Home Assistant)
  uint32_t expireAfterS = 0;           // 0 = 3 x interval
  Model model = Model::DHT22;
  uint32_t intervalMs = 10000;         // raised to the model's minimum
  int qos = 1;                         // readings; status and discovery are always QoS 1
  const char* username = "";
  const char* password = "";
  uint16_t keepAliveS = 30;
  const char* swVersion = "0.1.0";
  uint16_t maxPublishesPerTick = 10;   // drain the backlog in slices, loop() stays responsive
};

// What the node keeps between deep sleeps (place it in RTC memory on the ESP32).
// Plain data: zero-initialised memory means "fresh".
struct NodeMemory {
  uint32_t magic;
  uint32_t ringCapacity;
  uint64_t nextSeq;
  uint16_t head;
  uint16_t count;
  uint32_t dropped;   // readings lost because the ring buffer was full
  uint32_t readsOk;
  uint32_t readsFailed;
  uint32_t published;
  uint16_t wakes;     // begin() calls since the memory was fresh (deep-sleep wake-ups + 1)
};

struct FailureCounts {
  uint32_t byReason[11];
};

class Node {
 public:
  // `ring` is storage for `ringCapacity` readings (RTC memory for deep sleep); `memory` holds its
  // state. `seqBase` is used when memory is fresh: the first seq (boot counter << 32, README: seq).
  Node(const NodeConfig& config, Platform& platform, MqttLink& mqtt, NodeMemory& memory, Reading* ring,
       uint16_t ringCapacity);

  // Validates the configuration and prepares topics. False (and logged) when it is unusable.
  bool begin(uint64_t seqBase);
  // One pass of the main loop: network, MQTT, a reading when due, publishing the backlog.
  void tick();

  // Takes one reading now (also used by tick() when due). True when a value was buffered.
  bool readNow();
  // Publishes buffered readings while connected. Returns how many were published.
  size_t flush(size_t max);

  // For deep sleep: true when nothing is waiting to be published.
  bool idle() const { return memory_.count == 0; }
  size_t buffered() const { return memory_.count; }
  uint32_t dropped() const { return memory_.dropped; }
  uint64_t nextSeq() const { return memory_.nextSeq; }
  const NodeMemory& memory() const { return memory_; }
  const FailureCounts& failures() const { return failures_; }
  uint32_t effectiveIntervalMs() const { return config_.intervalMs; }
  bool mqttConnected() const { return mqttUp_; }
  const char* deviceId() const { return config_.deviceId; }

 private:
  void logf(const char* fmt, ...);
  void serviceNetwork(uint32_t now);
  void connectMqtt(uint32_t now);
  bool publishRetained(const char* topic, const char* payload, size_t length);
  void push(const Reading& r);
  const Reading& front() const { return ring_[memory_.head]; }
  void pop();

  NodeConfig config_;
  Platform& platform_;
  MqttLink& mqtt_;
  NodeMemory& memory_;
  Reading* ring_;
  uint16_t ringCapacity_;
  Decoder decoder_;
  Edge edges_[Decoder::kMaxEdges];
  FailureCounts failures_ = {};
  Backoff wifiBackoff_{10000, 60000};  // association + DHCP take seconds: do not interrupt them
  Backoff mqttBackoff_{1000, 30000};
  bool begun_ = false;
  bool wifiUp_ = false;
  bool mqttUp_ = false;
  bool firstRead_ = true;
  uint32_t nextReadAtMs_ = 0;
  char dataTopic_[kTopicMax];
  char statusTopic_[kTopicMax];
  char onlinePayload_[128];
  char offlinePayload_[128];
  char payload_[kPayloadMax];
};

}  // namespace dhtnode
