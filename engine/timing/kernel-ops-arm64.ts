// Builders for arm64 kernel-side code as MachineOps (AAPCS64 registers: arguments and the
// result in x0..x4, scratch x8..x17; see A64_REG). Kernel text lies outside the BPF image,
// so codeBytes is 0, as for the x86 builders in kernel-ops-x86.ts. Shapes follow what GCC
// emits for the arm64 kernel: frame records (CONFIG_FRAME_POINTER is always on for arm64)
// in non-leaf functions, `current` from sp_el0, per-CPU data through tpidr_el1.
// Pointer authentication (paciasp/autiasp) is left out, as in the JIT lowering.

import { A64_REG, type AddrKind, type MachineOp, type OpClass } from './op-class.ts';

const NZCV = A64_REG.nzcv;
const SP = A64_REG.sp;
const FP = A64_REG.fp;
const LR = A64_REG.lr;

export function a(cls: OpClass, text: string, dst?: number, srcs: number[] = [], mem: MachineOp['mem'] = 'none', addr?: AddrKind, memBytes?: number): MachineOp {
  const m: MachineOp = { cls, srcs, mem, codeBytes: 0, text };
  if (dst !== undefined) m.dst = dst;
  if (addr) m.addr = addr;
  if (memBytes !== undefined) m.memBytes = memBytes;
  if (cls === 'call-direct' || cls === 'call-indirect') m.alsoWrites = [LR];
  return m;
}

/** `cmp`/`tst`: writes only NZCV. */
export const acmp = (text: string, srcs: number[]): MachineOp => a('alu', text, NZCV, srcs);
export const abcond = (text: string): MachineOp => a('branch-cond', text, undefined, [NZCV]);

/**
 * Entry of a traceable arm64 kernel function: with CONFIG_DYNAMIC_FTRACE_WITH_ARGS the
 * compiler emits -fpatchable-function-entry=2, two NOPs that ftrace patches to
 * `mov x9, x30; bl ftrace_caller` only while a tracer is attached (arch/arm64/Makefile,
 * arch/arm64/kernel/ftrace.c). `notrace` functions have none.
 */
export const patchableEntry = (): MachineOp[] => [
  a('nop', 'nop  ; patchable-function-entry, patched out'),
  a('nop', 'nop  ; patchable-function-entry, patched out'),
];

/** Frame record of a non-leaf function: stp x29, x30, [sp, #-16]!; mov x29, sp. */
export const frameSetup = (): MachineOp[] => [
  a('push', 'stp x29, x30, [sp, #-16]!', SP, [FP, LR, SP], 'store', 'stack', 16),
  a('mov-reg', 'mov x29, sp', FP, [SP]),
];

export function frameTeardown(): MachineOp {
  const m = a('pop', 'ldp x29, x30, [sp], #16', FP, [SP], 'load', 'stack', 16);
  m.alsoWrites = [LR, SP];
  return m;
}

export const aret = (): MachineOp => a('ret', 'ret', undefined, [LR]);

export const bl = (target: string): MachineOp => a('call-direct', `bl ${target}`, 0, [0, 1, 2, 3, 4]);

/** `current` (arch/arm64/include/asm/current.h get_current()): sp_el0 holds the task pointer. */
export const mrsCurrent = (dst: number): MachineOp => a('sysreg-read', `mrs x${dst}, sp_el0  ; current`, dst, [], 'none', 'current');

/** __my_cpu_offset (arch/arm64/include/asm/percpu.h): tpidr_el1 (tpidr_el2 under VHE). */
export const mrsPercpu = (dst: number): MachineOp => a('sysreg-read', `mrs x${dst}, tpidr_el1  ; __my_cpu_offset`, dst, [], 'none', 'percpu-offset');

/**
 * interrupt_context_level() (include/linux/preempt.h) on arm64: preempt_count lives in
 * thread_info, the first member of task_struct (THREAD_INFO_IN_TASK), so it is one load
 * off the `current` pointer in x0, then three masked tests summed without branches.
 * Leaves the level in x9.
 */
export function contextLevelArm64(): MachineOp[] {
  return [
    a('load', 'ldr w10, [x0, #8]  ; current_thread_info()->preempt_count', 10, [0], 'load', 'current', 4),
    acmp('tst w10, #0xf00000', [10]),
    a('cmov', 'cset w9, ne', 9, [NZCV]),
    acmp('tst w10, #0xff0000', [10]),
    a('cmov', 'cset w11, ne', 11, [NZCV]),
    a('alu', 'add w9, w9, w11', 9, [9, 11]),
    acmp('tst w10, #0xff0100', [10]),
    a('cmov', 'cset w11, ne', 11, [NZCV]),
    a('alu', 'add w9, w9, w11', 9, [9, 11]),
  ];
}

/** n rounds of (load, compare, select): a binary search or tree walk step. */
export function searchStepsArm64(n: number, what: string): MachineOp[] {
  const out: MachineOp[] = [];
  for (let i = 0; i < n; i++) {
    out.push(a('load', `ldr x12, [x13, #8]  ; ${what}`, 12, [13], 'load', 'kernel', 8));
    out.push(acmp('cmp x12, x14', [12, 14]));
    out.push(a('cmov', 'csel x13, x13, x15, hi', 13, [13, 15, NZCV]));
  }
  return out;
}
