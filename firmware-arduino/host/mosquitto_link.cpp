#include "mosquitto_link.h"

#include <mosquitto.h>

#include "host_args.h"

#include <chrono>
#include <cstring>

namespace {
using Clock = std::chrono::steady_clock;
constexpr int kTimeoutMs = 3000;  // like the device library's command timeout

bool expired(Clock::time_point start) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - start).count() > kTimeoutMs;
}
}  // namespace

MosquittoLink::MosquittoLink(const char* host, int port) : host_(host), port_(port) {}

MosquittoLink::~MosquittoLink() { destroy(); }

void MosquittoLink::destroy() {
  if (m_ != nullptr) {
    mosquitto_destroy(m_);
    m_ = nullptr;
  }
  connected_ = false;
}

void MosquittoLink::fail(const std::string& why) {
  error_ = why;
  connected_ = false;
}

void MosquittoLink::onConnect(mosquitto*, void* self, int rc) {
  auto* link = static_cast<MosquittoLink*>(self);
  link->connack_ = rc;
  link->connected_ = rc == 0;
}

void MosquittoLink::onDisconnect(mosquitto*, void* self, int rc) {
  auto* link = static_cast<MosquittoLink*>(self);
  link->connected_ = false;
  if (rc != 0) link->error_ = std::string("connection lost: ") + mosquitto_strerror(rc);
}

void MosquittoLink::onPublish(mosquitto*, void* self, int mid) { static_cast<MosquittoLink*>(self)->lastAcked_ = mid; }

bool MosquittoLink::connect(const dhtnode::MqttConnectOptions& o) {
  destroy();
  m_ = mosquitto_new(o.clientId, true, this);
  if (m_ == nullptr) {
    fail("mosquitto_new failed");
    return false;
  }
  mosquitto_connect_callback_set(m_, onConnect);
  mosquitto_disconnect_callback_set(m_, onDisconnect);
  mosquitto_publish_callback_set(m_, onPublish);
  if (o.username != nullptr && o.username[0] != 0) mosquitto_username_pw_set(m_, o.username, o.password);
  if (!hostArgs().caFile.empty()) {
    // The host's stand-in for WiFiClientSecure::setCACert: verify the broker's certificate.
    int trc = mosquitto_tls_set(m_, hostArgs().caFile.c_str(), nullptr, nullptr, nullptr, nullptr);
    if (trc != MOSQ_ERR_SUCCESS) {
      fail(std::string("TLS setup: ") + mosquitto_strerror(trc));
      destroy();
      return false;
    }
  }
  mosquitto_will_set(m_, o.willTopic, static_cast<int>(strlen(o.willPayload)), o.willPayload, o.willQos, o.willRetain);
  connack_ = -1;
  int rc = mosquitto_connect(m_, host_.c_str(), port_, o.keepAliveS);
  if (rc != MOSQ_ERR_SUCCESS) {
    fail(std::string("cannot reach ") + host_ + ":" + std::to_string(port_) + ": " + mosquitto_strerror(rc));
    destroy();
    return false;
  }
  auto start = Clock::now();
  while (connack_ < 0 && !expired(start)) {
    rc = mosquitto_loop(m_, 50, 1);
    if (rc != MOSQ_ERR_SUCCESS) break;
  }
  if (connack_ != 0) {
    fail(connack_ < 0 ? std::string("no CONNACK: ") + mosquitto_strerror(rc)
                      : std::string("refused: ") + mosquitto_connack_string(connack_));
    destroy();
    return false;
  }
  error_ = "none";
  return true;
}

bool MosquittoLink::connected() { return m_ != nullptr && connected_; }

bool MosquittoLink::publish(const char* topic, const char* payload, size_t length, bool retained, int qos) {
  if (!connected()) {
    fail("not connected");
    return false;
  }
  int mid = 0;
  int rc = mosquitto_publish(m_, &mid, topic, static_cast<int>(length), payload, qos, retained);
  if (rc != MOSQ_ERR_SUCCESS) {
    fail(std::string("publish: ") + mosquitto_strerror(rc));
    return false;
  }
  auto start = Clock::now();
  if (qos == 0) {
    rc = mosquitto_loop(m_, 0, 1);  // write it out
    if (rc != MOSQ_ERR_SUCCESS) {
      fail(std::string("publish: ") + mosquitto_strerror(rc));
      return false;
    }
    return true;
  }
  while (lastAcked_ != mid) {
    rc = mosquitto_loop(m_, 50, 1);
    if (rc != MOSQ_ERR_SUCCESS || !connected_) {
      fail(std::string("no PUBACK: ") + (rc != MOSQ_ERR_SUCCESS ? mosquitto_strerror(rc) : error_.c_str()));
      return false;
    }
    if (expired(start)) {
      fail("no PUBACK within 3 s");
      return false;
    }
  }
  return true;
}

void MosquittoLink::loop() {
  if (m_ == nullptr) return;
  int rc = mosquitto_loop(m_, 0, 1);
  if (rc != MOSQ_ERR_SUCCESS) fail(std::string("loop: ") + mosquitto_strerror(rc));
}

void MosquittoLink::disconnect() {
  if (m_ != nullptr && connected_) {
    mosquitto_disconnect(m_);
    mosquitto_loop(m_, 50, 1);
  }
  destroy();
}

void MosquittoLink::dropWithoutDisconnect() {
  // mosquitto_destroy closes the socket without sending DISCONNECT.
  destroy();
}
