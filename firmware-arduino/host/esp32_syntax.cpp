// Compiles dht_node.ino with ARDUINO_ARCH_ESP32, TLS and deep sleep on, against the declaration
// stubs in esp32_stubs/ (see its README). Object only: never linked or run.
#include "esp32_stubs/freertos_stub.h"
#include "../dht_node/dht_node.ino"
