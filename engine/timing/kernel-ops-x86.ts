// Builders for x86-64 kernel-side code as MachineOps (helper bodies, the unwinder's
// per-frame work). Kept apart from the cost table so further tables can use them.

import { X86_REG, type AddrKind, type MachineOp, type OpClass } from './op-class.ts';

// Kernel text lies outside the BPF image, so codeBytes is 0: the footprint model counts
// only the image.
const R = X86_REG;

export function k(cls: OpClass, text: string, dst?: number, srcs: number[] = [], mem: MachineOp['mem'] = 'none', addr?: AddrKind, memBytes?: number): MachineOp {
  const m: MachineOp = { cls, srcs, mem, codeBytes: 0, text };
  if (dst !== undefined) m.dst = dst;
  if (addr) m.addr = addr;
  if (memBytes !== undefined) m.memBytes = memBytes;
  if (cls === 'alu' || cls === 'shift') m.alsoWrites = [R.flags];
  return m;
}

/**
 * The first instruction of every traceable kernel function: with CONFIG_FUNCTION_TRACER
 * (-mfentry) the compiler emits `call __fentry__`, which ftrace rewrites to a 5-byte nop
 * at boot (arch/x86/kernel/ftrace.c, ftrace_nop_replace()). `notrace` functions — the RFC's
 * exception helpers, ktime_get_mono_fast_ns() — have none. (CONFIG_X86_KERNEL_IBT adds an
 * endbr64 before it; left out as in the JIT prologue, which is lowered with IBT off.)
 */
export const fentryNop = (): MachineOp => k('nop', 'nop dword ptr [rax + rax + 0]  ; call __fentry__, patched out', undefined, []);

export const kret = (): MachineOp => k('ret', 'ret', undefined, [R.rsp], 'load', 'stack', 8);

/** `current`: one %gs load of pcpu_hot.current_task (arch/x86/include/asm/current.h). */
export const loadCurrent = (dst: number = R.rax): MachineOp =>
  k('gs-load', `mov ${dst === R.rax ? 'rax' : 'rdx'}, qword ptr gs:[pcpu_hot]`, dst, [], 'load', 'percpu-offset', 8);

/**
 * interrupt_context_level() (include/linux/preempt.h): one %gs load of preempt_count and
 * three masked tests whose results are summed, no branches. Leaves the level in rcx.
 */
export function contextLevel(): MachineOp[] {
  return [
    k('gs-load', 'mov edx, dword ptr gs:[pcpu_hot + 8]', R.rdx, [], 'load', 'percpu-offset', 4),
    k('alu', 'xor ecx, ecx', R.rcx),
    k('alu', 'test edx, 0xf00000', R.flags, [R.rdx]),
    k('alu', 'setne cl', R.rcx, [R.flags, R.rcx]),
    k('alu', 'test edx, 0xff0000', R.flags, [R.rdx]),
    k('alu', 'setne sil', R.rsi, [R.flags]),
    k('alu', 'add ecx, esi', R.rcx, [R.rcx, R.rsi]),
    k('alu', 'test edx, 0xff0100', R.flags, [R.rdx]),
    k('alu', 'setne sil', R.rsi, [R.flags]),
    k('alu', 'add ecx, esi', R.rcx, [R.rcx, R.rsi]),
  ];
}

/** n rounds of (load, compare, branch): a binary search or list walk step. */
export function searchSteps(n: number, what: string, addr: AddrKind = 'kernel'): MachineOp[] {
  const out: MachineOp[] = [];
  for (let i = 0; i < n; i++) {
    out.push(k('load', `mov r8, qword ptr [r9 + 8]  ; ${what}`, R.r8, [R.r9], 'load', addr, 8));
    out.push(k('alu', 'cmp r8, r10', R.flags, [R.r8, R.r10]));
    out.push(k('cmov', 'cmova r9, r11', R.r9, [R.r9, R.r11, R.flags]));
  }
  return out;
}

