// The seams between the node's logic and the outside world. The sketch
// implements them with the Arduino-ESP32 API (WiFi, micros(), arduino-mqtt);
// the host build with fakes of the Arduino API and libmosquitto.
#pragma once

#include <stddef.h>
#include <stdint.h>

#include "dht_decoder.h"

namespace dhtnode {

class Platform {
 public:
  virtual ~Platform() = default;
  virtual uint32_t millis() = 0;
  // Wall-clock time in ms since 1970, or -1 while SNTP has not synced.
  virtual int64_t epochMs() = 0;
  virtual bool networkUp() = 0;
  // Asks the network to reconnect (called with back-off while it is down).
  virtual void reconnectNetwork() = 0;
  // Sends the start pulse and records the edges of the sensor's answer (ns timestamps, first edge
  // after the release). Returns the number of edges, or sets *error (Access/Timeout/Io) and returns 0.
  virtual size_t captureEdges(Model model, Edge* edges, size_t capacity, Failure* error) = 0;
  virtual uint32_t random32() = 0;
  // One log line, without the newline.
  virtual void log(const char* line) = 0;
};

struct MqttConnectOptions {
  const char* clientId;
  const char* username;  // nullptr or "" = none
  const char* password;
  const char* willTopic;
  const char* willPayload;
  int willQos;
  bool willRetain;
  uint16_t keepAliveS;
};

// The small MQTT interface the sketch uses (arduino-mqtt on the ESP32, libmosquitto on the host).
class MqttLink {
 public:
  virtual ~MqttLink() = default;
  virtual bool connect(const MqttConnectOptions& options) = 0;
  virtual bool connected() = 0;
  // True only when the broker has the message: for QoS 1, after its PUBACK.
  virtual bool publish(const char* topic, const char* payload, size_t length, bool retained, int qos) = 0;
  // Services the connection (keep-alive, incoming acks). Call often.
  virtual void loop() = 0;
  virtual void disconnect() = 0;
  // Why the last call failed, for the serial log.
  virtual const char* lastError() = 0;
};

}  // namespace dhtnode
