// The node loop against an in-memory platform and MQTT link: ordering, the
// bounded ring buffer, back-dating readings taken before SNTP synced, the will.
// (The same loop against a real broker: test/mqtt_*.sh.)
#include <doctest/doctest.h>

#include <cstring>
#include <string>
#include <vector>

#include "../dht_node/src/dhtnode/node.h"
#include "mini_json.h"
#include "waveform.h"

using namespace dhtnode;

namespace {

struct FakePlatform : Platform {
  uint32_t now = 0;
  int64_t epoch = -1;  // -1: not synced
  bool up = true;
  int reconnects = 0;
  int t = 200;  // tenths, increases per read
  bool sensorDead = false;
  std::vector<std::string> lines;
  uint32_t millis() override { return now; }
  int64_t epochMs() override { return epoch < 0 ? -1 : epoch + now; }
  bool networkUp() override { return up; }
  void reconnectNetwork() override { reconnects++; }
  size_t captureEdges(Model model, Edge* edges, size_t capacity, Failure*) override {
    if (sensorDead) return 0;
    uint8_t b[5];
    waveform::encode(model, 455, t++, b);
    std::vector<Edge> e = waveform::frame(b, waveform::Timing{});
    size_t n = e.size() < capacity ? e.size() : capacity;
    std::copy(e.begin(), e.begin() + n, edges);
    return n;
  }
  uint32_t random32() override { return 12345; }
  void log(const char* line) override { lines.emplace_back(line); }
  bool logged(const std::string& part) const {
    for (auto& l : lines)
      if (l.find(part) != std::string::npos) return true;
    return false;
  }
};

struct Message {
  std::string topic, payload;
  bool retained;
  int qos;
};

struct FakeLink : MqttLink {
  bool brokerUp = true;
  bool isConnected = false;
  MqttConnectOptions last{};
  std::string willTopic, willPayload;
  std::vector<Message> sent;
  int connects = 0;
  bool connect(const MqttConnectOptions& o) override {
    connects++;
    last = o;
    willTopic = o.willTopic;
    willPayload = o.willPayload;
    isConnected = brokerUp;
    return isConnected;
  }
  bool connected() override { return isConnected && brokerUp; }
  bool publish(const char* topic, const char* payload, size_t length, bool retained, int qos) override {
    if (!connected()) return false;
    sent.push_back({topic, std::string(payload, length), retained, qos});
    return true;
  }
  void loop() override {}
  void disconnect() override { isConnected = false; }
  const char* lastError() override { return brokerUp ? "none" : "connection refused"; }
  std::vector<minijson::Value> readings() const {
    std::vector<minijson::Value> out;
    for (auto& m : sent)
      if (m.topic == "dht11/sensor/data") out.push_back(minijson::parse(m.payload));
    return out;
  }
};

NodeConfig config() {
  NodeConfig c;
  c.deviceId = "esp32-a1b2c3";
  c.model = Model::DHT22;
  c.intervalMs = 2000;
  c.haDiscovery = true;
  return c;
}

void runFor(Node& node, FakePlatform& p, uint32_t ms) {
  for (uint32_t end = p.now + ms; p.now < end; p.now += 100) node.tick();
}

}  // namespace

TEST_CASE("readings are published in order with increasing seq, status online first and a retained will") {
  FakePlatform p;
  FakeLink link;
  NodeMemory mem{};
  Reading ring[8];
  Node node(config(), p, link, mem, ring, 8);
  REQUIRE(node.begin(5ULL << 32));
  runFor(node, p, 11000);
  REQUIRE(link.sent.size() >= 4);
  CHECK(link.sent[0].topic == "dht11/status/esp32-a1b2c3");
  CHECK(link.sent[0].payload == R"({"status":"online","device_id":"esp32-a1b2c3"})");
  CHECK(link.sent[0].retained);
  CHECK(link.sent[1].topic == "homeassistant/sensor/dhtedge_esp32-a1b2c3_temperature/config");
  CHECK(link.sent[1].retained);
  CHECK(link.willTopic == "dht11/status/esp32-a1b2c3");
  CHECK(link.willPayload == R"({"status":"offline","device_id":"esp32-a1b2c3"})");
  CHECK(link.last.willRetain);
  auto r = link.readings();
  REQUIRE(r.size() == 5);  // t = 2, 4, 6, 8, 10 s
  for (size_t i = 0; i < r.size(); i++) {
    CHECK(r[i].at("seq").num == doctest::Approx(static_cast<double>((5ULL << 32) + i)));
    CHECK(r[i].at("temperature").num == doctest::Approx(20.0 + 0.1 * i));
    CHECK(r[i].at("source").str == "esp32");
    CHECK(r[i].find("ts") == nullptr);  // never synced
    CHECK_FALSE(link.sent[3 + i].retained);
    CHECK(link.sent[3 + i].qos == 1);
  }
}

TEST_CASE("a broker outage loses nothing that fits the ring buffer and keeps the order") {
  FakePlatform p;
  FakeLink link;
  NodeMemory mem{};
  Reading ring[64];
  Node node(config(), p, link, mem, ring, 64);
  REQUIRE(node.begin(0));
  runFor(node, p, 5000);
  link.brokerUp = false;
  runFor(node, p, 20000);
  CHECK(node.buffered() >= 9);
  CHECK(p.logged("mqtt: connection lost"));
  link.brokerUp = true;
  runFor(node, p, 40000);  // the back-off has grown; give it time
  auto r = link.readings();
  REQUIRE(r.size() >= 20);
  for (size_t i = 0; i < r.size(); i++) CHECK(r[i].at("seq").num == doctest::Approx(static_cast<double>(i)));
  CHECK(node.dropped() == 0);
  CHECK(link.connects >= 2);
}

TEST_CASE("a full ring buffer drops the oldest readings and counts them") {
  FakePlatform p;
  FakeLink link;
  link.brokerUp = false;
  NodeMemory mem{};
  Reading ring[4];
  Node node(config(), p, link, mem, ring, 4);
  REQUIRE(node.begin(0));
  runFor(node, p, 14500);  // reads at 2, 4, ... 14 s: seq 0..6
  CHECK(node.buffered() == 4);
  CHECK(node.dropped() == 3);
  CHECK(p.logged("buffer: full (4 readings); dropped the oldest, seq 0"));
  link.brokerUp = true;
  runFor(node, p, 40000);
  // Readings kept arriving while the back-off waited: whatever was dropped is the oldest, the
  // rest arrive in order without a gap.
  auto r = link.readings();
  REQUIRE(r.size() >= 4);
  CHECK(node.dropped() >= 3);
  for (size_t i = 0; i < r.size(); i++) CHECK(r[i].at("seq").num == node.dropped() + i);
}

TEST_CASE("readings taken before the clock synced are dated from millis once it has") {
  FakePlatform p;
  FakeLink link;
  link.brokerUp = false;
  NodeMemory mem{};
  Reading ring[8];
  Node node(config(), p, link, mem, ring, 8);
  REQUIRE(node.begin(0));
  runFor(node, p, 2500);  // one reading at t = 2000 ms, no clock
  REQUIRE(node.buffered() == 1);
  p.epoch = 1795816800000LL;  // synced: epoch at millis 0
  link.brokerUp = true;
  runFor(node, p, 3000);
  auto r = link.readings();
  REQUIRE(r.size() >= 1);
  CHECK(r[0].at("ts").str == "2026-11-27T22:00:02.000Z");
}

TEST_CASE("a failed read is logged with its reason and publishes nothing") {
  FakePlatform p;
  p.sensorDead = true;
  FakeLink link;
  NodeMemory mem{};
  Reading ring[8];
  Node node(config(), p, link, mem, ring, 8);
  REQUIRE(node.begin(0));
  runFor(node, p, 5000);
  CHECK(link.readings().empty());
  CHECK(p.logged("read: failed: no-response"));
  CHECK(node.failures().byReason[static_cast<int>(Failure::NoResponse)] == 2);
}

TEST_CASE("an interval below the model's minimum is raised and a bad device id keeps the node idle") {
  FakePlatform p;
  FakeLink link;
  NodeMemory mem{};
  Reading ring[8];
  NodeConfig c = config();
  c.intervalMs = 500;
  Node node(c, p, link, mem, ring, 8);
  REQUIRE(node.begin(0));
  CHECK(node.effectiveIntervalMs() == 2000);
  CHECK(p.logged("shorter than the dht22's minimum"));
  c.deviceId = "bad id";
  NodeMemory mem2{};
  Node bad(c, p, link, mem2, ring, 8);
  CHECK_FALSE(bad.begin(0));
  CHECK(p.logged("config: device id 'bad id' is not valid"));
}

TEST_CASE("memory kept across a deep sleep resumes seq and the buffered readings") {
  FakePlatform p;
  FakeLink link;
  link.brokerUp = false;
  NodeMemory mem{};
  Reading ring[8];
  {
    Node node(config(), p, link, mem, ring, 8);
    REQUIRE(node.begin(100));
    runFor(node, p, 6500);
    CHECK(node.buffered() == 3);
  }
  link.brokerUp = true;
  p.now = 0;  // millis restart after a wake-up
  Node node(config(), p, link, mem, ring, 8);
  REQUIRE(node.begin(999));  // ignored: the memory is not fresh
  CHECK(p.logged("resumed from RTC memory: 3 readings buffered, next seq 103"));
  runFor(node, p, 1000);
  auto r = link.readings();
  REQUIRE(r.size() == 4);  // 3 buffered + the immediate first read after a wake-up
  for (size_t i = 0; i < r.size(); i++) CHECK(r[i].at("seq").num == 100 + i);
}
