#pragma once
// The subset of 256dpi/arduino-mqtt 2.5 (MQTTClient.h) the sketch uses, as in its source.
#include "WiFiClientSecure.h"
typedef enum { LWMQTT_SUCCESS = 0, LWMQTT_NETWORK_FAILED_CONNECT = -3 } lwmqtt_err_t;
typedef enum { LWMQTT_CONNECTION_ACCEPTED = 0, LWMQTT_NOT_AUTHORIZED = 5 } lwmqtt_return_code_t;
class MQTTClient {
 public:
  explicit MQTTClient(int bufSize = 128);
  void begin(const char hostname[], int port, Client& client);
  void setWill(const char topic[], const char payload[], bool retained, int qos);
  void setKeepAlive(int keepAlive);
  void setCleanSession(bool cleanSession);
  void setTimeout(int timeout);
  bool connect(const char clientId[], bool skip = false);
  bool connect(const char clientId[], const char username[], const char password[], bool skip = false);
  bool publish(const char topic[], const char payload[], int length, bool retained, int qos);
  bool loop();
  bool connected();
  bool disconnect();
  lwmqtt_err_t lastError();
  lwmqtt_return_code_t returnCode();
};
