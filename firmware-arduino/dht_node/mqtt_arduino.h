// The node's MqttLink on the ESP32: the "MQTT" library by Joel Gaehwiler
// (256dpi/arduino-mqtt 2.5.x, lwmqtt inside; API checked against its source). Chosen over PubSubClient
// because its publish() at QoS 1 returns only after the broker's PUBACK: a
// reading leaves the ring buffer when the broker has it, never on a socket
// write that a dropped link may lose (PubSubClient publishes QoS 0 only).
// NOT compiled here: no ESP32 toolchain was available (see README).
#pragma once

#include <MQTT.h>

#include "src/dhtnode/ports.h"

class ArduinoMqttLink : public dhtnode::MqttLink {
 public:
  ArduinoMqttLink(Client& net, const char* host, uint16_t port) : client_(2048), net_(net), host_(host), port_(port) {}

  bool connect(const dhtnode::MqttConnectOptions& o) override {
    client_.begin(host_, port_, net_);
    client_.setKeepAlive(o.keepAliveS);
    client_.setCleanSession(true);
    client_.setTimeout(3000);  // ms to wait for CONNACK / PUBACK
    client_.setWill(o.willTopic, o.willPayload, o.willRetain, o.willQos);
    bool hasUser = o.username != nullptr && o.username[0] != 0;
    bool ok = hasUser ? client_.connect(o.clientId, o.username, o.password) : client_.connect(o.clientId);
    describe(ok);
    return ok;
  }

  bool connected() override { return client_.connected(); }

  bool publish(const char* topic, const char* payload, size_t length, bool retained, int qos) override {
    bool ok = client_.publish(topic, payload, static_cast<int>(length), retained, qos);
    describe(ok);
    return ok;
  }

  void loop() override { client_.loop(); }

  void disconnect() override { client_.disconnect(); }

  const char* lastError() override { return error_; }

 private:
  void describe(bool ok) {
    if (ok) {
      snprintf(error_, sizeof error_, "none");
      return;
    }
    // lwmqtt_err_t and the broker's CONNACK code (5 = not authorized, 4 = bad user name or password).
    snprintf(error_, sizeof error_, "lwmqtt error %d, connack code %d%s", static_cast<int>(client_.lastError()),
             static_cast<int>(client_.returnCode()),
             client_.returnCode() == 4 || client_.returnCode() == 5 ? " (check DHT_MQTT_USER/PASSWORD)" : "");
  }

  MQTTClient client_;  // 2 KiB packets: kPayloadMax + the longest topic + header fit
  Client& net_;
  const char* host_;
  uint16_t port_;
  char error_[96] = "none";
};
