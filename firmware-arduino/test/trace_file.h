// Reads the trace corpus (/work/shared/dht11-traces format, see its README).
#pragma once

#include <cstdlib>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

#include "../dht_node/src/dhtnode/dht_decoder.h"

namespace tracefile {

struct Trace {
  std::vector<dhtnode::Edge> edges;
  std::string model;  // from "# model:" or empty
};

inline std::string readText(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw std::runtime_error("cannot read " + path);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

inline Trace parse(const std::string& text, const std::string& name) {
  Trace t;
  std::istringstream in(text);
  std::string line;
  int no = 0;
  while (std::getline(in, line)) {
    no++;
    if (!line.empty() && line.back() == '\r') line.pop_back();
    size_t p = line.find_first_not_of(" \t");
    if (p == std::string::npos) continue;
    if (line[p] == '#') {
      auto m = line.find("model:");
      if (m != std::string::npos) {
        std::string v = line.substr(m + 6);
        v.erase(0, v.find_first_not_of(" \t"));
        v.erase(v.find_last_not_of(" \t") + 1);
        t.model = v;
      }
      continue;
    }
    std::istringstream ls(line);
    long long ns;
    std::string dir;
    if (!(ls >> ns >> dir) || (dir != "R" && dir != "F"))
      throw std::runtime_error(name + ":" + std::to_string(no) + ": bad line '" + line + "'");
    t.edges.push_back({static_cast<int64_t>(ns), dir == "R"});
  }
  return t;
}

inline Trace read(const std::string& path) { return parse(readText(path), path); }

inline std::string tracesDir() {
  const char* env = std::getenv("DHT_TRACES_DIR");
  if (env && *env) return env;
#ifdef DHT_TRACES_DEFAULT
  return DHT_TRACES_DEFAULT;
#else
  return "../shared/dht11-traces";
#endif
}

}  // namespace tracefile
