/* Core-to-core: two threads pinned to two CPUs hand one cache line back and forth
 * (each waits for the other's value, then writes its own), so every hand-over moves
 * the line from one core's cache to the other's. The timed loops spin without
 * `pause`, whose own delay (tens of cycles on Zen) would be counted as transfer time. */
#define _GNU_SOURCE
#include <pthread.h>
#include <sched.h>
#include "hm.h"

struct pp {
  _Alignas(64) volatile long line;
  _Alignas(64) long round_trips;
  int cpu;
  int started;
  int pinned;
};

static int pin(int cpu) {
  cpu_set_t set;
  CPU_ZERO(&set);
  CPU_SET(cpu, &set);
  return pthread_setaffinity_np(pthread_self(), sizeof set, &set) == 0;
}

static void *responder(void *arg) {
  struct pp *s = arg;
  s->pinned = pin(s->cpu);
  __atomic_store_n(&s->started, 1, __ATOMIC_RELEASE);
  if (!s->pinned) return NULL;
  for (long i = 0; i < s->round_trips; i++) {
    while (__atomic_load_n(&s->line, __ATOMIC_ACQUIRE) != 2 * i + 1) continue;
    __atomic_store_n(&s->line, 2 * i + 2, __ATOMIC_RELEASE);
  }
  return NULL;
}

double hm_pingpong(int cpu_a, int cpu_b, long round_trips) {
  static struct pp s;
  s.line = 0;
  s.round_trips = round_trips;
  s.cpu = cpu_b;
  s.started = 0;
  s.pinned = 0;
  if (!pin(cpu_a)) return -1;
  pthread_t t;
  if (pthread_create(&t, NULL, responder, &s) != 0) return -1;
  /* Let the responder pin itself and start spinning before the clock starts. */
  while (!__atomic_load_n(&s.started, __ATOMIC_ACQUIRE)) __builtin_ia32_pause();
  if (!s.pinned) {
    pthread_join(t, NULL);
    return -1;
  }
  double t0 = hm_now_ns();
  for (long i = 0; i < round_trips; i++) {
    __atomic_store_n(&s.line, 2 * i + 1, __ATOMIC_RELEASE);
    while (__atomic_load_n(&s.line, __ATOMIC_ACQUIRE) != 2 * i + 2) continue;
  }
  double t1 = hm_now_ns();
  pthread_join(t, NULL);
  return (t1 - t0) / (2.0 * (double)round_trips);
}
