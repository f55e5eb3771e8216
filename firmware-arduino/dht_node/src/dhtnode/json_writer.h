// A tiny JSON writer into a caller's fixed buffer (no heap). Overflow is sticky:
// ok() turns false and the output must not be used. Same code on ESP32 and host.
#pragma once

#include <stddef.h>
#include <stdint.h>

namespace dhtnode {

class JsonWriter {
 public:
  JsonWriter(char* buf, size_t size);
  JsonWriter& beginObject();
  JsonWriter& endObject();
  JsonWriter& beginArray();
  JsonWriter& endArray();
  JsonWriter& key(const char* k);
  JsonWriter& string(const char* s);
  JsonWriter& tenths(int tenths);  // 215 -> 21.5, -61 -> -6.1, 480 -> 48.0
  JsonWriter& integer(int64_t v);
  JsonWriter& boolean(bool v);
  JsonWriter& null();
  bool ok() const { return ok_ && depth_ == 0; }
  size_t length() const { return len_; }
  const char* c_str() const { return buf_; }

 private:
  void raw(const char* s);
  void put(char c);
  void separate();
  char* buf_;
  size_t size_;
  size_t len_ = 0;
  bool ok_ = true;
  int depth_ = 0;
  bool needComma_[8] = {false};
  bool afterKey_ = false;
};

}  // namespace dhtnode
