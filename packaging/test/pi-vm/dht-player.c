/*
 * dht-player: plays a DHT11/DHT22 on one line of a gpio-sim chip, for the arm64 VM test
 * (packaging/test/pi-vm.sh). Not part of the product.
 *
 * For every read the agent makes it
 *   1. sees the host's start pulse: a line-info watch on the chardev reports the host's output
 *      request (the line goes low: its sysfs `value` is read to confirm) and its release; the
 *      kernel's timestamps of the two events give the pulse length;
 *   2. waits until the host listens for edges (its next request, an input with edge detection).
 *      A real DHT answers 20-40 us after the release; under TCG the host's release-to-listen gap
 *      is milliseconds, so a real-timed answer would always be lost. When the player itself
 *      learns of the listen too late (more than 5 ms after the release) it skips the answer;
 *   3. plays the answer by writing the line's sysfs `pull` (pull-down = the sensor pulls low,
 *      pull-up = it lets go) at absolute deadlines: 80 us low, 80 us high, 40 bits of 50 us low +
 *      26 us (0) or 70 us (1) high, 50 us low, release;
 *   4. logs one line with what it sent, so the test can compare every stored reading with it:
 *        frame=N pulse_us=P gap_us=G behind_us=B late_us=L low_seen=1 rh=45.0 t=21.3 bytes=...
 *      (gap: release to listen, kernel time; behind: how late the player saw the listen; late:
 *      how far its slowest write missed its deadline), or frame=N ... no-listen|too-late.
 *
 * Usage: dht-player CHIPDEV LINE SYSFS_LINE_DIR dht11|dht22 LOGFILE [FRAMES]
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <linux/gpio.h>
#include <poll.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <time.h>
#include <unistd.h>

static int64_t now_ns(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (int64_t)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

static int read_value(int fd) {
  char c = '?';
  if (pread(fd, &c, 1, 0) != 1) {
    return -1;
  }
  return c == '1';
}

static int pull_fd;
static int64_t worst_late;

/* Busy-waits until the deadline, then sets the pull; returns how late the write finished. */
static void pull_at(int64_t deadline, int low) {
  while (now_ns() < deadline) {
  }
  const char *s = low ? "pull-down" : "pull-up";
  if (pwrite(pull_fd, s, strlen(s), 0) < 0) {
    perror("dht-player: write pull");
    exit(2);
  }
  int64_t late = now_ns() - deadline;
  if (late > worst_late) {
    worst_late = late;
  }
}

/* Waits for the next line-info event on the watched line; returns its type and flags. */
static int next_event(int chip, struct gpio_v2_line_info_changed *ev, int timeout_ms) {
  struct pollfd p = {.fd = chip, .events = POLLIN};
  int r = poll(&p, 1, timeout_ms);
  if (r <= 0) {
    return r;
  }
  if (read(chip, ev, sizeof *ev) != (ssize_t)sizeof *ev) {
    perror("dht-player: read line-info event");
    exit(2);
  }
  return 1;
}

int main(int argc, char **argv) {
  if (argc < 6) {
    fprintf(stderr, "usage: %s CHIPDEV LINE SYSFS_LINE_DIR dht11|dht22 LOGFILE [FRAMES]\n", argv[0]);
    return 2;
  }
  unsigned line = (unsigned)atoi(argv[2]);
  int dht22 = strcmp(argv[4], "dht22") == 0;
  long frames = argc > 6 ? atol(argv[6]) : -1;
  char path[512];
  int chip = open(argv[1], O_RDWR | O_CLOEXEC);
  snprintf(path, sizeof path, "%s/value", argv[3]);
  int value_fd = open(path, O_RDONLY | O_CLOEXEC);
  snprintf(path, sizeof path, "%s/pull", argv[3]);
  pull_fd = open(path, O_WRONLY | O_CLOEXEC);
  FILE *log = fopen(argv[5], "a");
  if (chip < 0 || value_fd < 0 || pull_fd < 0 || log == NULL) {
    perror("dht-player: open");
    return 2;
  }
  setvbuf(log, NULL, _IOLBF, 0);
  struct gpio_v2_line_info info;
  memset(&info, 0, sizeof info);
  info.offset = line;
  if (ioctl(chip, GPIO_V2_GET_LINEINFO_WATCH_IOCTL, &info) < 0) {
    perror("dht-player: GPIO_V2_GET_LINEINFO_WATCH_IOCTL");
    return 2;
  }
  fprintf(log, "ready chip=%s line=%u model=%s\n", argv[1], line, argv[4]);

  for (long n = 1; frames < 0 || n <= frames; n++) {
    struct gpio_v2_line_info_changed ev;
    /* 1. the host requests the line as output (low): the start pulse begins */
    do {
      if (next_event(chip, &ev, -1) <= 0) {
        return 2;
      }
    } while (!(ev.event_type == GPIO_V2_LINE_CHANGED_REQUESTED &&
               (ev.info.flags & GPIO_V2_LINE_FLAG_OUTPUT)));
    int64_t requested = (int64_t)ev.timestamp_ns;
    int low = read_value(value_fd) == 0;
    /* ... and releases it: the kernel's timestamps of the two say how long the pulse was */
    do {
      if (next_event(chip, &ev, 1000) <= 0) {
        break;
      }
    } while (ev.event_type != GPIO_V2_LINE_CHANGED_RELEASED);
    if (ev.event_type != GPIO_V2_LINE_CHANGED_RELEASED) {
      fprintf(log, "frame=%ld no-release\n", n);
      continue;
    }
    int64_t released = (int64_t)ev.timestamp_ns;
    /* 2. the host listens: its next request (an input with edge detection) */
    int listening = next_event(chip, &ev, 200) > 0 && ev.event_type == GPIO_V2_LINE_CHANGED_REQUESTED &&
                    !(ev.info.flags & GPIO_V2_LINE_FLAG_OUTPUT);
    int64_t seen = now_ns();
    long long pulse_us = (released - requested) / 1000;
    if (!listening) {
      fprintf(log, "frame=%ld pulse_us=%lld low_seen=%d no-listen\n", n, pulse_us, low);
      continue;
    }
    int64_t gap = (int64_t)ev.timestamp_ns - released;
    int64_t behind = seen - (int64_t)ev.timestamp_ns;
    /* the host waits 10 ms after its release for the answer (about 5 ms long): past that, skip */
    if (seen - released > 5000000) {
      fprintf(log, "frame=%ld pulse_us=%lld gap_us=%lld behind_us=%lld low_seen=%d too-late\n", n,
              pulse_us, (long long)(gap / 1000), (long long)(behind / 1000), low);
      continue;
    }
    /* 3. the answer: values drift slowly so the agent's spike filter keeps them */
    int rh10 = 400 + (int)(n % 200);          /* 40.0 .. 59.9 %RH */
    int t10 = 200 + (int)((n * 7) % 60);      /* 20.0 .. 25.9 degC */
    uint8_t b[5];
    if (dht22) {
      b[0] = (uint8_t)(rh10 >> 8);
      b[1] = (uint8_t)rh10;
      b[2] = (uint8_t)(t10 >> 8);
      b[3] = (uint8_t)t10;
    } else {
      b[0] = (uint8_t)(rh10 / 10);
      b[1] = 0; /* a DHT11's humidity has no tenths */
      rh10 = b[0] * 10;
      b[2] = (uint8_t)(t10 / 10);
      b[3] = (uint8_t)(t10 % 10);
    }
    b[4] = (uint8_t)(b[0] + b[1] + b[2] + b[3]);
    worst_late = 0;
    int64_t t = now_ns();
    pull_at(t, 1);
    t += 80000;
    pull_at(t, 0);
    t += 80000;
    for (int i = 0; i < 40; i++) {
      int bit = (b[i / 8] >> (7 - i % 8)) & 1;
      pull_at(t, 1);
      t += 50000;
      pull_at(t, 0);
      t += bit ? 70000 : 26000;
    }
    pull_at(t, 1);
    t += 50000;
    pull_at(t, 0);
    fprintf(log,
            "frame=%ld pulse_us=%lld gap_us=%lld behind_us=%lld late_us=%lld low_seen=%d rh=%d.%d "
            "t=%d.%d bytes=%02x%02x%02x%02x%02x\n",
            n, pulse_us, (long long)(gap / 1000), (long long)(behind / 1000),
            (long long)(worst_late / 1000), low, rh10 / 10, rh10 % 10, t10 / 10, t10 % 10, b[0], b[1],
            b[2], b[3], b[4]);
  }
  return 0;
}
