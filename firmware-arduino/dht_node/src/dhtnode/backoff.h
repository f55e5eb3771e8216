// Exponential back-off with jitter for Wi-Fi and MQTT reconnects: 1 s, 2 s, 4 s
// ... up to a ceiling, each +-20 %, reset after a success.
#pragma once

#include <stdint.h>

namespace dhtnode {

class Backoff {
 public:
  Backoff(uint32_t initialMs = 1000, uint32_t maxMs = 60000) : initialMs_(initialMs), maxMs_(maxMs) {}

  // Whether an attempt is allowed at nowMs (millis(), wrap-safe).
  bool due(uint32_t nowMs) const { return !waiting_ || static_cast<int32_t>(nowMs - nextAtMs_) >= 0; }

  // Records a failed attempt at nowMs; `random` is any 32-bit random number (jitter).
  // Returns the delay until the next attempt.
  uint32_t fail(uint32_t nowMs, uint32_t random) {
    uint32_t base = current_ == 0 ? initialMs_ : current_;
    current_ = base >= maxMs_ / 2 ? maxMs_ : base * 2;
    // jitter: base * [0.8, 1.2)
    uint32_t span = base / 5;
    uint32_t delay = base - span + (span == 0 ? 0 : random % (2 * span));
    nextAtMs_ = nowMs + delay;
    waiting_ = true;
    failures_++;
    return delay;
  }

  void succeed() {
    current_ = 0;
    waiting_ = false;
    failures_ = 0;
  }

  uint32_t failures() const { return failures_; }

 private:
  uint32_t initialMs_;
  uint32_t maxMs_;
  uint32_t current_ = 0;
  uint32_t nextAtMs_ = 0;
  uint32_t failures_ = 0;
  bool waiting_ = false;
};

}  // namespace dhtnode
