// The C++ decoder on the shared trace corpus: the same bar as the Java one.
// >= 99.5 % of must_decode frames recovered per folder, and never a wrong value.
#include <doctest/doctest.h>

#include <cstdio>
#include <cstring>
#include <map>
#include <string>

#include "../dht_node/src/dhtnode/dht_decoder.h"
#include "mini_json.h"
#include "trace_file.h"

using dhtnode::Decoder;
using dhtnode::Model;

namespace {

struct FolderStats {
  int frames = 0, mustDecode = 0, recovered = 0, wrong = 0, refusedDamaged = 0, exactDamaged = 0;
  std::map<std::string, int> reasons;  // failures on must_decode frames
};

FolderStats runFolder(const std::string& folder) {
  std::string dir = tracefile::tracesDir() + "/" + folder;
  minijson::Value manifest = minijson::parse(tracefile::readText(dir + "/manifest.json"));
  REQUIRE(manifest.type == minijson::Value::Array);
  FolderStats s;
  Decoder decoder;
  for (const auto& entry : manifest.arr) {
    std::string file = entry.at("file").str;
    Model model = entry.at("model").str == "dht11" ? Model::DHT11 : Model::DHT22;
    bool must = entry.at("must_decode").b;
    uint8_t truth[5];
    for (int i = 0; i < 5; i++) truth[i] = static_cast<uint8_t>(entry.at("bytes").arr.at(i).num);
    tracefile::Trace t = tracefile::read(dir + "/" + file);
    dhtnode::DhtResult r = decoder.decode(model, t.edges.data(), t.edges.size());
    s.frames++;
    bool exact = r.ok && memcmp(r.bytes, truth, 5) == 0;
    if (r.ok && !exact) {
      s.wrong++;
      MESSAGE("WRONG VALUE from " << folder << "/" << file);
    }
    if (must) {
      s.mustDecode++;
      if (exact) {
        s.recovered++;
        // the values must be the manifest's
        double h = entry.at("expect").at("humidity").num, te = entry.at("expect").at("temperature").num;
        CHECK(r.humidityTenths == static_cast<int>(h * 10 + (h >= 0 ? 0.5 : -0.5)));
        CHECK(r.temperatureTenths == static_cast<int>(te * 10 + (te >= 0 ? 0.5 : -0.5)));
      } else if (!r.ok) {
        s.reasons[std::string(entry.at("category").str) + " " + dhtnode::failureId(r.reason)]++;
        MESSAGE("not recovered: " << folder << "/" << file << ": " << dhtnode::failureId(r.reason) << ": "
                                  << r.detail);
      }
    } else {
      if (r.ok) s.exactDamaged += exact; else s.refusedDamaged++;
    }
  }
  std::printf("corpus %-9s frames=%d must_decode=%d recovered=%d (%.2f %%) wrong=%d damaged: refused=%d exact=%d\n",
              folder.c_str(), s.frames, s.mustDecode, s.recovered,
              s.mustDecode ? 100.0 * s.recovered / s.mustDecode : 100.0, s.wrong, s.refusedDamaged, s.exactDamaged);
  for (auto& kv : s.reasons) std::printf("  not recovered: %s x%d\n", kv.first.c_str(), kv.second);
  return s;
}

}  // namespace

TEST_CASE("real captures: at least 99.5 percent of must_decode frames recovered and no wrong value") {
  FolderStats s = runFolder("real");
  CHECK(s.frames > 100);
  CHECK(s.wrong == 0);
  CHECK(s.recovered * 1000 >= s.mustDecode * 995);
}

TEST_CASE("synthetic captures: at least 99.5 percent of must_decode frames recovered and no wrong value") {
  FolderStats s = runFolder("synthetic");
  CHECK(s.frames > 300);
  CHECK(s.wrong == 0);
  CHECK(s.recovered * 1000 >= s.mustDecode * 995);
}
