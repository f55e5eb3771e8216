// The node's Platform on the Arduino API: millis(), Wi-Fi, SNTP time, Serial
// and the bit-timing capture of the DHT's answer. Compiled for the ESP32 and,
// against the fakes in ../host, on the development machine.
#pragma once

#include <Arduino.h>
#include <WiFi.h>
#include <stdarg.h>
#include <sys/time.h>

#include "src/dhtnode/ports.h"

#if defined(ARDUINO_ARCH_ESP32)
#include <driver/gpio.h>
#include <esp_random.h>
#include <esp_timer.h>
#include <soc/soc_caps.h>
#ifndef GPIO_IS_VALID_OUTPUT_GPIO  // some core versions do not export it
#define GPIO_IS_VALID_OUTPUT_GPIO(n) ((n) >= 0 && (((1ULL << (n)) & SOC_GPIO_VALID_OUTPUT_GPIO_MASK) != 0))
#endif
// Inside the critical section: IDF calls that take no lock.
#define DHT_READ_LINE(pin) gpio_get_level(static_cast<gpio_num_t>(pin))
#define DHT_NOW_US() static_cast<uint32_t>(esp_timer_get_time())
#define DHT_RANDOM32() esp_random()
#define DHT_PREPARE_RELEASE(pin) gpio_pullup_en(static_cast<gpio_num_t>(pin))
#define DHT_RELEASE(pin) gpio_set_direction(static_cast<gpio_num_t>(pin), GPIO_MODE_INPUT)
#else
#define DHT_READ_LINE(pin) digitalRead(pin)
#define DHT_NOW_US() micros()
#define DHT_RANDOM32() static_cast<uint32_t>(random(0x7FFFFFFF))
#define DHT_PREPARE_RELEASE(pin) ((void)0)
#define DHT_RELEASE(pin) pinMode(pin, INPUT_PULLUP)
#endif

class ArduinoPlatform : public dhtnode::Platform {
 public:
  ArduinoPlatform(int pin, const char* ssid, const char* password) : pin_(pin), ssid_(ssid), password_(password) {}

  uint32_t millis() override { return ::millis(); }

  int64_t epochMs() override {
    struct timeval tv;
    gettimeofday(&tv, nullptr);
    if (tv.tv_sec < 1700000000) return -1;  // SNTP has not set the clock yet (it starts at 1970)
    return static_cast<int64_t>(tv.tv_sec) * 1000 + tv.tv_usec / 1000;
  }

  bool networkUp() override { return WiFi.status() == WL_CONNECTED; }

  void reconnectNetwork() override {
    if (!begun_) {
      WiFi.begin(ssid_, password_);
      begun_ = true;
    } else {
      WiFi.disconnect();
      WiFi.begin(ssid_, password_);
    }
  }

  // Start pulse, then a tight polling loop recording each level change with its time into the
  // caller's preallocated buffer. Interrupts are off on this core for the ~5 ms of the answer
  // (Wi-Fi runs on the other core of a dual-core ESP32); no logging, no allocation inside.
  size_t captureEdges(dhtnode::Model model, dhtnode::Edge* edges, size_t capacity,
                      dhtnode::Failure* error) override {
#if defined(ARDUINO_ARCH_ESP32)
    if (!GPIO_IS_VALID_OUTPUT_GPIO(pin_)) {
      *error = dhtnode::Failure::Access;  // GPIO 34-39 are input-only: the start pulse cannot be sent
      return 0;
    }
#endif
    pinMode(pin_, OUTPUT);
    digitalWrite(pin_, LOW);
    delay(model == dhtnode::Model::DHT11 ? 20 : 2);  // DHT11 >= 18 ms, DHT22 >= 1 ms
    size_t n = 0;
    bool overflow = false;
    DHT_PREPARE_RELEASE(pin_);  // the internal pull-up too (the external 4.7-10 kOhm one is what counts)
#if defined(ARDUINO_ARCH_ESP32)
    portENTER_CRITICAL(&mux_);
#endif
    DHT_RELEASE(pin_);  // release: the pull-up takes the line high
    uint32_t t0 = DHT_NOW_US();
    uint32_t last = t0;
    int level = HIGH;
    if (capacity > 0) edges[n++] = {0, true};  // the release, as the Pi's recorder sees it
    for (;;) {
      int v = DHT_READ_LINE(pin_);
      uint32_t now = DHT_NOW_US();
      if (v != level) {
        level = v;
        last = now;
        if (n < capacity) {
          edges[n++] = {static_cast<int64_t>(now - t0) * 1000, v != 0};
        } else {
          overflow = true;
          break;
        }
      } else if (now - last > (n <= 1 ? 1000u : 300u)) {
        break;  // 1 ms without an answer, or 300 us of silence after the last edge: done
      }
      if (now - t0 > 12000u) break;  // a whole frame lasts < 6 ms
    }
#if defined(ARDUINO_ARCH_ESP32)
    portEXIT_CRITICAL(&mux_);
#endif
    if (overflow) {
      *error = dhtnode::Failure::Timing;  // more edges than any frame: noise on the line
      return 0;
    }
    return n <= 1 ? 0 : n;  // only the release: the sensor did not answer
  }

  uint32_t random32() override { return DHT_RANDOM32(); }

  void log(const char* line) override {
    uint32_t ms = ::millis();
    Serial.printf("[%6lu.%03lu] %s\n", static_cast<unsigned long>(ms / 1000), static_cast<unsigned long>(ms % 1000),
                  line);
  }

  void logf(const char* fmt, ...) {
    char line[256];
    va_list args;
    va_start(args, fmt);
    vsnprintf(line, sizeof line, fmt, args);
    va_end(args);
    log(line);
  }

 private:
  int pin_;
  const char* ssid_;
  const char* password_;
  bool begun_ = false;
#if defined(ARDUINO_ARCH_ESP32)
  portMUX_TYPE mux_ = portMUX_INITIALIZER_UNLOCKED;
#endif
};
