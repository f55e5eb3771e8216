// Port of net.dhtedge.gpio.decode.{DhtDecoder,FrameReader,CleanEdges,DhtValues}
// (branch `decoder`, commit 3da09ad). Keep the constants and the order of the
// checks identical to the Java code: both must give the same answer for the
// same edges. See the Java sources for the reasoning behind each limit.
#include "dht_decoder.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

namespace dhtnode {

const char* modelId(Model model) { return model == Model::DHT11 ? "dht11" : "dht22"; }

uint32_t modelMinIntervalMs(Model model) { return model == Model::DHT11 ? 1000 : 2000; }

const char* failureId(Failure reason) {
  switch (reason) {
    case Failure::None: return "none";
    case Failure::NoResponse: return "no-response";
    case Failure::TooFewEdges: return "too-few-edges";
    case Failure::Timing: return "timing";
    case Failure::Checksum: return "checksum";
    case Failure::Implausible: return "implausible";
    case Failure::Ambiguous: return "ambiguous";
    case Failure::Access: return "access";
    case Failure::Timeout: return "timeout";
    case Failure::Io: return "io";
    case Failure::LostEdge: return "lost-edge";
  }
  return "unknown";
}

namespace {
// CleanEdges: pulses shorter than this are glitches, not signal.
constexpr int64_t kGlitchNs = 6000;
// DhtDecoder: a whole answer (80 + 80 us, then 40 bits of at most ~125 us) lasts < 5 ms.
constexpr int64_t kAnswerNs = 5000000;
// FrameReader limits, in units of the frame's median data low.
constexpr double kLowMin = 0.60;
constexpr double kLowMax = 1.45;
constexpr double kEndLowMin = 0.50;
constexpr double kEndLowMax = 1.60;
constexpr double kHighMax = 2.0;
constexpr double kAnswerHighMin = 1.15;
constexpr double kAnswerHighMax = 2.3;
constexpr double kAnswerLowMin = 0.75;
constexpr double kThresholdPrior = 0.95;
constexpr double kThresholdMin = 0.80;
constexpr double kThresholdMax = 1.10;
constexpr double kAmbiguousHalfBand = 0.08;
constexpr double kFirstHighExcessMax = 0.15;
constexpr double kUnitMinUs = 28.0;
constexpr double kUnitMaxUs = 90.0;

double micros(int64_t nanos) { return nanos / 1000.0; }

void formatBytes(const uint8_t b[5], char* out, size_t size) {
  snprintf(out, size, "[%u, %u, %u, %u, %u]", b[0], b[1], b[2], b[3], b[4]);
}
}  // namespace

namespace values {

bool checksumMatches(const uint8_t b[5]) { return ((b[0] + b[1] + b[2] + b[3]) & 0xFF) == b[4]; }

int humidityTenths(Model model, const uint8_t b[5]) {
  return model == Model::DHT11 ? b[0] * 10 + b[1] : (b[0] << 8) | b[1];
}

int temperatureTenths(Model model, const uint8_t b[5]) {
  if (model == Model::DHT11) {
    int magnitude = b[2] * 10 + (b[3] & 0x7F);
    return (b[3] & 0x80) != 0 ? -magnitude : magnitude;
  }
  int magnitude = ((b[2] & 0x7F) << 8) | b[3];
  return (b[2] & 0x80) != 0 ? -magnitude : magnitude;
}

char* formatTenths(int tenths, char* out, size_t outSize) {
  int a = tenths < 0 ? -tenths : tenths;
  snprintf(out, outSize, "%s%d.%d", tenths < 0 ? "-" : "", a / 10, a % 10);
  return out;
}

bool plausible(Model model, const uint8_t b[5], char* why, size_t whySize) {
  char t1[16];
  if ((b[0] | b[1] | b[2] | b[3]) == 0) {
    snprintf(why, whySize, "all data bytes are zero (a dead sensor or a stuck line, not a measurement)");
    return false;
  }
  int rh = humidityTenths(model, b);
  int t = temperatureTenths(model, b);
  if (model == Model::DHT11) {
    if (b[1] > 9) {
      snprintf(why, whySize, "DHT11 humidity decimal byte is %u (a DHT11 sends tenths, 0..9)", b[1]);
      return false;
    }
    if ((b[3] & 0x7F) > 9) {
      snprintf(why, whySize, "DHT11 temperature decimal byte is %u (a DHT11 sends tenths, 0..9)", b[3] & 0x7F);
      return false;
    }
  }
  if (rh > 1000) {
    snprintf(why, whySize, "humidity %s %%RH is above 100 %%", formatTenths(rh, t1, sizeof t1));
    return false;
  }
  if (t > 800 || t < -400) {
    snprintf(why, whySize, "temperature %s degC is outside what the sensor measures (-40..80)",
             formatTenths(t, t1, sizeof t1));
    return false;
  }
  return true;
}

}  // namespace values

bool Decoder::fail(Failure reason, const char* fmt, ...) {
  failReason_ = reason;
  va_list args;
  va_start(args, fmt);
  vsnprintf(failDetail_, sizeof failDetail_, fmt, args);
  va_end(args);
  return false;
}

bool Decoder::load(const Edge* edges, size_t count) {
  size_ = 0;
  glitches_ = 0;
  backwardsAt_ = -1;
  int64_t previous = INT64_MIN;
  for (size_t i = 0; i < count; i++) {
    int64_t t = edges[i].ns;
    bool r = edges[i].rising;
    if (t < previous) {
      backwardsAt_ = static_cast<int>(i);
      return false;
    }
    previous = t;
    if (size_ > 0 && t - times_[size_ - 1] < kGlitchNs) {
      glitches_++;
      if (rising_[size_ - 1] != r) {
        size_--;  // a short pulse: drop both of its edges
      }
      continue;  // same direction: the same edge seen twice
    }
    times_[size_] = t;
    rising_[size_] = r;
    size_++;
  }
  return true;
}

DhtResult Decoder::decode(Model model, const Edge* edges, size_t count) {
  DhtResult result;
  auto failWith = [&result](Failure reason, const char* detail) {
    result.ok = false;
    result.reason = reason;
    snprintf(result.detail, sizeof result.detail, "%s", detail);
    return result;
  };
  char detail[192];
  if (count == 0) {
    return failWith(Failure::NoResponse, "no edge after the start pulse: the sensor did not answer");
  }
  if (count > kMaxEdges) {
    // Not in the Java decoder (its buffer grows): more edges than any frame has is noise.
    snprintf(detail, sizeof detail, "%u edges; more than %u is noise on the line, not a frame",
             static_cast<unsigned>(count), static_cast<unsigned>(kMaxEdges));
    return failWith(Failure::Timing, detail);
  }
  if (!load(edges, count)) {
    snprintf(detail, sizeof detail, "timestamp of edge %d is earlier than the one before it", backwardsAt_);
    return failWith(Failure::Timing, detail);
  }
  int n = size_;
  if (n <= 1) {
    snprintf(detail, sizeof detail,
             "%d edge(s) left after removing %d glitch edge(s): the sensor did not answer", n, glitches_);
    return failWith(Failure::NoResponse, detail);
  }
  // Normally the last edge is the sensor's release; a capture that stopped right after bit 39
  // ends on its falling edge instead, and is then anchored on the answer (see read()).
  bool releaseSeen = rising_[n - 1];
  int end = releaseSeen ? n - 1 : n;
  if (end < kFrameEdges - 1) {
    snprintf(detail, sizeof detail,
             "%d edges; a frame needs %d from the first bit's high to the release (late capture or lost edges)", n,
             kFrameEdges);
    return failWith(Failure::TooFewEdges, detail);
  }
  uint8_t bytes[5];
  if (!read(end, releaseSeen, model, bytes)) {
    return failWith(failReason_, failDetail_);
  }
  // Trailing edges could be stray pulses after an earlier release: if that reading is valid too,
  // the capture does not say which frame the sensor sent. Only releases within one answer's
  // length (< 5 ms) of the end can belong to the same answer.
  uint8_t other[5];
  for (int o = releaseSeen ? n - 3 : n - 2; o >= kFrameEdges - 1; o -= 2) {
    if (times_[n - 1] - times_[o] > kAnswerNs) break;
    if (rising_[o] && read(o, true, model, other) && memcmp(bytes, other, 5) != 0) {
      char a[40], b[40];
      formatBytes(bytes, a, sizeof a);
      formatBytes(other, b, sizeof b);
      snprintf(detail, sizeof detail, "two readings fit the capture: %s ending at the last edge and %s ending %d edges before the last",
               a, b, n - 1 - o);
      return failWith(Failure::Ambiguous, detail);
    }
  }
  result.ok = true;
  result.reason = Failure::None;
  memcpy(result.bytes, bytes, 5);
  result.humidityTenths = values::humidityTenths(model, bytes);
  result.temperatureTenths = values::temperatureTenths(model, bytes);
  return result;
}

bool Decoder::read(int end, bool releaseSeen, Model model, uint8_t out[5]) {
  int first = end - (kFrameEdges - 1);  // R_0
  if (!checkStructure(first, releaseSeen ? end : end - 1)) {
    return false;
  }
  if (!releaseSeen && first < 2) {
    return fail(Failure::TooFewEdges,
                "the capture ends before the sensor's release and does not hold its answer either: nothing "
                "anchors the 40 bits");
  }
  bool firstLowSeen = first >= 1;
  for (int k = 0; k < kBits; k++) {
    int r = first + 2 * k;
    highs_[k] = micros(times_[r + 1] - times_[r]);
    lows_[k] = (k > 0 || firstLowSeen) ? micros(times_[r] - times_[r - 1]) : NAN;
  }
  double endLow = releaseSeen ? micros(times_[end] - times_[end - 1]) : NAN;
  double unit = medianLow(firstLowSeen);
  if (!checkTiming(first, firstLowSeen, endLow, unit)) {
    return false;
  }
  if (!classify(firstLowSeen, endLow, unit, out)) {
    return false;
  }
  char text[40];
  if (!values::checksumMatches(out)) {
    formatBytes(out, text, sizeof text);
    return fail(Failure::Checksum, "bytes %s: the checksum byte should be %d", text,
                (out[0] + out[1] + out[2] + out[3]) & 0xFF);
  }
  char why[128];
  if (!values::plausible(model, out, why, sizeof why)) {
    formatBytes(out, text, sizeof text);
    return fail(Failure::Implausible, "%s: %s", text, why);
  }
  failReason_ = Failure::None;
  failDetail_[0] = 0;
  return true;
}

bool Decoder::checkStructure(int first, int end) {
  for (int i = end; i >= (first - 2 > 0 ? first - 2 : 0); i--) {  // from the anchored end
    bool expectRising = ((i - first) & 1) == 0;
    if (rising_[i] != expectRising) {
      int bit = (i - first) / 2;
      if (bit > 39) bit = 39;
      if (i < first) {
        return fail(Failure::LostEdge, "two %s edges in a row at edge %d (before bit 0): the recorder lost an edge",
                    expectRising ? "falling" : "rising", i);
      }
      return fail(Failure::LostEdge, "two %s edges in a row at edge %d (bit %d): the recorder lost an edge",
                  expectRising ? "falling" : "rising", i, bit);
    }
  }
  return true;
}

double Decoder::medianLow(bool firstLowSeen) {
  int m = 0;
  for (int k = firstLowSeen ? 0 : 1; k < kBits; k++) {
    scratch_[m++] = lows_[k];
  }
  // insertion sort: at most 40 values
  for (int i = 1; i < m; i++) {
    double v = scratch_[i];
    int j = i - 1;
    while (j >= 0 && scratch_[j] > v) {
      scratch_[j + 1] = scratch_[j];
      j--;
    }
    scratch_[j + 1] = v;
  }
  return (m & 1) == 1 ? scratch_[m / 2] : (scratch_[m / 2 - 1] + scratch_[m / 2]) / 2;
}

bool Decoder::checkTiming(int first, bool firstLowSeen, double endLow, double unit) {
  if (unit < kUnitMinUs || unit > kUnitMaxUs) {
    return fail(Failure::Timing, "data lows last %.1f us (median); a DHT sends 50 us (+-25 %% clock error)", unit);
  }
  for (int k = firstLowSeen ? 0 : 1; k < kBits; k++) {
    double low = lows_[k] / unit;
    if (low < kLowMin || low > kLowMax) {
      return fail(Failure::Timing,
                  "bit %d's low lasts %.1f us, %.2f x the frame's median low %.1f us (allowed %.2f..%.2f): an edge "
                  "moved (IRQ latency) or edges are missing",
                  k, lows_[k], low, unit, kLowMin, kLowMax);
    }
  }
  double endRatio = endLow / unit;
  if (!isnan(endLow) && (endRatio < kEndLowMin || endRatio > kEndLowMax)) {
    return fail(Failure::Timing, "the end low lasts %.1f us, %.2f x the frame's median low (allowed %.2f..%.2f)",
                endLow, endRatio, kEndLowMin, kEndLowMax);
  }
  for (int k = 0; k < kBits; k++) {
    if (highs_[k] / unit > kHighMax) {
      return fail(Failure::Timing,
                  "bit %d's high lasts %.1f us; no DHT data high is longer than ~75 us (lost edges or a long IRQ "
                  "latency)",
                  k, highs_[k]);
    }
  }
  if (first >= 2) {
    double answerHigh = micros(times_[first - 1] - times_[first - 2]) / unit;
    if (answerHigh < kAnswerHighMin || answerHigh > kAnswerHighMax) {
      return fail(Failure::Timing,
                  "the high before bit 0 lasts %.2f units; the sensor's answer high is 80 us (1.6 units, allowed "
                  "1.15..2.3): the edges do not line up with a frame (extra or missing edges)",
                  answerHigh);
    }
  }
  if (first >= 3 && !rising_[first - 3]) {
    // F_answer was captured too: the whole answer low.
    double answerLow = micros(times_[first - 2] - times_[first - 3]) / unit;
    if (answerLow < kAnswerLowMin) {
      return fail(Failure::Timing,
                  "the low before the answer high lasts %.2f units; the sensor's answer low is 60-80 us (at least "
                  "0.75 units): the edges do not line up with a frame",
                  answerLow);
    }
  }
  return true;
}

bool Decoder::classify(bool firstLowSeen, double endLow, double unit, uint8_t out[5]) {
  for (int k = 0; k < kBits; k++) {
    double h = highs_[k];
    double next = k < kBits - 1 ? lows_[k + 1] : endLow;
    double viaFalling = (k > 0 || firstLowSeen) ? h + lows_[k] - unit : NAN;
    double viaRising = isnan(next) ? viaFalling : h + next - unit;
    if (isnan(viaFalling)) viaFalling = viaRising;
    estimate_[k] = (h + (viaRising + viaFalling) / 2) / 2 / unit;
  }
  double threshold = kThresholdPrior;
  double sum0 = 0;
  double sum1 = 0;
  int n0 = 0;
  for (int k = 0; k < kBits; k++) {
    if (estimate_[k] < threshold) {
      sum0 += estimate_[k];
      n0++;
    } else {
      sum1 += estimate_[k];
    }
  }
  if (n0 > 0 && n0 < kBits) {
    double middle = (sum0 / n0 + sum1 / (kBits - n0)) / 2;
    threshold = fmax(kThresholdMin, fmin(kThresholdMax, middle));
  }
  memset(out, 0, 5);
  double longestOtherOne = 0;
  double longestOtherZero = 0;
  for (int k = 0; k < kBits; k++) {
    double e = estimate_[k];
    if (fabs(e - threshold) < kAmbiguousHalfBand) {
      return fail(Failure::Ambiguous, "bit %d's high (%.1f us) reads %.2f units, too close to the 0/1 threshold %.2f",
                  k, highs_[k], e, threshold);
    }
    bool one = e > threshold;
    double h = highs_[k];
    double next = k < kBits - 1 ? lows_[k + 1] : endLow;
    double viaFalling = (k > 0 || firstLowSeen) ? (h + lows_[k] - unit) / unit : NAN;
    double viaRising = isnan(next) ? viaFalling : (h + next - unit) / unit;
    if (isnan(viaFalling)) viaFalling = viaRising;
    if ((h / unit > threshold) != one || (viaRising > threshold) != one || (viaFalling > threshold) != one) {
      return fail(Failure::Ambiguous,
                  "bit %d: its high (%.1f us) and the lows around it (%.1f, %.1f us) disagree about 0 or 1: an edge "
                  "moved (IRQ latency)",
                  k, h, (k > 0 || firstLowSeen) ? lows_[k] : NAN, next);
    }
    if (one) {
      out[k >> 3] |= 0x80 >> (k & 7);
    }
    if (k > 0 && one) {
      longestOtherOne = fmax(longestOtherOne, h / unit);
    } else if (k > 0) {
      longestOtherZero = fmax(longestOtherZero, h / unit);
    }
  }
  if (!firstLowSeen) {
    double longest = (out[0] & 0x80) != 0 ? longestOtherOne : longestOtherZero;
    if (longest > 0 && highs_[0] / unit > longest + kFirstHighExcessMax) {
      return fail(Failure::Ambiguous,
                  "bit 0's low was not captured and its high (%.2f units) is longer than every other high of its "
                  "kind (%.2f): it may be the sensor's answer high (a frame read one bit off)",
                  highs_[0] / unit, longest);
    }
  }
  return true;
}

}  // namespace dhtnode
