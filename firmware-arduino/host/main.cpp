// dht_node_host: the sketch (dht_node.ino, unchanged) on the host, against the
// fakes of the Arduino API and a real MQTT client (libmosquitto).
//
//   dht_node_host --broker 127.0.0.1:1883 --readings 5 [options]
//
// Runs setup() then loop() until --readings readings were published (or, with
// --reads N, N read attempts were made and nothing is left buffered): exit 0;
// or until --timeout-s passed: exit 1.
#include <mosquitto.h>
#include <unistd.h>

#include <chrono>
#include <cstring>
#include <string>

#include "../dht_node/dht_node.ino"

HostArgs& hostArgs() {
  static HostArgs args;
  return args;
}

static void usage() {
  std::printf(
      "usage: dht_node_host --broker HOST:PORT [--readings N] [--timeout-s S] [--interval-ms MS]\n"
      "       [--model dht11|dht22] [--device-id ID] [--prefix P] [--user U --password P] [--ca-file CA.pem]\n"
      "       [--traces DIR [--traces-filter must|damaged|all]] [--reads N] [--nvs-file F] [--wifi-down-file F] [--no-discovery] [--crash]\n"
      "       [--poll-step-ns NS]\n");
}

static bool parseArgs(int argc, char** argv) {
  HostArgs& a = hostArgs();
  for (int i = 1; i < argc; i++) {
    std::string k = argv[i];
    auto value = [&](const char* name) -> std::string {
      if (i + 1 >= argc) {
        std::fprintf(stderr, "%s needs a value\n", name);
        std::exit(2);
      }
      return argv[++i];
    };
    if (k == "--broker") {
      std::string b = value("--broker");
      auto colon = b.rfind(':');
      if (colon == std::string::npos) {
        a.host = b;
      } else {
        a.host = b.substr(0, colon);
        a.port = std::stoi(b.substr(colon + 1));
      }
    } else if (k == "--readings") {
      a.readings = std::stol(value("--readings"));
    } else if (k == "--timeout-s") {
      a.timeoutS = std::stod(value("--timeout-s"));
    } else if (k == "--interval-ms") {
      a.intervalMs = static_cast<uint32_t>(std::stoul(value("--interval-ms")));
    } else if (k == "--model") {
      std::string m = value("--model");
      if (m != "dht11" && m != "dht22") return false;
      a.model = m == "dht11" ? 11 : 22;
    } else if (k == "--device-id") {
      a.deviceId = value("--device-id");
    } else if (k == "--prefix") {
      a.prefix = value("--prefix");
    } else if (k == "--user") {
      a.username = value("--user");
    } else if (k == "--ca-file") {
      a.caFile = value("--ca-file");
    } else if (k == "--password") {
      a.password = value("--password");
    } else if (k == "--traces") {
      a.tracesDir = value("--traces");
    } else if (k == "--traces-filter") {
      a.tracesFilter = value("--traces-filter");
      if (a.tracesFilter != "must" && a.tracesFilter != "damaged" && a.tracesFilter != "all") return false;
    } else if (k == "--reads") {
      a.reads = std::stol(value("--reads"));
    } else if (k == "--nvs-file") {
      a.nvsFile = value("--nvs-file");
    } else if (k == "--wifi-down-file") {
      a.wifiDownFile = value("--wifi-down-file");
    } else if (k == "--no-discovery") {
      a.haDiscovery = false;
    } else if (k == "--crash") {
      a.crash = true;
    } else if (k == "--poll-step-ns") {
      a.pollStepNs = static_cast<uint32_t>(std::stoul(value("--poll-step-ns")));
    } else {
      std::fprintf(stderr, "unknown option %s\n", k.c_str());
      return false;
    }
  }
  return true;
}

int main(int argc, char** argv) {
  setvbuf(stdout, nullptr, _IOLBF, 0);
  bool hasBroker = false;
  for (int i = 1; i < argc; i++) hasBroker = hasBroker || std::strcmp(argv[i], "--broker") == 0;
  if (!hasBroker) {
    std::fprintf(stderr, "--broker is required (never a default broker: tests use a private one)\n");
    usage();
    return 2;
  }
  if (!parseArgs(argc, argv)) {
    usage();
    return 2;
  }
  mosquitto_lib_init();
  setup();
  auto start = std::chrono::steady_clock::now();
  int code = 1;
  for (;;) {
    loop();
    const dhtnode::NodeMemory& mem = node->memory();
    bool done = hostArgs().reads > 0
                    ? mem.readsOk + mem.readsFailed >= static_cast<uint32_t>(hostArgs().reads) && node->buffered() == 0
                    : mem.published >= static_cast<uint32_t>(hostArgs().readings);
    if (done) {
      code = 0;
      break;
    }
    double elapsed = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    if (elapsed > hostArgs().timeoutS) break;
  }
  const dhtnode::NodeMemory& m = node->memory();
  std::printf("host: %s: published %lu readings (%lu read, %lu failed reads, %lu dropped, %u still buffered)\n",
              code == 0 ? "done" : "TIMEOUT", static_cast<unsigned long>(m.published),
              static_cast<unsigned long>(m.readsOk), static_cast<unsigned long>(m.readsFailed),
              static_cast<unsigned long>(m.dropped), static_cast<unsigned>(node->buffered()));
  for (int r = 1; r <= static_cast<int>(dhtnode::Failure::LostEdge); r++) {
    uint32_t n = node->failures().byReason[r];
    if (n > 0) std::printf("host: failure %s x%lu\n", dhtnode::failureId(static_cast<dhtnode::Failure>(r)),
                           static_cast<unsigned long>(n));
  }
  if (hostArgs().crash) {
    std::printf("host: crashing on purpose (no MQTT DISCONNECT: the broker publishes the will)\n");
    std::fflush(stdout);
    mqtt->dropWithoutDisconnect();
    _exit(code);
  }
  mqtt->disconnect();
  mosquitto_lib_cleanup();
  return code;
}
