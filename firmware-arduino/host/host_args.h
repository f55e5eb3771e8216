// Command-line options of dht_node_host, read by host_config.h and the fakes.
#pragma once

#include <cstdint>
#include <string>

struct HostArgs {
  std::string host = "127.0.0.1";
  int port = 1883;
  std::string username, password;
  std::string caFile;            // TLS: verify the broker against this CA (like DHT_MQTT_CA_CERT)
  std::string prefix = "dht11";
  std::string deviceId;          // "" = from the fake MAC
  int model = 22;                // 11 | 22
  uint32_t intervalMs = 2000;
  long readings = 5;             // exit 0 once this many readings were published
  double timeoutS = 60;          // exit 1 when not done by then
  std::string tracesDir;         // replay recorded traces (a corpus folder with manifest.json)
  std::string tracesFilter = "must";  // must | damaged | all (by the manifest's must_decode)
  long reads = 0;                // > 0: exit 0 after this many read attempts, once nothing is buffered
  std::string nvsFile;           // fake NVS (boot counter); "" = in memory
  std::string wifiDownFile;      // while this file exists, WiFi.status() says disconnected
  bool crash = false;            // exit without a clean MQTT disconnect (the broker sends the will)
  bool haDiscovery = true;
  uint32_t pollStepNs = 1000;    // the fake clock advances this much per micros() call while capturing
};

HostArgs& hostArgs();
