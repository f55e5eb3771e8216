// Host fake of the ESP32 WiFi object: the host's network is "the Wi-Fi". It
// reports disconnected while the file given by --wifi-down-file exists.
#pragma once

#include <cstdint>

#include "Arduino.h"

#define WIFI_STA 1
enum wl_status_t { WL_IDLE_STATUS = 0, WL_CONNECTED = 3, WL_DISCONNECTED = 6 };

class WiFiClass {
 public:
  void mode(int) {}
  void setAutoReconnect(bool) {}
  void begin(const char*, const char*) { begins++; }
  bool disconnect(bool = false) { return true; }
  wl_status_t status();
  void macAddress(uint8_t* mac);
  int begins = 0;
};

extern WiFiClass WiFi;
