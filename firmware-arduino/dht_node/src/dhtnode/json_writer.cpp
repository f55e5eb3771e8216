#include "json_writer.h"

#include <stdio.h>

namespace dhtnode {

JsonWriter::JsonWriter(char* buf, size_t size) : buf_(buf), size_(size) {
  if (size_ == 0) ok_ = false; else buf_[0] = 0;
}

void JsonWriter::put(char c) {
  if (!ok_) return;
  if (len_ + 1 >= size_) {
    ok_ = false;
    return;
  }
  buf_[len_++] = c;
  buf_[len_] = 0;
}

void JsonWriter::raw(const char* s) {
  while (*s) put(*s++);
}

void JsonWriter::separate() {
  if (afterKey_) {
    afterKey_ = false;
    return;
  }
  if (depth_ > 0) {
    if (needComma_[depth_]) put(',');
    needComma_[depth_] = true;
  }
}

JsonWriter& JsonWriter::beginObject() {
  separate();
  put('{');
  if (depth_ + 1 >= static_cast<int>(sizeof needComma_)) ok_ = false; else needComma_[++depth_] = false;
  return *this;
}

JsonWriter& JsonWriter::endObject() {
  put('}');
  depth_--;
  return *this;
}

JsonWriter& JsonWriter::beginArray() {
  separate();
  put('[');
  if (depth_ + 1 >= static_cast<int>(sizeof needComma_)) ok_ = false; else needComma_[++depth_] = false;
  return *this;
}

JsonWriter& JsonWriter::endArray() {
  put(']');
  depth_--;
  return *this;
}

JsonWriter& JsonWriter::key(const char* k) {
  string(k);
  put(':');
  afterKey_ = true;
  return *this;
}

JsonWriter& JsonWriter::string(const char* s) {
  separate();
  put('"');
  for (const unsigned char* p = reinterpret_cast<const unsigned char*>(s); *p; p++) {
    unsigned char c = *p;
    if (c == '"' || c == '\\') {
      put('\\');
      put(static_cast<char>(c));
    } else if (c == '\n') {
      raw("\\n");
    } else if (c == '\r') {
      raw("\\r");
    } else if (c == '\t') {
      raw("\\t");
    } else if (c < 0x20) {
      char esc[8];
      snprintf(esc, sizeof esc, "\\u%04x", c);
      raw(esc);
    } else {
      put(static_cast<char>(c));  // UTF-8 passes through
    }
  }
  put('"');
  return *this;
}

JsonWriter& JsonWriter::tenths(int t) {
  separate();
  char tmp[16];
  int a = t < 0 ? -t : t;
  snprintf(tmp, sizeof tmp, "%s%d.%d", t < 0 ? "-" : "", a / 10, a % 10);
  raw(tmp);
  return *this;
}

JsonWriter& JsonWriter::integer(int64_t v) {
  separate();
  char tmp[24];
  snprintf(tmp, sizeof tmp, "%lld", static_cast<long long>(v));
  raw(tmp);
  return *this;
}

JsonWriter& JsonWriter::boolean(bool v) {
  separate();
  raw(v ? "true" : "false");
  return *this;
}

JsonWriter& JsonWriter::null() {
  separate();
  raw("null");
  return *this;
}

}  // namespace dhtnode
