// One reading as the node keeps it until the broker has it.
#pragma once

#include <stdint.h>

#include "dht_decoder.h"

namespace dhtnode {

struct Reading {
  uint64_t seq;              // per device, strictly increasing (see README: seq)
  int64_t epochMs;           // wall-clock time of the capture, or -1 when SNTP had not synced
  uint32_t capturedAtMs;     // millis() at the capture, to date it once the clock syncs
  int16_t temperatureTenths;
  int16_t humidityTenths;
  Model model;
  uint16_t wake;             // NodeMemory::wakes when captured: capturedAtMs is only comparable within one wake
};

}  // namespace dhtnode
