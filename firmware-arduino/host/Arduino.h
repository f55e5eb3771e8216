// Thin host fake of the Arduino API the sketch uses. Time is the host's
// monotonic clock, except while the fake DHT is answering: then micros()
// advances by a fixed step per call, so the sketch's polling loop samples the
// simulated waveform deterministically (no preemption on a busy machine).
#pragma once

#include <cstdarg>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>

#define HIGH 1
#define LOW 0
#define INPUT 0x01
#define OUTPUT 0x03
#define INPUT_PULLUP 0x05
#define RTC_DATA_ATTR

uint32_t millis();
uint32_t micros();
void delay(uint32_t ms);
void delayMicroseconds(uint32_t us);
void pinMode(uint8_t pin, uint8_t mode);
void digitalWrite(uint8_t pin, uint8_t value);
int digitalRead(uint8_t pin);
long random(long max);
void configTime(long gmtOffsetS, int daylightOffsetS, const char* server);

class String {
 public:
  String(const char* s = "") : s_(s) {}
  const char* c_str() const { return s_.c_str(); }

 private:
  std::string s_;
};

class HardwareSerial {
 public:
  void begin(unsigned long) {}
  void printf(const char* fmt, ...) {
    va_list args;
    va_start(args, fmt);
    std::vprintf(fmt, args);
    va_end(args);
    std::fflush(stdout);
  }
  void println(const char* s) { printf("%s\n", s); }
  void flush() { std::fflush(stdout); }
};

extern HardwareSerial Serial;
