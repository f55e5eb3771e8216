#pragma once
#include <cstddef>
#include <cstdint>
class Client {
 public:
  virtual ~Client() = default;
  virtual int connect(const char* host, uint16_t port) = 0;
  virtual uint8_t connected() = 0;
  virtual void stop() = 0;
};
class WiFiClient : public Client {
 public:
  int connect(const char*, uint16_t) override;
  uint8_t connected() override;
  void stop() override;
};
class WiFiClientSecure : public WiFiClient {
 public:
  void setCACert(const char* rootCA);
};
