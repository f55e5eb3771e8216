// DHT11/DHT22 frame decoder: a line-by-line port of the Java decoder in
// gpio-driver (net.dhtedge.gpio.decode.DhtDecoder, FrameReader, CleanEdges,
// DhtValues) at commit 3da09ad of branch `decoder`. Same algorithm, same
// limits, same failure reason ids. Plain C++17, no Arduino dependency, no heap.
#pragma once

#include <stddef.h>
#include <stdint.h>

namespace dhtnode {

enum class Model : uint8_t { DHT11, DHT22 };

// "dht11" / "dht22".
const char* modelId(Model model);
// The shortest time between two start pulses the datasheet allows (ms).
uint32_t modelMinIntervalMs(Model model);

// Why a read produced no value. Ids match net.dhtedge.gpio.FailureReason.
enum class Failure : uint8_t {
  None,
  NoResponse,   // "no-response"
  TooFewEdges,  // "too-few-edges"
  Timing,       // "timing"
  Checksum,     // "checksum"
  Implausible,  // "implausible"
  Ambiguous,    // "ambiguous"
  Access,       // "access"
  Timeout,      // "timeout"
  Io,           // "io"
  LostEdge,     // "lost-edge"
};

const char* failureId(Failure reason);

// One edge on the data line: timestamp in nanoseconds (any origin) and direction.
struct Edge {
  int64_t ns;
  bool rising;
};

struct DhtResult {
  bool ok = false;
  Failure reason = Failure::None;
  uint8_t bytes[5] = {0, 0, 0, 0, 0};
  int humidityTenths = 0;     // %RH x 10
  int temperatureTenths = 0;  // degC x 10
  char detail[192] = {0};     // human-readable reason (empty on success)
};

// Bytes -> values, and what a model can send (port of DhtValues).
namespace values {
bool checksumMatches(const uint8_t b[5]);
int humidityTenths(Model model, const uint8_t b[5]);
int temperatureTenths(Model model, const uint8_t b[5]);
// Writes why the model cannot have sent these bytes into `why` and returns
// false, or returns true when it can.
bool plausible(Model model, const uint8_t b[5], char* why, size_t whySize);
// Formats tenths as "-6.1", "52.9", "0.0" into out (>= 8 chars). Returns out.
char* formatTenths(int tenths, char* out, size_t outSize);
}  // namespace values

// Decodes the edges recorded after the host released the line into the five
// bytes the sensor sent, or a typed failure. Never returns a value the sensor
// did not send. Not thread-safe: one instance per capture task. ~6 KiB.
class Decoder {
 public:
  static constexpr size_t kMaxEdges = 256;  // a frame has ~85 edges
  static constexpr int kBits = 40;
  static constexpr int kFrameEdges = 2 * kBits + 1;  // R_0 .. R_rel

  DhtResult decode(Model model, const Edge* edges, size_t count);

 private:
  // CleanEdges
  bool load(const Edge* edges, size_t count);
  // FrameReader
  bool read(int end, bool releaseSeen, Model model, uint8_t out[5]);
  bool checkStructure(int first, int end);
  double medianLow(bool firstLowSeen);
  bool checkTiming(int first, bool firstLowSeen, double endLow, double unit);
  bool classify(bool firstLowSeen, double endLow, double unit, uint8_t out[5]);
  bool fail(Failure reason, const char* fmt, ...);

  int64_t times_[kMaxEdges];
  bool rising_[kMaxEdges];
  int size_ = 0;
  int glitches_ = 0;
  int backwardsAt_ = -1;

  double lows_[kBits];
  double highs_[kBits];
  double estimate_[kBits];
  double scratch_[kBits];

  Failure failReason_ = Failure::None;
  char failDetail_[192];
};

}  // namespace dhtnode
