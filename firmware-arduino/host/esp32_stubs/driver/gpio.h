#pragma once
typedef enum { GPIO_NUM_0 = 0 } gpio_num_t;
typedef enum { GPIO_MODE_INPUT = 1, GPIO_MODE_OUTPUT = 2 } gpio_mode_t;
typedef int esp_err_t;
int gpio_get_level(gpio_num_t gpio_num);
esp_err_t gpio_set_direction(gpio_num_t gpio_num, gpio_mode_t mode);
esp_err_t gpio_pullup_en(gpio_num_t gpio_num);
// GPIO_IS_VALID_OUTPUT_GPIO deliberately absent: the sketch's fallback is compiled.
