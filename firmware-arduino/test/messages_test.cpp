// Payloads and topics of the MQTT contract, checked by parsing them back.
#include <doctest/doctest.h>

#include <cstring>
#include <string>

#include "../dht_node/src/dhtnode/backoff.h"
#include "../dht_node/src/dhtnode/json_writer.h"
#include "../dht_node/src/dhtnode/messages.h"
#include "mini_json.h"

using namespace dhtnode;
using minijson::Value;

namespace {
Reading sample() {
  Reading r{};
  r.seq = 42;
  r.epochMs = 1795816800123LL;  // 2026-11-27T22:00:00.123Z
  r.temperatureTenths = 215;
  r.humidityTenths = 480;
  r.model = Model::DHT11;
  return r;
}
}  // namespace

TEST_CASE("a reading payload is the contract's example, field for field") {
  char out[512];
  size_t n = encodeReading(sample(), "esp32-a1b2c3", sample().epochMs, out, sizeof out);
  REQUIRE(n == strlen(out));
  CHECK(std::string(out) ==
        R"({"device_id":"esp32-a1b2c3","ts":"2026-11-27T22:00:00.123Z","seq":42,"temperature":21.5,)"
        R"("humidity":48.0,"source":"esp32","model":"dht11"})");
  Value v = minijson::parse(out);
  CHECK(v.at("temperature").type == Value::Number);
  CHECK(v.at("humidity").type == Value::Number);
  CHECK(v.at("seq").integral);
}

TEST_CASE("a reading without a synced clock leaves ts out and negative values keep their sign") {
  Reading r = sample();
  r.temperatureTenths = -61;
  r.humidityTenths = 5;
  r.model = Model::DHT22;
  r.seq = (7ULL << 32) + 3;
  char out[512];
  REQUIRE(encodeReading(r, "esp32-a1b2c3", -1, out, sizeof out) > 0);
  Value v = minijson::parse(out);
  CHECK(v.find("ts") == nullptr);
  CHECK(v.at("temperature").num == doctest::Approx(-6.1));
  CHECK(std::string(strstr(out, "\"temperature\":")) .find("-6.1") != std::string::npos);
  CHECK(v.at("humidity").num == doctest::Approx(0.5));
  CHECK(v.at("seq").num == doctest::Approx(30064771075.0));
  CHECK(v.at("model").str == "dht22");
}

TEST_CASE("a payload that does not fit is refused, not truncated") {
  char out[40];
  CHECK(encodeReading(sample(), "esp32-a1b2c3", sample().epochMs, out, sizeof out) == 0);
}

TEST_CASE("timestamps are ISO-8601 UTC with milliseconds") {
  char out[32];
  formatIsoUtc(0, out, sizeof out);
  CHECK(std::string(out) == "1970-01-01T00:00:00.000Z");
  formatIsoUtc(951782400999LL, out, sizeof out);  // leap day 2000
  CHECK(std::string(out) == "2000-02-29T00:00:00.999Z");
  formatIsoUtc(4102444799000LL, out, sizeof out);
  CHECK(std::string(out) == "2099-12-31T23:59:59.000Z");
}

TEST_CASE("device ids and prefixes are validated like the contract says") {
  CHECK(validDeviceId("esp32-a1b2c3"));
  CHECK(validDeviceId("pi_kitchen.1"));
  CHECK_FALSE(validDeviceId(""));
  CHECK_FALSE(validDeviceId("has space"));
  CHECK_FALSE(validDeviceId("a/b"));
  CHECK_FALSE(validDeviceId(std::string(65, 'a').c_str()));
  CHECK(validDeviceId(std::string(64, 'a').c_str()));
  CHECK(validPrefix("dht11"));
  CHECK(validPrefix("site/a"));
  CHECK_FALSE(validPrefix("dht11/#"));
  CHECK_FALSE(validPrefix("/dht11"));
  CHECK_FALSE(validPrefix(""));
  uint8_t mac[6] = {0x24, 0x6f, 0x28, 0xA1, 0xB2, 0xC3};
  char id[32];
  deviceIdFromMac(mac, id, sizeof id);
  CHECK(std::string(id) == "esp32-a1b2c3");
}

TEST_CASE("topics follow the contract") {
  char t[kTopicMax];
  REQUIRE(dataTopic("dht11", t, sizeof t));
  CHECK(std::string(t) == "dht11/sensor/data");
  REQUIRE(statusTopic("dht11", "esp32-a1b2c3", t, sizeof t));
  CHECK(std::string(t) == "dht11/status/esp32-a1b2c3");
  REQUIRE(discoveryTopic("homeassistant", "esp32-a1b2c3", "humidity", t, sizeof t));
  CHECK(std::string(t) == "homeassistant/sensor/dhtedge_esp32-a1b2c3_humidity/config");
  REQUIRE(discoveryTopic("homeassistant", "lab.esp32", "temperature", t, sizeof t));
  CHECK(std::string(t) == "homeassistant/sensor/dhtedge_lab_esp32_temperature/config");  // as the agent names it
  char small[10];
  CHECK_FALSE(dataTopic("dht11", small, sizeof small));
}

TEST_CASE("status payloads are the contract's") {
  char out[128];
  encodeStatus(true, "esp32-a1b2c3", out, sizeof out);
  CHECK(std::string(out) == R"({"status":"online","device_id":"esp32-a1b2c3"})");
  encodeStatus(false, "esp32-a1b2c3", out, sizeof out);
  CHECK(std::string(out) == R"({"status":"offline","device_id":"esp32-a1b2c3"})");
}

TEST_CASE("Home Assistant discovery configs filter on the device and carry availability") {
  DiscoveryInfo info{"dht11", "esp32-a1b2c3", "Greenhouse", "dht22", "0.1.0", 90};
  char out[kPayloadMax];
  size_t n = encodeDiscovery(info, "temperature", out, sizeof out);
  REQUIRE(n > 0);
  Value v = minijson::parse(out);
  CHECK(v.at("unique_id").str == "dhtedge_esp32-a1b2c3_temperature");  // the agent's id for the device
  CHECK(v.at("device_class").str == "temperature");
  CHECK(v.at("unit_of_measurement").str == "\xC2\xB0" "C");
  CHECK(v.at("state_class").str == "measurement");
  CHECK(v.at("state_topic").str == "dht11/sensor/data");
  CHECK(v.at("value_template").str ==
        "{% if value_json.device_id == 'esp32-a1b2c3' %}{{ value_json.temperature }}"
        "{% else %}{{ states(entity_id) }}{% endif %}");
  CHECK(v.at("expire_after").num == 90);
  const Value& a = v.at("availability").arr.at(0);
  CHECK(a.at("topic").str == "dht11/status/esp32-a1b2c3");
  CHECK(a.at("payload_available").str == "online");
  CHECK(a.at("payload_not_available").str == "offline");
  CHECK(a.at("value_template").str == "{{ value_json.status }}");
  const Value& d = v.at("device");
  CHECK(d.at("identifiers").arr.at(0).str == "dhtedge_esp32-a1b2c3");
  CHECK(d.at("name").str == "Greenhouse");
  CHECK(d.at("model").str == "DHT22 on ESP32");
  CHECK(d.at("sw_version").str == "0.1.0");
  n = encodeDiscovery(info, "humidity", out, sizeof out);
  REQUIRE(n > 0);
  Value h = minijson::parse(out);
  CHECK(h.at("unit_of_measurement").str == "%");
  CHECK(h.at("device_class").str == "humidity");
}

TEST_CASE("discovery configs fit the payload buffer even with the longest ids, names and prefixes") {
  std::string id(64, 'x'), name(64, 'N'), prefix(64, 'p');
  DiscoveryInfo info{prefix.c_str(), id.c_str(), name.c_str(), "dht22", "0.1.0", 86400};
  char out[kPayloadMax];
  size_t n = encodeDiscovery(info, "temperature", out, sizeof out);
  CHECK(n > 0);
  char topic[kTopicMax];
  CHECK(discoveryTopic("homeassistant", id.c_str(), "temperature", topic, sizeof topic));
  CHECK(n + strlen(topic) + 8 < 2048);  // the device's MQTT packet buffer
  CHECK(encodeDiscovery(info, "humidity", out, sizeof out) > 0);
}

TEST_CASE("the JSON writer escapes strings") {
  char out[128];
  JsonWriter w(out, sizeof out);
  w.beginObject().key("a\"b").string("line\nnext\\ \x01").key("n").null().key("f").boolean(false).endObject();
  REQUIRE(w.ok());
  Value v = minijson::parse(out);
  CHECK(v.at("a\"b").str == "line\nnext\\ \x01");
  CHECK(v.at("n").type == Value::Null);
}

TEST_CASE("back-off doubles up to its ceiling with jitter and resets after a success") {
  Backoff b(1000, 8000);
  CHECK(b.due(0));
  uint32_t d1 = b.fail(0, 0);
  CHECK(d1 >= 800);
  CHECK(d1 <= 1200);
  CHECK_FALSE(b.due(d1 - 1));
  CHECK(b.due(d1));
  uint32_t d2 = b.fail(d1, 123456);
  CHECK(d2 >= 1600);
  CHECK(d2 < 2400);
  b.fail(0, 7);
  b.fail(0, 7);
  uint32_t d5 = b.fail(0, 99999);
  CHECK(d5 >= 6400);
  CHECK(d5 < 9600);
  b.succeed();
  CHECK(b.due(0));
  CHECK(b.fail(0, 0) <= 1200);
  // wrap-around of millis()
  Backoff w(1000, 8000);
  uint32_t d = w.fail(0xFFFFFF00u, 0);
  CHECK_FALSE(w.due(0xFFFFFF00u + d - 1));
  CHECK(w.due(0xFFFFFF00u + d));
}
