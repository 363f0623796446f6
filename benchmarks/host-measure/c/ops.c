/* Integer op classes: latency by a long dependent chain through one register,
 * reciprocal throughput by the same op on 11 independent registers (rcx is kept as the
 * shared second operand / shift count). Values do not matter for these ops except for
 * division, whose latency depends on the operands: the div blocks fix them. */
#include "hm.h"

#define EACH11(M)                                                                         \
  M(rax, eax) M(rbx, ebx) M(rdx, edx) M(rsi, esi) M(rdi, edi) M(r8, r8d) M(r9, r9d)     \
  M(r10, r10d) M(r11, r11d) M(r12, r12d) M(r13, r13d)
#define CLOB11 "rax", "rbx", "rdx", "rsi", "rdi", "r8", "r9", "r10", "r11", "r12", "r13"

/* One dependent chain through rax, 100 ops per iteration; rcx = 3, rdx = 5. */
#define LAT(fn, insn)                                                                     \
  static void fn(long n, void *ctx) {                                                    \
    (void)ctx;                                                                            \
    __asm__ volatile("mov $1, %%eax\n\tmov $3, %%ecx\n\tmov $5, %%edx\n"                  \
                     "1:\n.rept 100\n\t" insn "\n.endr\n\tdec %[n]\n\tjnz 1b\n"           \
                     : [n] "+r"(n) : : "rax", "rcx", "rdx", "cc");                        \
  }

/* 11 independent registers, 10 rounds: 110 ops per iteration. */
#define TP(fn, M)                                                                         \
  static void fn(long n, void *ctx) {                                                    \
    (void)ctx;                                                                            \
    __asm__ volatile("mov $3, %%ecx\n"                                                    \
                     "1:\n.rept 10\n" EACH11(M) ".endr\n\tdec %[n]\n\tjnz 1b\n"           \
                     : [n] "+r"(n) : : CLOB11, "rcx", "cc");                              \
  }

void hm_ruler(long n, void *ctx) {
  (void)ctx;
  __asm__ volatile("mov $1, %%eax\n\tmov $3, %%ecx\n"
                   "1:\n.rept 100\n\tadd %%rcx, %%rax\n.endr\n\tdec %[n]\n\tjnz 1b\n"
                   : [n] "+r"(n) : : "rax", "rcx", "cc");
}

LAT(lat_add, "add %%rcx, %%rax")
LAT(lat_lea, "lea 8(%%rax), %%rax")
LAT(lat_shl, "shl $5, %%rax")
LAT(lat_shlx, "shlx %%rcx, %%rax, %%rax")
LAT(lat_shl_cl, "shl %%cl, %%rax")
LAT(lat_imul, "imul %%rdx, %%rax")
LAT(lat_movzx, "movzwl %%ax, %%eax")
LAT(lat_bswap, "bswap %%rax")
LAT(lat_cmov, "cmovz %%rdx, %%rax")
/* mov then add: the add reads rax directly (1 cycle) and through the copy, so a pair
 * costs 1 + mov latency (100 pairs per iteration). */
LAT(lat_movreg_add, "mov %%rax, %%rdx\n\tadd %%rdx, %%rax")

#define T_ADD(q, d) "\tadd %%rcx, %%" #q "\n"
#define T_LEA(q, d) "\tlea 8(%%" #q "), %%" #q "\n"
#define T_SHL(q, d) "\tshl $5, %%" #q "\n"
#define T_SHLX(q, d) "\tshlx %%rcx, %%" #q ", %%" #q "\n"
#define T_SHL_CL(q, d) "\tshl %%cl, %%" #q "\n"
#define T_IMUL(q, d) "\timul %%rcx, %%" #q "\n"
#define T_MOVZX(q, d) "\tmovzbl %%cl, %%" #d "\n"
#define T_BSWAP(q, d) "\tbswap %%" #q "\n"
#define T_CMOV(q, d) "\tcmovz %%rcx, %%" #q "\n"
#define T_MOVREG(q, d) "\tmov %%rcx, %%" #q "\n"
#define T_MOVIMM(q, d) "\tmov $0x12345, %%" #d "\n"
#define T_MOVABS(q, d) "\tmovabs $0x123456789abcdef0, %%" #q "\n"
#define T_NOP5(q, d) "\t.byte 0x0f, 0x1f, 0x44, 0x00, 0x00\n"
TP(tp_add, T_ADD)
TP(tp_lea, T_LEA)
TP(tp_shl, T_SHL)
TP(tp_shlx, T_SHLX)
TP(tp_shl_cl, T_SHL_CL)
TP(tp_imul, T_IMUL)
TP(tp_movzx, T_MOVZX)
TP(tp_bswap, T_BSWAP)
TP(tp_cmov, T_CMOV)
TP(tp_movreg, T_MOVREG)
TP(tp_movimm, T_MOVIMM)
TP(tp_movabs, T_MOVABS)
TP(tp_nop5, T_NOP5)

static void tp_lfence(long n, void *ctx) {
  (void)ctx;
  __asm__ volatile("1:\n.rept 20\n\tlfence\n.endr\n\tdec %[n]\n\tjnz 1b\n" : [n] "+r"(n) : : "cc", "memory");
}

/* Division chain: q = D / 7 with rdx = 0 (as the BPF JIT divides), then
 * `or D` restores the dividend, so each step costs div latency + 1. 20 steps per
 * iteration. D (in rbx) and the divisor (rcx) come from the kernel's param. */
#define DIV_LAT(fn, width_insn, or_insn, zero)                                             \
  static void fn(long n, void *ctx) {                                                    \
    const unsigned long *p = ctx;                                                         \
    __asm__ volatile("mov %[d], %%rbx\n\tmov %[v], %%rcx\n\tmov %%rbx, %%rax\n"            \
                     "1:\n.rept 20\n\t" zero "\n\t" width_insn "\n\t" or_insn "\n.endr\n"  \
                     "\tdec %[n]\n\tjnz 1b\n"                                            \
                     : [n] "+r"(n) : [d] "r"(p[0]), [v] "r"(p[1])                         \
                     : "rax", "rbx", "rcx", "rdx", "cc");                                 \
  }
/* Independent divisions: the dividend is reloaded before each one. */
#define DIV_TP(fn, width_insn, mov_insn, zero)                                             \
  static void fn(long n, void *ctx) {                                                    \
    const unsigned long *p = ctx;                                                         \
    __asm__ volatile("mov %[d], %%rbx\n\tmov %[v], %%rcx\n"                               \
                     "1:\n.rept 20\n\t" mov_insn "\n\t" zero "\n\t" width_insn "\n.endr\n" \
                     "\tdec %[n]\n\tjnz 1b\n"                                            \
                     : [n] "+r"(n) : [d] "r"(p[0]), [v] "r"(p[1])                         \
                     : "rax", "rbx", "rcx", "rdx", "cc");                                 \
  }
DIV_LAT(lat_div32, "div %%ecx", "or %%ebx, %%eax", "xor %%edx, %%edx")
DIV_LAT(lat_div64, "div %%rcx", "or %%rbx, %%rax", "xor %%edx, %%edx")
DIV_TP(tp_div32, "div %%ecx", "mov %%ebx, %%eax", "xor %%edx, %%edx")
DIV_TP(tp_div64, "div %%rcx", "mov %%rbx, %%rax", "xor %%edx, %%edx")

/* Operand sets: [dividend, divisor]. "big" quotients fill most of the register width;
 * "small" ones are what packet-length arithmetic tends to divide. */
static unsigned long div32_big[2] = {0x7fffffffUL, 7};
static unsigned long div32_small[2] = {0xffffUL, 7};
static unsigned long div64_big[2] = {0x7fffffffffffffffUL, 7};
static unsigned long div64_small[2] = {0xffffUL, 7};
static void *div_operands(long which) {
  static unsigned long *sets[] = {div32_big, div32_small, div64_big, div64_small};
  return sets[which];
}

const struct hm_kernel hm_ops_kernels[] = {
  {"add.lat", 100, lat_add, 0, 0, 0},
  {"lea.lat", 100, lat_lea, 0, 0, 0},
  {"shl-imm.lat", 100, lat_shl, 0, 0, 0},
  {"shlx.lat", 100, lat_shlx, 0, 0, 0},
  {"shl-cl.lat", 100, lat_shl_cl, 0, 0, 0},
  {"imul.lat", 100, lat_imul, 0, 0, 0},
  {"movzx.lat", 100, lat_movzx, 0, 0, 0},
  {"bswap.lat", 100, lat_bswap, 0, 0, 0},
  {"cmov.lat", 100, lat_cmov, 0, 0, 0},
  {"mov-add.pair", 100, lat_movreg_add, 0, 0, 0},
  {"div32-big.lat", 20, lat_div32, div_operands, 0, 0},
  {"div32-small.lat", 20, lat_div32, div_operands, 1, 0},
  {"div64-big.lat", 20, lat_div64, div_operands, 2, 0},
  {"div64-small.lat", 20, lat_div64, div_operands, 3, 0},
  {"add.tp", 110, tp_add, 0, 0, 0},
  {"lea.tp", 110, tp_lea, 0, 0, 0},
  {"shl-imm.tp", 110, tp_shl, 0, 0, 0},
  {"shlx.tp", 110, tp_shlx, 0, 0, 0},
  {"shl-cl.tp", 110, tp_shl_cl, 0, 0, 0},
  {"imul.tp", 110, tp_imul, 0, 0, 0},
  {"movzx.tp", 110, tp_movzx, 0, 0, 0},
  {"bswap.tp", 110, tp_bswap, 0, 0, 0},
  {"cmov.tp", 110, tp_cmov, 0, 0, 0},
  {"mov-reg.tp", 110, tp_movreg, 0, 0, 0},
  {"mov-imm.tp", 110, tp_movimm, 0, 0, 0},
  {"movabs.tp", 110, tp_movabs, 0, 0, 0},
  {"nop5.tp", 110, tp_nop5, 0, 0, 0},
  {"lfence.tp", 20, tp_lfence, 0, 0, 0},
  {"div32-big.tp", 20, tp_div32, div_operands, 0, 0},
  {"div32-small.tp", 20, tp_div32, div_operands, 1, 0},
  {"div64-big.tp", 20, tp_div64, div_operands, 2, 0},
  {"div64-small.tp", 20, tp_div64, div_operands, 3, 0},
};
const size_t hm_ops_count = sizeof hm_ops_kernels / sizeof hm_ops_kernels[0];
