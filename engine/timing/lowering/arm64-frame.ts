// Prologue and epilogue of the arm64 BPF JIT (Linux v6.15, arch/arm64/net/bpf_jit_comp.c
// build_prologue(), prepare_bpf_tail_call_cnt(), push_callee_regs(), pop_callee_regs(),
// build_epilogue()). BTI and pointer-authentication hints are emitted only when the kernel
// is built with them and the CPU has them (Neoverse V2: Armv9.0, both; N1: Armv8.2, neither).

import { A64_REG, type MachineOp } from '../op-class.ts';
import type { JitFrame } from './jit-insn.ts';
import { a64op } from './arm64.ts';

export interface A64FrameCtx {
  /** CONFIG_ARM64_BTI_KERNEL on a CPU with BTI. */
  bti: boolean;
  /** CONFIG_ARM64_PTR_AUTH_KERNEL on a CPU with PAuth: paciasp / autiasp. */
  pac: boolean;
}

const { sp: SP, fp: FP, lr: LR } = A64_REG;

function stp(a: string, b: string, srcs: number[]): MachineOp {
  return a64op('push', `stp ${a}, ${b}, [sp, #-16]!`, { dst: SP, srcs: [...srcs, SP], mem: 'store', memBytes: 16, addr: 'stack' });
}

function ldp(a: string, b: string, dsts: number[]): MachineOp {
  const m = a64op('pop', `ldp ${a}, ${b}, [sp], #16`, { dst: dsts[0], alsoWrites: [...dsts.slice(1), SP], srcs: [SP], mem: 'load', memBytes: 16, addr: 'stack' });
  return m;
}

/** Callee-saved registers pushed, in pairs (x19..x22 for r6..r9, x25 when r10 is used). */
function savedPairs(frame: JitFrame): [number, number | null][] {
  if (frame.exceptionBoundary) return [[19, 20], [21, 22], [23, 24], [25, 26], [27, 28]];
  const regs: number[] = [];
  [19, 20, 21, 22].forEach((r, i) => { if (frame.calleeRegsUsed[i]) regs.push(r); });
  if (frame.usesFramePointer ?? true) regs.push(25);
  const pairs: [number, number | null][] = [];
  for (let i = 0; i < regs.length; i += 2) pairs.push([regs[i], regs[i + 1] ?? null]);
  return pairs;
}

export function arm64StackSize(frame: JitFrame): number {
  return Math.ceil(frame.stackDepth / 16) * 16;
}

export function arm64Prologue(frame: JitFrame, ctx: A64FrameCtx): MachineOp[] {
  const out: MachineOp[] = [];
  if (ctx.bti) out.push(a64op('nop', 'bti jc'));
  out.push(a64op('mov-reg', 'mov x9, x30', { dst: 9, srcs: [LR] }));
  out.push(a64op('nop', 'nop')); // POKE_OFFSET: the trampoline's bl goes here
  if (ctx.pac) out.push(a64op('nop', 'paciasp', { dst: LR, srcs: [LR, SP] }));
  out.push(stp('x29', 'x30', [FP, LR]));
  out.push(a64op('mov-reg', 'mov x29, sp', { dst: FP, srcs: [SP] }));
  if (!frame.isSubprog) {
    out.push(stp('xzr', 'x26', [26]));
    out.push(a64op('mov-reg', 'mov x26, sp', { dst: 26, srcs: [SP] }));
    if (ctx.bti) out.push(a64op('nop', 'bti j'));
  } else {
    out.push(stp('x26', 'x26', [26]));
  }
  for (const [a, b] of savedPairs(frame)) out.push(stp(`x${a}`, b === null ? 'xzr' : `x${b}`, b === null ? [a] : [a, b]));
  if (frame.usesFramePointer ?? true) out.push(a64op('mov-reg', 'mov x25, sp', { dst: 25, srcs: [SP] }));
  const size = arm64StackSize(frame);
  if (size) out.push(a64op('alu', `sub sp, sp, #${size}`, { dst: SP, srcs: [SP] }));
  return out;
}

export function arm64Epilogue(frame: JitFrame, ctx: A64FrameCtx): MachineOp[] {
  const out: MachineOp[] = [];
  const size = arm64StackSize(frame);
  if (size) out.push(a64op('alu', `add sp, sp, #${size}`, { dst: SP, srcs: [SP] }));
  for (const [a, b] of [...savedPairs(frame)].reverse()) out.push(ldp(`x${a}`, b === null ? 'xzr' : `x${b}`, b === null ? [a] : [a, b]));
  out.push(ldp('xzr', 'x26', [26]));
  out.push(ldp('x29', 'x30', [FP, LR]));
  out.push(a64op('mov-reg', 'mov x0, x7', { dst: 0, srcs: [7] }));
  if (ctx.pac) out.push(a64op('nop', 'autiasp', { dst: LR, srcs: [LR, SP] }));
  out.push(a64op('ret', 'ret', { srcs: [LR], follows: 'always' }));
  return out;
}

/** Index of the first prologue op a tail call runs: emit_bpf_tail_call() branches to
 * bpf_func + PROLOGUE_OFFSET, the `bti j` (or what follows `mov x26, sp`) of a main
 * program's prologue; the frame record and the tail-call counter pointer stay. */
export function arm64TailCallEntry(prologue: readonly MachineOp[]): number {
  return prologue.findIndex((o) => o.text === 'mov x26, sp') + 1;
}

/** What a tail call tears down of the frame it leaves (emit_bpf_tail_call(): restore sp
 * past the BPF stack, then pop_callee_regs()), the epilogue up to the frame record. */
export function arm64TailCallExit(frame: JitFrame): MachineOp[] {
  const out: MachineOp[] = [];
  const size = arm64StackSize(frame);
  if (size) out.push(a64op('alu', `add sp, sp, #${size}`, { dst: SP, srcs: [SP] }));
  for (const [a, b] of [...savedPairs(frame)].reverse()) out.push(ldp(`x${a}`, b === null ? 'xzr' : `x${b}`, b === null ? [a] : [a, b]));
  return out;
}
