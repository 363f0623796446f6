/* Host microbenchmarks: shared declarations. Each kernel runs `n` iterations of an
 * unrolled block of `ops` operations of one kind; main.c times it with
 * CLOCK_MONOTONIC between two runs of the clock ruler (a dependent chain of
 * `add reg, reg`, one cycle per add on every modern x86 core) and reports cycles per
 * operation for each sample. Everything is built with -mno-red-zone because several
 * blocks push, pop or call inside inline asm. */
#ifndef HM_H
#define HM_H

#include <stddef.h>

struct hm_kernel {
  const char *name;
  /** Operations per iteration of run(). */
  double ops;
  void (*run)(long n, void *ctx);
  /** Builds the kernel's context (buffers, patterns) from param; may be NULL. */
  void *(*setup)(long param);
  long param;
  /** Iterations run untimed before every timed section (0: n / 16). */
  long (*warm_iters)(void *ctx);
};

extern const struct hm_kernel hm_ops_kernels[];
extern const size_t hm_ops_count;
extern const struct hm_kernel hm_memory_kernels[];
extern const size_t hm_memory_count;
extern const struct hm_kernel hm_branch_kernels[];
extern const size_t hm_branch_count;

/** The clock ruler: 100 dependent adds per iteration. */
void hm_ruler(long n, void *ctx);
#define HM_RULER_OPS 100.0

double hm_now_ns(void);
/** Round trips of one cache line between two threads pinned to cpu_a and cpu_b;
 * returns ns per one-way transfer (round trip / 2), or a negative value on failure. */
double hm_pingpong(int cpu_a, int cpu_b, long round_trips);

#endif
