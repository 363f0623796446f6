// Per-function prologue and epilogue of the x86-64 BPF JIT (Linux v6.14/v6.15,
// arch/x86/net/bpf_jit_comp.c): emit_prologue() + the callee-saved pushes at the top of
// do_jit(), and the first BPF_EXIT's pop_callee_regs() + leave + emit_return(). The
// return thunk itself (what `jmp __x86_return_thunk` runs) is in engine/cpus data,
// since which thunk a kernel patches in depends on the CPU.

import { X86_REG, type MachineOp } from '../op-class.ts';
import type { JitFrame } from './jit-insn.ts';
import { FLAGS, op } from './x86-regs.ts';

export interface X86FrameCtx {
  /** CONFIG_X86_KERNEL_IBT with an IBT-capable CPU: endbr64 at entry and at X86_TAIL_CALL_OFFSET. */
  ibt: boolean;
  /** X86_FEATURE_RETHUNK: returns are `jmp x86_return_thunk` instead of `ret`. */
  returnThunk: boolean;
  /** CONFIG_MITIGATION_SLS: an int3 follows a plain ret (never executed). */
  sls?: boolean;
}

const { rsp, rbp, rax, rbx, r12, r13, r14, r15 } = X86_REG;

function push(name: string, reg: number, bytes: number): MachineOp {
  return op('push', `push ${name}`, bytes, { alsoWrites: [rsp], srcs: [reg, rsp], mem: 'store', memBytes: 8, addr: 'stack' });
}

function pop(name: string, reg: number, bytes: number): MachineOp {
  return op('pop', `pop ${name}`, bytes, { dst: reg, alsoWrites: [rsp], srcs: [rsp], mem: 'load', memBytes: 8, addr: 'stack' });
}

const CALLEE = [
  { name: 'rbx', reg: rbx, bytes: 1 },
  { name: 'r13', reg: r13, bytes: 2 },
  { name: 'r14', reg: r14, bytes: 2 },
  { name: 'r15', reg: r15, bytes: 2 },
];

function savedRegs(frame: JitFrame): typeof CALLEE {
  // exception_boundary saves all four (all_callee_regs_used) plus r12.
  return CALLEE.filter((_, i) => frame.exceptionBoundary || frame.calleeRegsUsed[i]);
}

function endbr(): MachineOp {
  return op('nop', 'endbr64', 4);
}

/** What runs on entry to a JITed function, in order. */
export function x86Prologue(frame: JitFrame, ctx: X86FrameCtx): MachineOp[] {
  const out: MachineOp[] = [];
  if (ctx.ibt) out.push(endbr());
  out.push(op('nop', 'nop dword ptr [rax + rax]', 5)); // X86_PATCH_SIZE nop5, the trampoline hook
  if (frame.tailCallReachable && !frame.isSubprog) {
    out.push(op('alu', 'xor rax, rax', 3, { dst: rax, alsoWrites: [FLAGS] }));
  } else {
    out.push(op('nop', 'nop dword ptr [rax]', 3)); // nop3 keeps X86_TAIL_CALL_OFFSET fixed
  }
  out.push(push('rbp', rbp, 1));
  out.push(op('mov-reg', 'mov rbp, rsp', 3, { dst: rbp, srcs: [rsp] }));
  if (ctx.ibt) out.push(endbr());
  if (frame.stackDepth > 0) {
    const n = Math.ceil(frame.stackDepth / 8) * 8;
    out.push(op('alu', `sub rsp, ${n}`, 7, { dst: rsp, alsoWrites: [FLAGS], srcs: [rsp] }));
  }
  if (frame.tailCallReachable) {
    // emit_prologue_tail_call(): the hot path of a main program entered with rax = 0.
    if (!frame.isSubprog) {
      out.push(op('alu', 'cmp rax, 33', 4, { dst: FLAGS, srcs: [rax] }));
      out.push(op('branch-cond', 'ja .Ltcc_ptr', 2, { srcs: [FLAGS] }));
      out.push(push('rax', rax, 1));
      out.push(op('mov-reg', 'mov rax, rsp', 3, { dst: rax, srcs: [rsp] }));
      out.push(op('jmp', 'jmp .Ltcc_done', 2, { follows: 'always' }));
      out.push(push('rax', rax, 1));
    } else {
      out.push(push('rax', rax, 1), push('rax', rax, 1));
    }
  }
  if (frame.exceptionBoundary) out.push(push('r12', r12, 2));
  for (const r of savedRegs(frame)) out.push(push(r.name, r.reg, r.bytes));
  return out;
}

/** What runs from the epilogue label to the return, in order. */
export function x86Epilogue(frame: JitFrame, ctx: X86FrameCtx): MachineOp[] {
  const out: MachineOp[] = [];
  for (const r of [...savedRegs(frame)].reverse()) out.push(pop(r.name, r.reg, r.bytes));
  if (frame.exceptionBoundary) out.push(pop('r12', r12, 2));
  out.push(op('leave', 'leave', 1, { dst: rbp, alsoWrites: [rsp], srcs: [rbp], mem: 'load', memBytes: 8, addr: 'stack' }));
  if (ctx.returnThunk) {
    out.push(op('return-thunk', 'jmp __x86_return_thunk', 5, { srcs: [rsp], follows: 'always' }));
  } else {
    out.push(op('ret', 'ret', 1 + (ctx.sls ? 1 : 0), { alsoWrites: [rsp], srcs: [rsp], mem: 'load', memBytes: 8, addr: 'stack', follows: 'always' }));
  }
  return out;
}

/** Index of the first prologue op a tail call runs: the JIT jumps to bpf_func +
 * X86_TAIL_CALL_OFFSET, past the nop5, the tail-call-counter xor and `push rbp; mov rbp,
 * rsp` (the frame base stays the replaced frame's). */
export function x86TailCallEntry(prologue: readonly MachineOp[]): number {
  return prologue.findIndex((o) => o.text === 'mov rbp, rsp') + 1;
}

/** What a tail call tears down of the frame it leaves, besides what the tail-call
 * sequence itself runs (helper-costs.ts bpf_tail_call): emit_bpf_tail_call_indirect()'s
 * pop_callee_regs() (all of them and r12 at an exception boundary) and, after its two
 * `pop rax`, `add rsp, stack_depth`. */
export function x86TailCallExit(frame: JitFrame): MachineOp[] {
  const out: MachineOp[] = [];
  for (const r of [...savedRegs(frame)].reverse()) out.push(pop(r.name, r.reg, r.bytes));
  if (frame.exceptionBoundary) out.push(pop('r12', r12, 2));
  if (frame.stackDepth > 0) {
    const n = Math.ceil(frame.stackDepth / 8) * 8;
    out.push(op('alu', `add rsp, ${n}`, 7, { dst: rsp, alsoWrites: [FLAGS], srcs: [rsp] }));
  }
  return out;
}
