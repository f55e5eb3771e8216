// Mutation fuzzing: whatever happens to the edges, the decoder answers with the
// true bytes or a failure, never with a different value. Seeded: reproducible.
#include <doctest/doctest.h>

#include <cstring>
#include <dirent.h>
#include <random>
#include <string>
#include <vector>

#include "../dht_node/src/dhtnode/dht_decoder.h"
#include "mini_json.h"
#include "trace_file.h"
#include "mutations.h"
#include "waveform.h"

using dhtnode::Decoder;
using dhtnode::Edge;
using dhtnode::Model;
using mutations::mutate;

namespace {

void expectTrueOrFailure(const dhtnode::DhtResult& r, const uint8_t truth[5], const std::string& what) {
  if (r.ok && memcmp(r.bytes, truth, 5) != 0) {
    FAIL_CHECK("wrong value from " << what << ": got " << int(r.bytes[0]) << "," << int(r.bytes[1]) << ","
                                   << int(r.bytes[2]) << "," << int(r.bytes[3]));
  }
}

}  // namespace

TEST_CASE("mutated generated frames never decode to a wrong value") {
  std::mt19937 rng(20261127);
  Decoder decoder;
  int ok = 0, total = 0;
  for (int n = 0; n < 20000; n++) {
    Model model = (n & 1) ? Model::DHT22 : Model::DHT11;
    uint8_t truth[5];
    int rh = std::uniform_int_distribution<int>(50, 1000)(rng);
    int t = std::uniform_int_distribution<int>(-400, 800)(rng);
    if (model == Model::DHT11) rh = rh / 10 * 10 + (n % 3 == 0 ? rh % 10 : 0);
    waveform::encode(model, rh, t, truth);
    waveform::Timing timing;
    timing.clock = std::uniform_real_distribution<double>(0.8, 1.2)(rng);
    timing.spreadUs = 2;
    std::vector<Edge> e = mutate(waveform::frame(truth, timing, &rng), rng);
    dhtnode::DhtResult r = decoder.decode(model, e.data(), e.size());
    total++;
    ok += r.ok;
    expectTrueOrFailure(r, truth, "generated frame " + std::to_string(n));
  }
  MESSAGE("mutated generated frames: " << ok << " of " << total << " still decoded (to the true value)");
  CHECK(ok > 0);
  CHECK(ok < total);
}

TEST_CASE("mutated corpus frames never decode to a wrong value") {
  std::string dir = tracefile::tracesDir() + "/real";
  minijson::Value manifest = minijson::parse(tracefile::readText(dir + "/manifest.json"));
  std::mt19937 rng(42);
  Decoder decoder;
  int ok = 0, total = 0;
  for (const auto& entry : manifest.arr) {
    Model model = entry.at("model").str == "dht11" ? Model::DHT11 : Model::DHT22;
    uint8_t truth[5];
    for (int i = 0; i < 5; i++) truth[i] = static_cast<uint8_t>(entry.at("bytes").arr.at(i).num);
    tracefile::Trace t = tracefile::read(dir + "/" + entry.at("file").str);
    for (int m = 0; m < 40; m++) {
      std::vector<Edge> e = mutate(t.edges, rng);
      dhtnode::DhtResult r = decoder.decode(model, e.data(), e.size());
      total++;
      ok += r.ok;
      expectTrueOrFailure(r, truth, entry.at("file").str);
    }
  }
  MESSAGE("mutated real frames: " << ok << " of " << total << " still decoded (to the true value)");
  CHECK(total > 1000);
}

TEST_CASE("random edge soup never decodes") {
  std::mt19937 rng(7);
  Decoder decoder;
  int decoded = 0;
  for (int n = 0; n < 5000; n++) {
    std::vector<Edge> e;
    int64_t t = 0;
    bool level = true;
    size_t count = std::uniform_int_distribution<size_t>(0, 120)(rng);
    for (size_t i = 0; i < count; i++) {
      t += std::uniform_int_distribution<int64_t>(1000, 100000)(rng);
      level = !level;
      e.push_back({t, level});
    }
    decoded += decoder.decode(Model::DHT22, e.data(), e.size()).ok;
  }
  // Random widths with a valid checksum and plausible bytes are possible in principle but the
  // timing checks make them vanishingly rare; a decode here would be a wrong value.
  CHECK(decoded == 0);
}

TEST_CASE("a clean generated frame decodes to its bytes and values") {
  uint8_t b[5];
  waveform::encode(Model::DHT22, 652, -101, b);
  std::vector<Edge> e = waveform::frame(b, waveform::Timing{});
  Decoder decoder;
  dhtnode::DhtResult r = decoder.decode(Model::DHT22, e.data(), e.size());
  REQUIRE(r.ok);
  CHECK(r.humidityTenths == 652);
  CHECK(r.temperatureTenths == -101);
}

TEST_CASE("failure reasons carry the Java ids") {
  Decoder decoder;
  CHECK(std::string(dhtnode::failureId(decoder.decode(Model::DHT11, nullptr, 0).reason)) == "no-response");
  uint8_t b[5];
  waveform::encode(Model::DHT11, 450, 210, b);
  std::vector<Edge> e = waveform::frame(b, waveform::Timing{});
  // Stopped before the release: still read, anchored on the captured answer (decoder@18356db)...
  std::vector<Edge> cut(e.begin(), e.end() - 1);
  dhtnode::DhtResult anchored = decoder.decode(Model::DHT11, cut.data(), cut.size());
  CHECK(anchored.ok);
  CHECK(memcmp(anchored.bytes, b, 5) == 0);
  // ...but not when neither the release nor the answer was captured.
  std::vector<Edge> bare(e.begin() + 2, e.end() - 1);
  CHECK(std::string(dhtnode::failureId(decoder.decode(Model::DHT11, bare.data(), bare.size()).reason)) ==
        "too-few-edges");
  std::vector<Edge> few(e.begin(), e.begin() + 40);
  few.push_back({e[40].ns, true});
  CHECK(std::string(dhtnode::failureId(decoder.decode(Model::DHT11, few.data(), few.size()).reason)) ==
        "too-few-edges");
  std::vector<Edge> lost = e;
  lost.erase(lost.begin() + 40);
  lost.erase(lost.begin() + 40);  // two edges: alternation kept, one pulse gone
  CHECK(!decoder.decode(Model::DHT11, lost.data(), lost.size()).ok);
  std::vector<Edge> one = e;
  one.erase(one.begin() + 41);
  CHECK(std::string(dhtnode::failureId(decoder.decode(Model::DHT11, one.data(), one.size()).reason)) ==
        "lost-edge");
  b[4] ^= 1;
  std::vector<Edge> bad = waveform::frame(b, waveform::Timing{});
  CHECK(std::string(dhtnode::failureId(decoder.decode(Model::DHT11, bad.data(), bad.size()).reason)) == "checksum");
  uint8_t zero[5] = {0, 0, 0, 0, 0};
  std::vector<Edge> z = waveform::frame(zero, waveform::Timing{});
  CHECK(std::string(dhtnode::failureId(decoder.decode(Model::DHT11, z.data(), z.size()).reason)) == "implausible");
  std::vector<Edge> back = e;
  back[10].ns = back[9].ns - 1;
  CHECK(std::string(dhtnode::failureId(decoder.decode(Model::DHT11, back.data(), back.size()).reason)) == "timing");
}
