// What the kernel runs behind `bl` on arm64, for the helpers the arm64 JIT does not
// inline: transcriptions of the same C code as the x86-64 bodies in helper-costs.ts
// (loads, dependent ALU chains, branches), in the arm64 kernel's idiom: `current` from
// sp_el0, per-CPU data via tpidr_el1, frame records in non-leaf functions, two
// patchable-entry NOPs in traceable functions. Kernel references are Linux v6.x.

import { A64_REG, type MachineOp } from './op-class.ts';
import {
  a, abcond, acmp, aret, bl, contextLevelArm64, frameSetup, frameTeardown, mrsCurrent, mrsPercpu, patchableEntry,
} from './kernel-ops-arm64.ts';
import { DEFAULT_THROW_PARAMETERS, throwPerFrameArm64 } from './throw-cost.ts';

// offsetof(struct task_struct, bpf_exception_thrown), as on x86: fits ldrb's unsigned imm12.
const THROWN_OFF = 3000;

/** x0 = current, x9 = interrupt_context_level(), x0 += x9: the RFC helpers' common prefix. */
const flagBase = (): MachineOp[] => [mrsCurrent(0), ...contextLevelArm64(), a('alu', 'add x0, x0, x9', 0, [0, 9])];

export const A64_GET_EXCEPTION: MachineOp[] = [
  ...flagBase(),
  a('load', `ldrb w0, [x0, #${THROWN_OFF}]`, 0, [0], 'load', 'current', 1),
  aret(),
];

export const A64_RESET_EXCEPTION: MachineOp[] = [
  ...flagBase(),
  a('store', `strb wzr, [x0, #${THROWN_OFF}]`, undefined, [0], 'store', 'current', 1),
  aret(),
];

export const A64_SET_EXCEPTION: MachineOp[] = [
  ...flagBase(),
  a('mov-imm', 'mov w10, #1', 10),
  a('store', `strb w10, [x0, #${THROWN_OFF}]`, undefined, [0, 10], 'store', 'current', 1),
  a('mov-imm', 'mov x0, #0', 0),
  aret(),
];

export const A64_GET_EXCEPTION_PTR: MachineOp[] = [
  ...flagBase(),
  a('alu', `add x0, x0, #${THROWN_OFF}`, 0, [0]),
  aret(),
];

/** bpf_throw(): saves the cookie, calls arch_bpf_stack_walk(); never returns. */
export const A64_THROW: MachineOp[] = [
  ...patchableEntry(),
  ...frameSetup(),
  a('push', 'stp x19, x20, [sp, #-16]!', A64_REG.sp, [19, 20, A64_REG.sp], 'store', 'stack', 16),
  a('mov-reg', 'mov x19, x0  ; cookie', 19, [0]),
  bl('arch_bpf_stack_walk'),
];

/** One BPF frame of arch_bpf_stack_walk() under a distro kernel's parameters
 * (engine/timing/throw-cost.ts throwPerFrameArm64()). */
export const A64_THROW_PER_FRAME: MachineOp[] = throwPerFrameArm64(DEFAULT_THROW_PARAMETERS);

/** __htab_map_lookup_elem(): jhash of a 4-byte key, bucket, first element hits. */
export const A64_HASH_LOOKUP: MachineOp[] = [
  ...patchableEntry(),
  a('load', 'ldr w8, [x0, #0x100]  ; htab->hashrnd', 8, [0], 'load', 'kernel', 4),
  a('load', 'ldr w9, [x1]  ; key word', 9, [1], 'load', 'insn', 4),
  // __jhash_final(): 7 rounds of eor, ror (rol32 has no arm64 form), sub.
  ...Array.from({ length: 7 }, (_, i) => [
    a('alu', `eor w10, w10, w11  ; __jhash_final round ${i + 1}`, 10, [10, 11]),
    a('shift', 'ror w11, w11, #18', 11, [11]),
    a('alu', 'sub w10, w10, w11', 10, [10, 11]),
  ]).flat(),
  a('load', 'ldr w12, [x0, #0x104]  ; htab->n_buckets', 12, [0], 'load', 'kernel', 4),
  a('alu', 'sub w12, w12, #1', 12, [12]),
  a('alu', 'and w12, w12, w10  ; hash & (n_buckets - 1)', 12, [12, 10]),
  a('load', 'ldr x13, [x0, #0x108]  ; htab->buckets', 13, [0], 'load', 'kernel', 8),
  a('load', 'ldr x14, [x13, x12, lsl #3]  ; bucket head', 14, [13, 12], 'load', 'kernel', 8),
  a('load', 'ldr w15, [x14, #0x28]  ; l->hash', 15, [14], 'load', 'kernel', 4),
  acmp('cmp w15, w10', [15, 10]),
  abcond('b.ne .Lnext'),
  a('load', 'ldr w15, [x14, #0x30]  ; memcmp(l->key, key, 4)', 15, [14], 'load', 'kernel', 4),
  acmp('cmp w15, w9', [15, 9]),
  abcond('b.ne .Lnext'),
  a('mov-reg', 'mov x0, x14', 0, [14]),
  aret(),
];

/** array_map_update_elem() with an 8-byte value and no special fields. */
export const A64_ARRAY_UPDATE: MachineOp[] = [
  ...patchableEntry(),
  a('load', 'ldr w8, [x1]  ; index', 8, [1], 'load', 'insn', 4),
  a('load', 'ldr w9, [x0, #0x24]  ; max_entries', 9, [0], 'load', 'kernel', 4),
  acmp('cmp w8, w9', [8, 9]),
  abcond('b.hs .Le2big'),
  a('branch-cond', 'cbnz x3, .Lflags', undefined, [3]),
  a('load', 'ldr x10, [x0, #0x100]  ; elem_size', 10, [0], 'load', 'kernel', 8),
  a('imul', 'mul x8, x8, x10', 8, [8, 10]),
  a('load', 'ldr x11, [x2]  ; copy_map_value (8-byte value)', 11, [2], 'load', 'insn', 8),
  a('alu', 'add x8, x0, x8', 8, [0, 8]),
  a('store', 'str x11, [x8, #0x110]', undefined, [8, 11], 'store', 'kernel', 8),
  a('mov-imm', 'mov w0, #0', 0),
  aret(),
];

/**
 * bpf_ktime_get_ns() → ktime_get_mono_fast_ns(): seqcount, clocksource read, mult/shift.
 * The arm64 clocksource read is arch_counter_get_cntvct(): `isb; mrs cntvct_el0`
 * (arch/arm64/include/asm/arch_timer.h); its cost beyond the op figures is the
 * helper's extraCycles entry.
 */
export const A64_KTIME_GET_NS: MachineOp[] = [
  ...patchableEntry(),
  ...frameSetup(),
  bl('ktime_get_mono_fast_ns'),
  a('load', 'ldr w8, [x9]  ; tk_fast_mono seqcount', 8, [9], 'load', 'kernel', 4),
  a('fence', 'isb  ; arch_counter_get_cntvct()', undefined, []),
  a('sysreg-read', 'mrs x10, cntvct_el0', 10, [], 'none', 'kernel'),
  a('load', 'ldp x11, x12, [x9, #8]  ; cycle_last, mult', 11, [9], 'load', 'kernel', 16),
  a('alu', 'sub x10, x10, x11', 10, [10, 11]),
  a('imul', 'mul x10, x10, x12', 10, [10, 12]),
  a('load', 'ldp w13, x14, [x9, #24]  ; shift, base', 13, [9], 'load', 'kernel', 16),
  a('shift', 'lsr x10, x10, x13', 10, [10, 13]),
  a('alu', 'add x0, x10, x14', 0, [10, 14]),
  aret(),
  frameTeardown(),
  aret(),
];

/** bpf_user_rnd_u32() → prandom_u32_state() on this CPU's rnd_state (lfsr113). */
export const A64_PRANDOM_U32: MachineOp[] = [
  ...patchableEntry(),
  a('mov-imm', 'adrp x0, bpf_user_rnd_state', 0),
  mrsPercpu(8),
  a('alu', 'add x0, x0, x8', 0, [0, 8]),
  ...[0, 1, 2, 3].flatMap((i) => [
    a('load', `ldr w9, [x0, #${4 * i}]`, 9, [0], 'load', 'kernel', 4),
    a('alu', 'eor w10, w9, w9, lsl #6', 10, [9]),
    a('shift', 'lsr w10, w10, #13', 10, [10]),
    a('alu', 'and w9, w9, #-2', 9, [9]),
    a('alu', 'eor w9, w10, w9, lsl #18', 9, [9, 10]),
    a('store', `str w9, [x0, #${4 * i}]`, undefined, [0, 9], 'store', 'kernel', 4),
    a('alu', 'eor w11, w11, w9', 11, [11, 9]),
  ]),
  a('mov-reg', 'mov w0, w11', 0, [11]),
  aret(),
];

/** bpf_get_current_pid_tgid(): current->tgid << 32 | current->pid. */
export const A64_CURRENT_PID_TGID: MachineOp[] = [
  ...patchableEntry(),
  mrsCurrent(8),
  a('branch-cond', 'cbz x8, .Leinval', undefined, [8]),
  a('load', 'ldrsw x9, [x8, #0x5c0]  ; task->tgid', 9, [8], 'load', 'current', 4),
  a('load', 'ldr w0, [x8, #0x5b8]  ; task->pid', 0, [8], 'load', 'current', 4),
  a('alu', 'orr x0, x0, x9, lsl #32', 0, [0, 9]),
  aret(),
];

/**
 * emit_bpf_tail_call() (arch/arm64/net/bpf_jit_comp.c, v6.11+: counter behind the
 * pointer in x26). Emitted inline by the JIT; like the x86 entry it is costed here after
 * the call op, and the callee-saved restores (frame-dependent) are left out. r2 = x1
 * (array), r3 = x2 (index).
 */
export const A64_TAIL_CALL: MachineOp[] = [
  a('mov-imm', 'mov x10, #0x24  ; offsetof(struct bpf_array, map.max_entries)', 10),
  a('load', 'ldr w10, [x1, x10]', 10, [1, 10], 'load', 'kernel', 4),
  a('mov-reg', 'mov w2, w2', 2, [2]),
  acmp('cmp w2, w10', [2, 10]),
  abcond('b.hs .Lout'),
  a('mov-imm', 'mov x10, #33  ; MAX_TAIL_CALL_CNT', 10),
  a('load', 'ldr x9, [x26]  ; *tail_call_cnt_ptr', 9, [26], 'load', 'stack', 8),
  acmp('cmp x9, x10', [9, 10]),
  abcond('b.hs .Lout'),
  a('alu', 'add x9, x9, #1', 9, [9]),
  a('mov-imm', 'mov x10, #0x110  ; offsetof(struct bpf_array, ptrs)', 10),
  a('alu', 'add x10, x1, x10', 10, [1, 10]),
  a('shift', 'lsl x11, x2, #3', 11, [2]),
  a('load', 'ldr x11, [x10, x11]  ; array->ptrs[index]', 11, [10, 11], 'load', 'kernel', 8),
  a('branch-cond', 'cbz x11, .Lout', undefined, [11]),
  a('store', 'str x9, [x26]', undefined, [9, 26], 'store', 'stack', 8),
  a('mov-imm', 'mov x10, #32  ; offsetof(struct bpf_prog, bpf_func)', 10),
  a('load', 'ldr x10, [x11, x10]', 10, [11, 10], 'load', 'kernel', 8),
  a('alu', 'add x10, x10, #PROLOGUE_OFFSET', 10, [10]),
  a('jmp-indirect', 'br x10', undefined, [10]),
];
