// A simulated DHT11/DHT22 answer: the edges the sensor puts on the data line
// after the host releases it, for given bytes and timing. Used by the host
// fake of the data pin (digitalRead) and by the decoder's fuzz tests.
#pragma once

#include <cstdint>
#include <random>
#include <vector>

#include "../dht_node/src/dhtnode/dht_decoder.h"

namespace waveform {

struct Timing {
  double clock = 1.0;        // sensor clock factor: 1.2 = every pulse 20 % longer
  double waitUs = 30;        // release -> sensor pulls low
  double answerLowUs = 80;
  double answerHighUs = 80;
  double lowUs = 50;
  double zeroHighUs = 27;
  double oneHighUs = 70;
  double endLowUs = 50;
  double spreadUs = 0;       // uniform +-spread on every pulse (part-to-part noise)
};

// Edges in ns from the release (t = 0), starting with the sensor's first falling edge and
// ending with the release after the end low (a rising edge).
inline std::vector<dhtnode::Edge> frame(const uint8_t bytes[5], const Timing& t, std::mt19937* rng = nullptr) {
  std::uniform_real_distribution<double> noise(-1.0, 1.0);
  auto d = [&](double us) {
    double v = us * t.clock;
    if (rng && t.spreadUs > 0) v += t.spreadUs * noise(*rng);
    return static_cast<int64_t>(v * 1000.0);
  };
  std::vector<dhtnode::Edge> e;
  int64_t now = d(t.waitUs);
  e.push_back({now, false});
  now += d(t.answerLowUs);
  e.push_back({now, true});
  now += d(t.answerHighUs);
  e.push_back({now, false});
  for (int k = 0; k < 40; k++) {
    now += d(t.lowUs);
    e.push_back({now, true});
    bool one = (bytes[k >> 3] & (0x80 >> (k & 7))) != 0;
    now += d(one ? t.oneHighUs : t.zeroHighUs);
    e.push_back({now, false});
  }
  now += d(t.endLowUs);
  e.push_back({now, true});
  return e;
}

// The five bytes a sensor sends for these values (tenths), checksum included.
inline void encode(dhtnode::Model model, int humidityTenths, int temperatureTenths, uint8_t out[5]) {
  if (model == dhtnode::Model::DHT11) {
    out[0] = static_cast<uint8_t>(humidityTenths / 10);
    out[1] = static_cast<uint8_t>(humidityTenths % 10);
    int a = temperatureTenths < 0 ? -temperatureTenths : temperatureTenths;
    out[2] = static_cast<uint8_t>(a / 10);
    out[3] = static_cast<uint8_t>((a % 10) | (temperatureTenths < 0 ? 0x80 : 0));
  } else {
    out[0] = static_cast<uint8_t>(humidityTenths >> 8);
    out[1] = static_cast<uint8_t>(humidityTenths & 0xFF);
    int a = temperatureTenths < 0 ? -temperatureTenths : temperatureTenths;
    out[2] = static_cast<uint8_t>(((a >> 8) & 0x7F) | (temperatureTenths < 0 ? 0x80 : 0));
    out[3] = static_cast<uint8_t>(a & 0xFF);
  }
  out[4] = static_cast<uint8_t>((out[0] + out[1] + out[2] + out[3]) & 0xFF);
}

}  // namespace waveform
