// The node's MqttLink on the host: libmosquitto (Debian libmosquitto-dev), used
// synchronously from loop() like the device library. publish() at QoS 1
// returns true only after the broker's PUBACK.
#pragma once

#include <string>

#include "../dht_node/src/dhtnode/ports.h"

struct mosquitto;

class MosquittoLink : public dhtnode::MqttLink {
 public:
  MosquittoLink(const char* host, int port);
  ~MosquittoLink() override;
  bool connect(const dhtnode::MqttConnectOptions& options) override;
  bool connected() override;
  bool publish(const char* topic, const char* payload, size_t length, bool retained, int qos) override;
  void loop() override;
  void disconnect() override;
  const char* lastError() override { return error_.c_str(); }
  // Closes the socket without a DISCONNECT packet: the broker publishes the will.
  void dropWithoutDisconnect();

 private:
  static void onConnect(mosquitto*, void* self, int rc);
  static void onDisconnect(mosquitto*, void* self, int rc);
  static void onPublish(mosquitto*, void* self, int mid);
  void destroy();
  void fail(const std::string& why);

  std::string host_;
  int port_;
  mosquitto* m_ = nullptr;
  bool connected_ = false;
  int connack_ = -1;
  int lastAcked_ = -1;
  std::string error_ = "none";
};
