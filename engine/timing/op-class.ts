// The machine-op vocabulary the timing model consumes. A JIT lowering turns one executed
// BPF instruction into MachineOps; the out-of-order model tracks their register
// dependencies, charges each op class the latency/throughput of the simulated CPU
// (engine/cpus/*), sends loads through the cache model and calls/returns through the
// return-stack predictor. The op classes live with the CPU models that price them
// (engine/cpus/op-classes.ts) and are coarse on purpose.

import type { OpClass } from '../cpus/op-classes.ts';

export { OP_CLASSES, type OpClass } from '../cpus/op-classes.ts';

/** A physical register id of the target (see X86_REG / A64_REG). */
export type RegId = number;

/** Which kind of address a memory op touches, so the cache model can place it. */
export type AddrKind =
  | 'insn' // the executed BPF instruction's own effective address (executor supplies it)
  | 'stack' // the native stack (push/pop/spills), hot in L1
  | 'percpu-offset' // this_cpu_off / per-CPU variable read through %gs or tpidr
  | 'current' // the current task_struct
  | 'kernel'; // any other kernel data: helper-internal structures

export interface MachineOp {
  cls: OpClass;
  /** Primary destination register. */
  dst?: RegId;
  /** Further registers written (flags, rdx of div, rsp of push/pop/call). */
  alsoWrites?: RegId[];
  /** Registers read, including address registers and flags. */
  srcs: RegId[];
  mem: 'load' | 'store' | 'rmw' | 'none';
  /** Bytes the memory access touches. */
  memBytes?: number;
  addr?: AddrKind;
  /** Machine-code bytes, for the instruction-footprint (L1i) model. */
  codeBytes: number;
  /** For branches: whether direction/target follow the BPF instruction's outcome. */
  follows?: 'bpf-branch' | 'always';
  /** Assembly, for humans and llvm-mca (Intel syntax on x86, GNU syntax on arm64). */
  text: string;
}

// x86-64 register numbers as the hardware encodes them, plus FLAGS.
export const X86_REG = {
  rax: 0, rcx: 1, rdx: 2, rbx: 3, rsp: 4, rbp: 5, rsi: 6, rdi: 7,
  r8: 8, r9: 9, r10: 10, r11: 11, r12: 12, r13: 13, r14: 14, r15: 15,
  flags: 16,
} as const;

// AArch64: x0..x30 are 0..30, sp 31, NZCV 32. xzr reads as no dependency, so it is
// never listed as a source.
export const A64_REG = { sp: 31, nzcv: 32, lr: 30, fp: 29 } as const;

export function codeSize(ops: readonly MachineOp[]): number {
  let n = 0;
  for (const op of ops) n += op.codeBytes;
  return n;
}
