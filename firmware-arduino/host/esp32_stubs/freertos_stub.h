#pragma once
#include <cstdint>
typedef struct {
  uint32_t owner;
  uint32_t count;
} portMUX_TYPE;
#define portMUX_INITIALIZER_UNLOCKED {0xB33FFFFF, 0}
void portENTER_CRITICAL(portMUX_TYPE* mux);
void portEXIT_CRITICAL(portMUX_TYPE* mux);
