/* Branches: a conditional branch on a random versus an alternating pattern (the
 * difference is the mispredict cost, one mispredict every other iteration), the
 * call/ret pair, and calls nested d deep through distinct call sites, whose cost per
 * level jumps once d exceeds the return-address stack. */
#include <stdint.h>
#include <stdlib.h>
#include "hm.h"

#define PATTERN_WORDS 8192 /* 512 Ki branch outcomes, far more than a predictor can learn */

/* hm_ret_only: a bare return. hm_nest: level k decrements rdi and, unless it reached
 * zero, calls level k+1 (the code right after it); every level has its own call site
 * and return address, so a wrapped return stack cannot predict by luck. */
__asm__(".text\n"
        ".p2align 6\n"
        "hm_ret_only:\n\tret\n"
        ".p2align 6\n"
        "hm_nest:\n"
        ".rept 160\n"
        "\tdec %rdi\n\tjz 1f\n\tcall 2f\n1:\tret\n2:\n"
        ".endr\n"
        "\tret\n"
        /* A callee with six independent single-cycle ALU ops before its return: if the
         * pair cost stays put, the limit is the branches, not dispatch or the ALUs. */
        ".p2align 6\n"
        "hm_ret_work:\n\tadd $1, %r8\n\tadd $1, %r9\n\tadd $1, %r10\n"
        "\tadd $1, %r11\n\tadd $1, %rsi\n\tadd $1, %rdi\n\tret\n"
        /* A callee that takes one unconditional jump before returning. */
        ".p2align 6\n"
        "hm_jmp_ret:\n\tjmp 1f\n\tud2\n1:\tret\n");

static void *pattern(long random) {
  uint64_t *p = malloc(PATTERN_WORDS * sizeof *p);
  if (!p) return NULL;
  uint64_t x = 0x2545f4914f6cdd1dULL;
  for (long i = 0; i < PATTERN_WORDS; i++) {
    x ^= x << 13;
    x ^= x >> 7;
    x ^= x << 17;
    p[i] = random ? x * 0x2545f4914f6cdd1dULL : 0x5555555555555555ULL;
  }
  return p;
}

/* 64 branches per loaded word, each on the bit a one-cycle shift just moved into CF,
 * so after a redirect the next branch's condition is ready one cycle after the shift
 * is dispatched again: the difference to the alternating pattern is the redirect cost
 * rather than a load's latency. Each of the 64 static branches sees one bit position:
 * constant for the alternating pattern, random for the random one. */
static void branch_on_pattern(long n, void *ctx) {
  __asm__ volatile("xor %%edx, %%edx\n\txor %%ecx, %%ecx\n"
                   "1:\n\tmov (%[p], %%rdx, 8), %%rax\n\tadd $1, %%rdx\n\tand $8191, %%rdx\n"
                   ".rept 64\n\tshr $1, %%rax\n\tjnc 3f\n\tadd $1, %%rcx\n3:\n.endr\n"
                   "\tdec %[n]\n\tjnz 1b\n"
                   : [n] "+r"(n) : [p] "r"(ctx) : "rax", "rcx", "rdx", "cc", "memory");
}

static void call_ret(long n, void *ctx) {
  (void)ctx;
  __asm__ volatile("1:\n.rept 20\n\tcall hm_ret_only\n.endr\n\tdec %[n]\n\tjnz 1b\n"
                   : [n] "+r"(n) : : "cc", "memory");
}

/* Taken-branch throughput: 20 direct jumps over a ud2 (never executed). */
static void jmp_taken(long n, void *ctx) {
  (void)ctx;
  __asm__ volatile("1:\n.rept 20\n\tjmp 2f\n\tud2\n2:\n.endr\n\tdec %[n]\n\tjnz 1b\n"
                   : [n] "+r"(n) : : "cc", "memory");
}

/* 20 always-taken conditional jumps (ZF stays set from the cmp). */
static void jcc_taken(long n, void *ctx) {
  (void)ctx;
  __asm__ volatile("1:\n\tcmp %%rax, %%rax\n.rept 20\n\tjz 2f\n\tud2\n2:\n.endr\n\tdec %[n]\n\tjnz 1b\n"
                   : [n] "+r"(n) : : "rax", "cc", "memory");
}

/* A call with no return: `call` to the next instruction, whose `pop` discards the
 * return address (the return stack overflows harmlessly: nothing returns). */
static void call_pop(long n, void *ctx) {
  (void)ctx;
  __asm__ volatile("1:\n.rept 20\n\tcall 2f\n2:\tpop %%rcx\n.endr\n\tdec %[n]\n\tjnz 1b\n"
                   : [n] "+r"(n) : : "rcx", "cc", "memory");
}

static void call_ret_work(long n, void *ctx) {
  (void)ctx;
  __asm__ volatile("1:\n.rept 20\n\tcall hm_ret_work\n.endr\n\tdec %[n]\n\tjnz 1b\n"
                   : [n] "+r"(n) : : "r8", "r9", "r10", "r11", "rsi", "rdi", "cc", "memory");
}

static void call_jmp_ret(long n, void *ctx) {
  (void)ctx;
  __asm__ volatile("1:\n.rept 20\n\tcall hm_jmp_ret\n.endr\n\tdec %[n]\n\tjnz 1b\n"
                   : [n] "+r"(n) : : "cc", "memory");
}

/* The pair followed by a taken jump in the caller: does a taken transfer after the
 * return cost what one before it (call-jmp-ret) does not? */
static void call_ret_jmp(long n, void *ctx) {
  (void)ctx;
  __asm__ volatile("1:\n.rept 20\n\tcall hm_ret_only\n\tjmp 2f\n\tud2\n2:\n.endr\n\tdec %[n]\n\tjnz 1b\n"
                   : [n] "+r"(n) : : "cc", "memory");
}

static void *depth(long d) { return (void *)d; }

/* One outer call nesting d levels deep: d calls and d returns. */
static void nest(long n, void *ctx) {
  long d = (long)ctx;
  __asm__ volatile("1:\n\tmov %[d], %%rdi\n\tcall hm_nest\n\tdec %[n]\n\tjnz 1b\n"
                   : [n] "+r"(n) : [d] "r"(d) : "rdi", "cc", "memory");
}

#define NEST(d) {"nest-" #d, 1, nest, depth, d, 0}
const struct hm_kernel hm_branch_kernels[] = {
  {"branch-alternating.iter", 64, branch_on_pattern, pattern, 0, 0},
  {"branch-random.iter", 64, branch_on_pattern, pattern, 1, 0},
  {"call-ret.pair", 20, call_ret, 0, 0, 0},
  {"call-ret-work.pair", 20, call_ret_work, 0, 0, 0},
  {"call-jmp-ret.pair", 20, call_jmp_ret, 0, 0, 0},
  {"call-ret-jmp.pair", 20, call_ret_jmp, 0, 0, 0},
  {"call-pop.tp", 20, call_pop, 0, 0, 0},
  {"jmp-taken.tp", 20, jmp_taken, 0, 0, 0},
  {"jcc-taken.tp", 20, jcc_taken, 0, 0, 0},
  NEST(4), NEST(8), NEST(12), NEST(16), NEST(20), NEST(24), NEST(28), NEST(32), NEST(36),
  NEST(40), NEST(44), NEST(46), NEST(48), NEST(50), NEST(52), NEST(54), NEST(56), NEST(58),
  NEST(60), NEST(64), NEST(68), NEST(72), NEST(76), NEST(80), NEST(88), NEST(96),
  NEST(104), NEST(112), NEST(120), NEST(128),
};
const size_t hm_branch_count = sizeof hm_branch_kernels / sizeof hm_branch_kernels[0];
