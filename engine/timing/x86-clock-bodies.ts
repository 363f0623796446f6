// The x86-64 kernel code behind the clock helpers (kept apart from the cost table so the
// tables that build on it import a leaf).

import { fentryNop, k, kret } from './kernel-ops-x86.ts';
import { X86_REG, type MachineOp } from './op-class.ts';

const R = X86_REG;

/** bpf_ktime_get_ns() → ktime_get_mono_fast_ns(), up to and including the helper's ret
 * (bpf_ktime_get_boot_ns reuses it: generic-helper-costs.ts). */
export const KTIME_GET_NS_X86: MachineOp[] = [
  fentryNop(),
  k('call-direct', 'call ktime_get_mono_fast_ns', R.rax, [R.rsp], 'store', 'stack', 8),
  k('load', 'mov ecx, dword ptr [tk_fast_mono]  ; raw_read_seqcount_latch()', R.rcx, [], 'load', 'kernel', 4),
  k('alu', 'and ecx, 1  ; tkf->base + (seq & 1)', R.rcx, [R.rcx]),
  k('shift', 'shl rcx, 6', R.rcx, [R.rcx]),
  k('load', 'mov rdi, qword ptr [rcx + tk_fast_mono + 8]  ; tkr->clock', R.rdi, [R.rcx], 'load', 'kernel', 8),
  k('load', 'mov rax, qword ptr [rdi]  ; clock->read', R.rax, [R.rdi], 'load', 'kernel', 8),
  // tk_clock_read(): clock->read(clock) is an indirect call; with retpolines it is
  // `call __x86_indirect_thunk_rax`, whose `call 1f; mov [rsp], rax; ret` reaches
  // read_tsc() through a return the return-stack buffer predicts into the capture loop
  // (arch/x86/lib/retpoline.S), so it always mispredicts. The model thunks that `ret`
  // like every return, which also mispredicts it on a CPU with a return thunk.
  k('call-direct', 'call __x86_indirect_thunk_rax', R.rax, [R.rsp], 'store', 'stack', 8),
  k('call-direct', 'call .Ldo_rop', R.rax, [R.rsp], 'store', 'stack', 8),
  k('store', 'mov qword ptr [rsp], rax', undefined, [R.rsp, R.rax], 'store', 'stack', 8),
  kret(),
  // read_tsc() (arch/x86/kernel/tsc.c, built without -pg: no fentry): rdtsc_ordered(),
  // which is rdtscp where the CPU has it (arch/x86/include/asm/msr.h); the counter
  // read is extraCycles.
  k('shift', 'shl rdx, 32', R.rdx, [R.rdx]),
  k('alu', 'or rax, rdx', R.rax, [R.rax, R.rdx]),
  kret(),
  // clocksource_delta() and timekeeping_delta_to_ns(): ((now - last) & mask) * mult
  // + xtime_nsec >> shift, plus base; then the latch retry check.
  k('load', 'mov rdx, qword ptr [rcx + tk_fast_mono + 16]  ; cycle_last', R.rdx, [R.rcx], 'load', 'kernel', 8),
  k('alu', 'sub rax, rdx', R.rax, [R.rax, R.rdx]),
  k('load-alu', 'and rax, qword ptr [rcx + tk_fast_mono + 24]  ; mask', R.rax, [R.rax, R.rcx], 'load', 'kernel', 8),
  k('imul', 'imul rax, qword ptr [rcx + tk_fast_mono + 32]  ; * mult', R.rax, [R.rax, R.rcx]),
  k('load-alu', 'add rax, qword ptr [rcx + tk_fast_mono + 40]  ; + xtime_nsec', R.rax, [R.rax, R.rcx], 'load', 'kernel', 8),
  k('shift', 'shr rax, cl  ; >> shift', R.rax, [R.rax, R.rcx]),
  k('load-alu', 'add rax, qword ptr [rcx + tk_fast_mono + 48]  ; + base', R.rax, [R.rax, R.rcx], 'load', 'kernel', 8),
  k('load-alu', 'cmp ecx, dword ptr [tk_fast_mono]  ; read_seqcount_latch_retry()', R.flags, [R.rcx], 'load', 'kernel', 4),
  k('branch-cond', 'jne .Lretry', undefined, [R.flags]),
  kret(), kret(),
];
