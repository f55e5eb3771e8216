// Helper for java_parity.sh.
//   parity_tool gen DIR N     writes N mutated traces (generated frames and mutated corpus frames)
//                             into DIR and prints "<model> <path>" per trace
//   parity_tool decode        reads "<model> <path>" lines, prints "<name> ok b0 b1 b2 b3 b4" or
//                             "<name> fail <reason-id>" per line, the format Parity.java prints
#include <cstdio>
#include <fstream>
#include <iostream>
#include <random>
#include <string>

#include "../dht_node/src/dhtnode/dht_decoder.h"
#include "mini_json.h"
#include "mutations.h"
#include "trace_file.h"
#include "waveform.h"

using dhtnode::Model;

static void write(const std::string& path, const std::vector<dhtnode::Edge>& e, const char* model) {
  std::ofstream out(path);
  out << "# model: " << model << "\n";
  for (auto& x : e) out << (x.ns + 1000000000LL) << (x.rising ? " R" : " F") << "\n";
}

int main(int argc, char** argv) {
  std::string mode = argc > 1 ? argv[1] : "";
  if (mode == "gen" && argc == 4) {
    std::string dir = argv[2];
    int n = std::stoi(argv[3]);
    std::mt19937 rng(99);
    std::string real = tracefile::tracesDir() + "/real";
    minijson::Value manifest = minijson::parse(tracefile::readText(real + "/manifest.json"));
    for (int i = 0; i < n; i++) {
      std::vector<dhtnode::Edge> e;
      const char* model;
      if (i % 2 == 0) {
        model = (i % 4 == 0) ? "dht11" : "dht22";
        uint8_t b[5];
        int rh = std::uniform_int_distribution<int>(100, 990)(rng);
        if (model[4] == '1') rh = rh / 10 * 10;
        waveform::encode(model[4] == '1' ? Model::DHT11 : Model::DHT22, rh,
                         std::uniform_int_distribution<int>(-200, 600)(rng), b);
        waveform::Timing t;
        t.clock = std::uniform_real_distribution<double>(0.8, 1.2)(rng);
        t.spreadUs = 2;
        e = waveform::frame(b, t, &rng);
      } else {
        const auto& entry = manifest.arr[static_cast<size_t>(i / 2) % manifest.arr.size()];
        model = entry.at("model").str == "dht11" ? "dht11" : "dht22";
        e = tracefile::read(real + "/" + entry.at("file").str).edges;
        int64_t origin = e.front().ns;
        for (auto& x : e) x.ns -= origin;
      }
      e = mutations::mutate(e, rng);
      if (e.empty()) continue;
      char path[512];
      std::snprintf(path, sizeof path, "%s/m%05d.trace", dir.c_str(), i);
      write(path, e, model);
      std::printf("%s %s\n", model, path);
    }
    return 0;
  }
  if (mode == "decode") {
    dhtnode::Decoder decoder;
    std::string model, path;
    while (std::cin >> model >> path) {
      tracefile::Trace t = tracefile::read(path);
      dhtnode::DhtResult r = decoder.decode(model == "dht11" ? Model::DHT11 : Model::DHT22, t.edges.data(),
                                            t.edges.size());
      std::string name = path.substr(path.find_last_of('/') + 1);
      if (r.ok) {
        std::printf("%s ok %u %u %u %u %u\n", name.c_str(), r.bytes[0], r.bytes[1], r.bytes[2], r.bytes[3],
                    r.bytes[4]);
      } else {
        std::printf("%s fail %s\n", name.c_str(), dhtnode::failureId(r.reason));
      }
    }
    return 0;
  }
  std::fprintf(stderr, "usage: parity_tool gen DIR N | parity_tool decode < list\n");
  return 2;
}
