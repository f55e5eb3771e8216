// The host fakes behind Arduino.h, WiFi.h and Preferences.h, and the simulated
// DHT on the data pin: after the sketch's start pulse, the pin plays the edges
// of a frame (synthetic, or a recorded trace from the corpus).
#include <sys/stat.h>
#include <unistd.h>

#include <chrono>
#include <fstream>
#include <random>
#include <thread>
#include <vector>

#include "../test/mini_json.h"
#include "../test/trace_file.h"
#include "Arduino.h"
#include "Preferences.h"
#include "WiFi.h"
#include "host_args.h"
#include "host_config.h"
#include "waveform.h"

HardwareSerial Serial;
WiFiClass WiFi;

namespace {

using Clock = std::chrono::steady_clock;
const Clock::time_point kStart = Clock::now();
int64_t offsetNs = 0;  // keeps time monotonic after a virtual-time capture

int64_t realNs() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(Clock::now() - kStart).count() + offsetNs;
}

// ---- the simulated sensor ------------------------------------------------------------------------
struct Frame {
  std::vector<dhtnode::Edge> edges;  // relative to the release, ns
  std::string what;
};

struct TraceEntry {
  std::string file;
  std::string expect;
};

std::vector<TraceEntry> traces;
size_t nextTrace = 0;
long framesSent = 0;
std::mt19937 rng(1234);

void loadTraces() {
  static bool loaded = false;
  if (loaded || hostArgs().tracesDir.empty()) return;
  loaded = true;
  const std::string dir = hostArgs().tracesDir;
  minijson::Value manifest = minijson::parse(tracefile::readText(dir + "/manifest.json"));
  const char* model = hostArgs().model == 11 ? "dht11" : "dht22";
  for (const auto& e : manifest.arr) {
    bool must = e.at("must_decode").b;
    const std::string& filter = hostArgs().tracesFilter;
    if (e.at("model").str != model) continue;
    if ((filter == "must" && !must) || (filter == "damaged" && must)) continue;
    char expect[64];
    std::snprintf(expect, sizeof expect, "%.1f %.1f", e.at("expect").at("temperature").num,
                  e.at("expect").at("humidity").num);
    traces.push_back({dir + "/" + e.at("file").str, expect});
  }
  if (traces.empty()) {
    std::fprintf(stderr, "no %s trace (%s) in %s\n", model, hostArgs().tracesFilter.c_str(), dir.c_str());
    std::exit(2);
  }
}

Frame nextFrame() {
  Frame f;
  loadTraces();
  if (!traces.empty()) {
    const TraceEntry& t = traces[nextTrace++ % traces.size()];
    tracefile::Trace trace = tracefile::read(t.file);
    int64_t origin = trace.edges.empty() ? 0 : trace.edges.front().ns - 2000;  // armed 2 us before the first edge
    for (auto e : trace.edges) f.edges.push_back({e.ns - origin, e.rising});
    f.what = "trace " + t.file.substr(t.file.find_last_of('/') + 1) + " expect " + t.expect;
  } else {
    dhtnode::Model model = hostArgs().model == 11 ? dhtnode::Model::DHT11 : dhtnode::Model::DHT22;
    int temperature = 200 + static_cast<int>(framesSent % 50);  // 20.0 .. 24.9 degC
    int humidity = 450 + static_cast<int>(framesSent % 7) * 10;
    uint8_t bytes[5];
    waveform::encode(model, humidity, temperature, bytes);
    waveform::Timing timing;
    timing.spreadUs = 1.5;
    f.edges = waveform::frame(bytes, timing, &rng);
    char what[64];
    std::snprintf(what, sizeof what, "synthetic expect %.1f %.1f", temperature / 10.0, humidity / 10.0);
    f.what = what;
  }
  framesSent++;
  return f;
}

// ---- the data pin ------------------------------------------------------------------------------------------
int pinModeNow = INPUT;
int pinOut = HIGH;
int64_t lowSinceNs = -1;
bool capturing = false;
int64_t virtualNs = 0;
int64_t releaseNs = 0;
Frame frame;
size_t frameIndex = 0;
int lineLevel = HIGH;

void endCapture() {
  if (!capturing) return;
  capturing = false;
  int64_t real = realNs();
  if (virtualNs > real) offsetNs += virtualNs - real;
}

}  // namespace

uint32_t millis() {
  endCapture();
  return static_cast<uint32_t>(realNs() / 1000000);
}

uint32_t micros() {
  if (capturing) {
    virtualNs += hostArgs().pollStepNs;
    return static_cast<uint32_t>(virtualNs / 1000);
  }
  return static_cast<uint32_t>(realNs() / 1000);
}

void delay(uint32_t ms) {
  endCapture();
  std::this_thread::sleep_for(std::chrono::milliseconds(ms));
}

void delayMicroseconds(uint32_t us) {
  if (capturing) {
    virtualNs += static_cast<int64_t>(us) * 1000;
    return;
  }
  std::this_thread::sleep_for(std::chrono::microseconds(us));
}

void pinMode(uint8_t pin, uint8_t mode) {
  if (pin != DHT_PIN) return;
  endCapture();
  bool wasDrivenLow = pinModeNow == OUTPUT && pinOut == LOW;
  pinModeNow = mode;
  if (mode == OUTPUT) {
    if (pinOut == LOW) lowSinceNs = realNs();
    return;
  }
  if (wasDrivenLow && lowSinceNs >= 0) {
    int64_t lowNs = realNs() - lowSinceNs;
    bool longEnough = lowNs >= (hostArgs().model == 11 ? 18000000 : 1000000);
    lowSinceNs = -1;
    if (!longEnough) return;  // a real DHT ignores a start pulse that is too short
    frame = nextFrame();
    std::printf("fake-dht: frame %ld: %s\n", framesSent, frame.what.c_str());
    capturing = true;
    virtualNs = realNs();
    releaseNs = virtualNs;
    frameIndex = 0;
    lineLevel = HIGH;
  }
}

void digitalWrite(uint8_t pin, uint8_t value) {
  if (pin != DHT_PIN) return;
  pinOut = value;
  if (pinModeNow == OUTPUT && value == LOW) lowSinceNs = realNs();
}

int digitalRead(uint8_t pin) {
  if (pin != DHT_PIN) return HIGH;
  if (pinModeNow == OUTPUT) return pinOut;
  if (!capturing) return HIGH;  // the pull-up
  int64_t t = virtualNs - releaseNs;
  while (frameIndex < frame.edges.size() && frame.edges[frameIndex].ns <= t) {
    lineLevel = frame.edges[frameIndex].rising ? HIGH : LOW;
    frameIndex++;
  }
  return lineLevel;
}

long random(long max) { return static_cast<long>(rng() % static_cast<uint32_t>(max)); }

void configTime(long, int, const char*) {}  // the host clock is already synced

wl_status_t WiFiClass::status() {
  const std::string& f = hostArgs().wifiDownFile;
  if (!f.empty() && access(f.c_str(), F_OK) == 0) return WL_DISCONNECTED;
  return WL_CONNECTED;
}

void WiFiClass::macAddress(uint8_t* mac) {
  const uint8_t fake[6] = {0x24, 0x6f, 0x28, 0xa1, 0xb2, 0xc3};
  for (int i = 0; i < 6; i++) mac[i] = fake[i];
}

bool Preferences::begin(const char* name, bool) {
  ns_ = name;
  values_.clear();
  if (hostArgs().nvsFile.empty()) return true;
  std::ifstream in(hostArgs().nvsFile);
  std::string key;
  uint32_t value;
  while (in >> key >> value) values_[key] = value;
  return true;
}

uint32_t Preferences::getUInt(const char* key, uint32_t fallback) {
  auto it = values_.find(ns_ + "." + key);
  return it == values_.end() ? fallback : it->second;
}

size_t Preferences::putUInt(const char* key, uint32_t value) {
  values_[ns_ + "." + key] = value;
  if (!hostArgs().nvsFile.empty()) {
    std::ofstream out(hostArgs().nvsFile, std::ios::trunc);
    for (auto& kv : values_) out << kv.first << " " << kv.second << "\n";
  }
  return sizeof value;
}

void Preferences::end() {}
