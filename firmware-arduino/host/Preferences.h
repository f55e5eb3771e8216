// Host fake of the ESP32 NVS Preferences: one unsigned value per key, kept in
// the file given by --nvs-file (or in memory).
#pragma once

#include <cstdint>
#include <map>
#include <string>

class Preferences {
 public:
  bool begin(const char* name, bool readOnly = false);
  uint32_t getUInt(const char* key, uint32_t fallback);
  size_t putUInt(const char* key, uint32_t value);
  void end();

 private:
  std::string ns_;
  std::map<std::string, uint32_t> values_;
};
