// Capture faults applied to a frame's edges, for the fuzz tests and the Java parity check.
#pragma once

#include <algorithm>
#include <random>
#include <vector>

#include "../dht_node/src/dhtnode/dht_decoder.h"

namespace mutations {

using dhtnode::Edge;

inline std::vector<Edge> mutate(std::vector<Edge> e, std::mt19937& rng) {
  if (e.empty()) return e;
  auto pick = [&](size_t n) { return std::uniform_int_distribution<size_t>(0, n - 1)(rng); };
  auto us = [&](double lo, double hi) {
    return static_cast<int64_t>(std::uniform_real_distribution<double>(lo, hi)(rng) * 1000);
  };
  int kinds = 1 + static_cast<int>(pick(3));
  for (int m = 0; m < kinds && !e.empty(); m++) {
    size_t i = pick(e.size());
    switch (pick(8)) {
      case 0:  // drop one edge (a full event queue)
        e.erase(e.begin() + i);
        break;
      case 1:  // drop a run of edges
        e.erase(e.begin() + i, e.begin() + std::min(e.size(), i + 1 + pick(6)));
        break;
      case 2: {  // one edge late (IRQ latency), keeping order
        int64_t late = us(1, 60);
        e[i].ns += late;
        for (size_t j = i + 1; j < e.size() && e[j].ns < e[i].ns; j++) e[j].ns = e[i].ns;
        break;
      }
      case 3: {  // a glitch pulse of any width inside a pulse
        if (i + 1 >= e.size()) break;
        int64_t gap = e[i + 1].ns - e[i].ns;
        if (gap < 4000) break;
        int64_t at = e[i].ns + us(0.5, gap / 1000.0 - 1.5);
        int64_t w = us(0.3, 30);
        if (at + w >= e[i + 1].ns) w = (e[i + 1].ns - at) / 2;
        bool level = e[i].rising;  // the line is high after a rising edge
        e.insert(e.begin() + i + 1, {at, !level});
        e.insert(e.begin() + i + 2, {at + w, level});
        break;
      }
      case 4:  // the same edge seen twice
        e.insert(e.begin() + i, e[i]);
        break;
      case 5:  // capture starts late
        e.erase(e.begin(), e.begin() + std::min(e.size(), pick(12)));
        break;
      case 6:  // capture stops early
        e.resize(e.size() - std::min(e.size(), pick(4)));
        break;
      case 7: {  // stray pulse after the release
        int64_t t = e.back().ns + us(5, 300);
        e.push_back({t, false});
        e.push_back({t + us(20, 80), true});
        break;
      }
    }
  }
  return e;
}

}  // namespace mutations
