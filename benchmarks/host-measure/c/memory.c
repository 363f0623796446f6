/* Memory: load-to-use by pointer chasing over working sets of growing size, store-to-
 * load forwarding, the push/pop pair, push and pop throughput, and lock add. */
#define _GNU_SOURCE
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include "hm.h"

#define LINE 64

struct chase {
  void *cursor;
  size_t lines;
};

static uint64_t rng_state = 0x9e3779b97f4a7c15ULL;
static uint64_t rng(void) {
  rng_state ^= rng_state << 13;
  rng_state ^= rng_state >> 7;
  rng_state ^= rng_state << 17;
  return rng_state;
}

/* One random cycle through every line of a `bytes` buffer (Sattolo's algorithm), so
 * neither the next-line nor the stride prefetchers can guess the next address.
 * Buffers of 2 MiB and more ask for transparent huge pages, to keep TLB misses out of
 * the cache latencies as far as the guest's own page tables go. */
static void *chase_setup(long bytes) {
  size_t align = bytes >= (2L << 20) ? (2UL << 20) : 4096;
  char *buf;
  if (posix_memalign((void **)&buf, align, (size_t)bytes) != 0) return NULL;
  if (bytes >= (2L << 20)) madvise(buf, (size_t)bytes, MADV_HUGEPAGE);
  memset(buf, 0, (size_t)bytes);
  size_t lines = (size_t)bytes / LINE;
  size_t *order = malloc(lines * sizeof *order);
  if (!order) return NULL;
  for (size_t i = 0; i < lines; i++) order[i] = i;
  for (size_t i = lines - 1; i > 0; i--) {
    size_t j = (size_t)(rng() % i);
    size_t t = order[i];
    order[i] = order[j];
    order[j] = t;
  }
  for (size_t i = 0; i < lines; i++) *(void **)(buf + order[i] * LINE) = buf + order[(i + 1) % lines] * LINE;
  free(order);
  struct chase *c = malloc(sizeof *c);
  c->cursor = buf;
  c->lines = lines;
  return c;
}

static long chase_warm(void *ctx) {
  const struct chase *c = ctx;
  return (long)(c->lines / 100 + 1);
}

static void chase(long n, void *ctx) {
  struct chase *c = ctx;
  void *p = c->cursor;
  __asm__ volatile("1:\n.rept 100\n\tmov (%[p]), %[p]\n.endr\n\tdec %[n]\n\tjnz 1b\n"
                   : [p] "+r"(p), [n] "+r"(n) : : "cc", "memory");
  c->cursor = p;
}

static void *line_buffer(long lines) {
  void *b;
  if (posix_memalign(&b, 4096, (size_t)lines * LINE) != 0) return NULL;
  memset(b, 0, (size_t)lines * LINE);
  return b;
}

/* Store then reload of the same address, the value carried through rax. */
static void store_forward(long n, void *ctx) {
  __asm__ volatile("xor %%eax, %%eax\n"
                   "1:\n.rept 100\n\tmov %%rax, (%[b])\n\tmov (%[b]), %%rax\n.endr\n\tdec %[n]\n\tjnz 1b\n"
                   : [n] "+r"(n) : [b] "r"(ctx) : "rax", "cc", "memory");
}

/* push rax; pop rax with the value carried through rax (and rsp). */
static void push_pop_pair(long n, void *ctx) {
  (void)ctx;
  __asm__ volatile("xor %%eax, %%eax\n"
                   "1:\n.rept 100\n\tpush %%rax\n\tpop %%rax\n.endr\n\tdec %[n]\n\tjnz 1b\n"
                   : [n] "+r"(n) : : "rax", "cc", "memory");
}

/* 32 pushes, then one add to rsp to drop them. */
static void push_tp(long n, void *ctx) {
  (void)ctx;
  __asm__ volatile("1:\n.rept 32\n\tpush %%rcx\n.endr\n\tadd $256, %%rsp\n\tdec %[n]\n\tjnz 1b\n"
                   : [n] "+r"(n) : : "cc", "memory");
}

/* One sub from rsp, then 32 pops of the slots the pushes above just wrote. */
static void pop_tp(long n, void *ctx) {
  (void)ctx;
  __asm__ volatile("1:\n\tsub $256, %%rsp\n.rept 32\n\tpop %%rax\n.endr\n\tdec %[n]\n\tjnz 1b\n"
                   : [n] "+r"(n) : : "rax", "cc", "memory");
}

/* lock add to one line, back to back: each waits for the previous one. */
static void lock_add_same(long n, void *ctx) {
  __asm__ volatile("mov $1, %%ecx\n"
                   "1:\n.rept 20\n\tlock addq %%rcx, (%[b])\n.endr\n\tdec %[n]\n\tjnz 1b\n"
                   : [n] "+r"(n) : [b] "r"(ctx) : "rcx", "cc", "memory");
}

/* lock add to eight different lines in turn: no dependency through memory. */
static void lock_add_distinct(long n, void *ctx) {
  __asm__ volatile("mov $1, %%ecx\n"
                   "1:\n.rept 4\n"
                   "\tlock addq %%rcx, 0(%[b])\n\tlock addq %%rcx, 64(%[b])\n"
                   "\tlock addq %%rcx, 128(%[b])\n\tlock addq %%rcx, 192(%[b])\n"
                   "\tlock addq %%rcx, 256(%[b])\n\tlock addq %%rcx, 320(%[b])\n"
                   "\tlock addq %%rcx, 384(%[b])\n\tlock addq %%rcx, 448(%[b])\n"
                   ".endr\n\tdec %[n]\n\tjnz 1b\n"
                   : [n] "+r"(n) : [b] "r"(ctx) : "rcx", "cc", "memory");
}

#define CHASE(name, bytes) {name, 100, chase, chase_setup, bytes, chase_warm}
const struct hm_kernel hm_memory_kernels[] = {
  CHASE("chase-4KiB", 4L << 10),
  CHASE("chase-16KiB", 16L << 10),
  CHASE("chase-32KiB", 32L << 10),
  CHASE("chase-64KiB", 64L << 10),
  CHASE("chase-128KiB", 128L << 10),
  CHASE("chase-256KiB", 256L << 10),
  CHASE("chase-512KiB", 512L << 10),
  CHASE("chase-768KiB", 768L << 10),
  CHASE("chase-2MiB", 2L << 20),
  CHASE("chase-4MiB", 4L << 20),
  CHASE("chase-8MiB", 8L << 20),
  CHASE("chase-16MiB", 16L << 20),
  CHASE("chase-32MiB", 32L << 20),
  CHASE("chase-64MiB", 64L << 20),
  CHASE("chase-256MiB", 256L << 20),
  {"store-forward.pair", 100, store_forward, line_buffer, 1, 0},
  {"push-pop.pair", 100, push_pop_pair, 0, 0, 0},
  {"push.tp", 32, push_tp, 0, 0, 0},
  {"pop.tp", 32, pop_tp, 0, 0, 0},
  {"lock-add.lat", 20, lock_add_same, line_buffer, 1, 0},
  {"lock-add.tp", 32, lock_add_distinct, line_buffer, 8, 0},
};
const size_t hm_memory_count = sizeof hm_memory_kernels / sizeof hm_memory_kernels[0];
