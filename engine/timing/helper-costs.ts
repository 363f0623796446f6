// What each helper, kfunc and suite-internal call executes in the kernel, for the timing
// model. Three shapes, each with its source:
//   inlineX86   the verifier replaces the call before the JIT runs (the BPF sequence is
//               lowered like any other instruction, so it costs what the JIT emits)
//   body        the call stays: `call rel32`, then these ops up to and including `ret`
//               (the model swaps in the CPU's return thunk where one applies)
//   perUnit     work repeated per runtime unit (stack frame, loop iteration)
// and the same three for arm64 (inlineArm64, bodyArm64, perUnitArm64), since the arm64
// JIT sees the same verifier rewrites but its kernel bodies are arm64 code.
// Bodies are transcriptions of the C code's data flow (loads, dependent ALU chains,
// branches), not compiler output; where work is outside the op vocabulary (rdtsc) the
// figure is per CPU model with a source, or marked unmeasured. Kernel references are
// Linux v6.x (v6.10+ where inlining depends on it).

import { INTERNAL_HELPER, KFUNC_ID } from '../isa/internal-ids.ts';
import * as A64 from './arm64-helper-bodies.ts';
import type { BpfSeqInsn, HelperCost } from './helper-cost-types.ts';
import { BPF_FUNC, HTAB_LOOKUP_CALL } from './helper-ids.ts';
import { contextLevel, fentryNop, k, kret, loadCurrent } from './kernel-ops-x86.ts';
import { EXCEPTION_KFUNC_COSTS } from './exception-kfunc-costs.ts';
import { hashLookup } from './htab-lookup-body.ts';
import { MAP_HELPER_COSTS } from './map-helper-costs.ts';
import { KTIME_GET_NS_X86 } from './x86-clock-bodies.ts';
import { GENERIC_HELPER_COSTS } from './generic-helper-costs.ts';
import { SKB_HELPER_COSTS } from './skb-helper-costs.ts';
import { DEFAULT_THROW_PARAMETERS, throwBodyX86, throwPerFrameX86 } from './throw-cost.ts';
import { X86_REG, type MachineOp } from './op-class.ts';

export { BPF_FUNC, HTAB_LOOKUP_CALL } from './helper-ids.ts';
export { contextLevel, fentryNop, k, kret, loadCurrent, searchSteps } from './kernel-ops-x86.ts';

const R = X86_REG;

const flag = (off: number): string => `byte ptr [rax + rcx + ${off}]`;
// offsetof(struct task_struct, bpf_exception_thrown): the field the RFC adds; the value
// only sets the displacement size (disp32), never a latency.
const THROWN_OFF = 3000;

const getException: MachineOp[] = [
  loadCurrent(),
  ...contextLevel(),
  k('load', `movzx eax, ${flag(THROWN_OFF)}`, R.rax, [R.rax, R.rcx], 'load', 'current', 1),
  kret(),
];

const RFC = 'RFC "[PATCH RFC bpf-next v1 0/9] Exceptions - 1/2" patch 4/9 (notrace helpers), include/linux/preempt.h interrupt_context_level()';

/** array_map_gen_lookup() (kernel/bpf/arraymap.c), privileged load (no index_mask). */
const ARRAY_GEN_LOOKUP: BpfSeqInsn[] = [
  ['add', 'dst,imm', 1, 0, 0, 0x110], // r1 += offsetof(struct bpf_array, value)
  ['ldxw', 'load', 0, 2, 0, 0], // r0 = *(u32 *)key
  ['jge', 'dst,imm,off', 0, 0, 3, 256], // if r0 >= max_entries goto null
  ['lsh', 'dst,imm', 0, 0, 0, 3], // r0 <<= ilog2(elem_size) (power-of-two value size)
  ['add', 'dst,src', 0, 1, 0, 0], // r0 += r1
  ['ja', 'off', 0, 0, 1, 0], // goto out
  ['mov', 'dst,imm', 0, 0, 0, 0], // null: r0 = 0
];

/** htab_map_gen_lookup() (kernel/bpf/hashtab.c). */
const HTAB_GEN_LOOKUP: BpfSeqInsn[] = [
    ['call', 'helper', 0, 0, 0, HTAB_LOOKUP_CALL], // BPF_EMIT_CALL(__htab_map_lookup_elem)
    ['jeq', 'dst,imm,off', 0, 0, 1, 0],
    ['add', 'dst,imm', 0, 0, 0, 56], // r0 += offsetof(struct htab_elem, key) + round_up(key_size, 8)
];

/** inline_bpf_loop() (kernel/bpf/verifier.c): the set-up before the loop body. */
const LOOP_INLINE_SETUP: BpfSeqInsn[] = [
    ['jgt', 'dst,imm,off', 1, 0, 8, 1 << 23], // if nr_loops > BPF_MAX_LOOPS goto -E2BIG
    ['stxdw', 'store-reg', 10, 6, -24, 0], // spill r6, r7, r8
    ['stxdw', 'store-reg', 10, 7, -16, 0],
    ['stxdw', 'store-reg', 10, 8, -8, 0],
    ['mov', 'dst,src', 6, 1, 0, 0], // r6 = nr_loops (limit), r7 = counter, r8 = ctx
    ['mov', 'dst,imm', 7, 0, 0, 0],
    ['mov', 'dst,src', 8, 3, 0, 0],
];

export const HELPER_COSTS: readonly HelperCost[] = [
  {
    name: 'bpf_get_exception', id: INTERNAL_HELPER.bpf_get_exception, kind: 'internal', body: getException, bodyArm64: A64.A64_GET_EXCEPTION,
    source: `${RFC}: return current->bpf_exception_thrown[interrupt_context_level()] — two %gs loads, the masked tests, one dependent byte load, ret`,
  },
  {
    name: 'bpf_reset_exception', id: INTERNAL_HELPER.bpf_reset_exception, kind: 'internal', bodyArm64: A64.A64_RESET_EXCEPTION,
    body: [loadCurrent(), ...contextLevel(), k('store', `mov ${flag(THROWN_OFF)}, 0`, undefined, [R.rax, R.rcx], 'store', 'current', 1), kret()],
    source: `${RFC}: current->bpf_exception_thrown[interrupt_context_level()] = false`,
  },
  {
    name: 'bpf_set_exception', id: INTERNAL_HELPER.bpf_set_exception, kind: 'internal', bodyArm64: A64.A64_SET_EXCEPTION,
    body: [loadCurrent(), ...contextLevel(), k('store', `mov ${flag(THROWN_OFF)}, 1`, undefined, [R.rax, R.rcx], 'store', 'current', 1), k('alu', 'xor eax, eax', R.rax), kret()],
    source: `${RFC}: the RFC's bpf_throw body sets the flag and returns 0`,
  },
  {
    name: 'bpf_get_exception_ptr', id: INTERNAL_HELPER.bpf_get_exception_ptr, kind: 'internal', bodyArm64: A64.A64_GET_EXCEPTION_PTR,
    body: [loadCurrent(), ...contextLevel(), k('lea', `lea rax, [rax + rcx + ${THROWN_OFF}]`, R.rax, [R.rax, R.rcx]), kret()],
    source: `${RFC}: the \`stack\` strategy's entry — &current->bpf_exception_thrown[level], no final load`,
  },
  {
    name: 'bpf_throw', id: KFUNC_ID.bpf_throw, kind: 'kfunc',
    body: throwBodyX86(DEFAULT_THROW_PARAMETERS),
    perUnit: {
      unit: 'BPF stack frame walked',
      ops: throwPerFrameX86(DEFAULT_THROW_PARAMETERS),
      source: 'engine/timing/throw-cost.ts: unwind_get_return_address() → kernel_text_address() (module, ftrace-trampoline, kprobe-slot and BPF lookups), bpf_stack_walker() → bpf_prog_ksym_find(), unwind_next_frame() → orc_find() misses → frame-pointer fallback (Linux v6.18), under a distro kernel\'s parameters',
    },
    bodyArm64: A64.A64_THROW,
    perUnitArm64: {
      unit: 'BPF stack frame walked',
      ops: A64.A64_THROW_PER_FRAME,
      source: 'engine/timing/throw-cost.ts throwPerFrameArm64(): arch/arm64/kernel/stacktrace.c arch_bpf_stack_walk() → kunwind_stack_walk() (frame records), bpf_stack_walker() → bpf_prog_ksym_find()',
    },
    unmeasured: 'the stack walk is costed from its Linux v6.18 mechanism under a stock distro configuration (engine/timing/throw-cost.ts DEFAULT_THROW_PARAMETERS), not from a kernel measurement: every BPF frame walks ftrace_ops_list twice and searches the module and BPF symbol trees, so attached BPF trampolines, tracers, modules and loaded programs add to it (the throws calibration measures the host)',
    source: 'Linux v6.7 "bpf: Implement BPF exceptions" (f18b03fabaa9) and "arch/x86: Implement arch_bpf_stack_walk" (fd5d27b70188); per-frame work as of v6.18 in engine/timing/throw-cost.ts',
  },
  {
    name: 'bpf_map_lookup_elem (array)', id: BPF_FUNC.map_lookup_elem, kind: 'helper',
    inlineX86: {
      bpf: ARRAY_GEN_LOOKUP,
      source: 'kernel/bpf/arraymap.c array_map_gen_lookup(), applied by do_misc_fixups() when map_gen_lookup exists (any JIT); privileged load (no index_mask)',
    },
    inlineArm64: { bpf: ARRAY_GEN_LOOKUP, source: 'array_map_gen_lookup() via do_misc_fixups(), before the JIT: arch-independent' },
    inlinedByArm64Jit: false,
    source: 'kernel/bpf/arraymap.c array_map_gen_lookup(); the arm64 JIT receives the same rewritten BPF',
  },
  {
    name: 'bpf_map_lookup_elem (hash)', id: BPF_FUNC.map_lookup_elem, kind: 'helper',
    inlineX86: {
      bpf: HTAB_GEN_LOOKUP,
      source: 'kernel/bpf/hashtab.c htab_map_gen_lookup()',
    },
    inlineArm64: { bpf: HTAB_GEN_LOOKUP, source: 'htab_map_gen_lookup() via do_misc_fixups(), before the JIT: arch-independent' },
    body: hashLookup,
    bodyArm64: A64.A64_HASH_LOOKUP,
    source: 'kernel/bpf/hashtab.c __htab_map_lookup_elem() → htab_map_hash(), lookup_nulls_elem_raw() (out of line on x86-64: /proc/kallsyms of the calibration host); include/linux/jhash.h (4-byte key, first element hits)',
  },
  {
    name: 'bpf_map_update_elem (array)', id: BPF_FUNC.map_update_elem, kind: 'helper',
    body: [
      fentryNop(),
      k('load', 'mov eax, dword ptr [rsi]  ; index', R.rax, [R.rsi], 'load', 'insn', 4),
      k('alu', 'cmp eax, dword ptr [rdi + 0x24]  ; max_entries', R.flags, [R.rax, R.rdi]),
      k('branch-cond', 'jae .Le2big', undefined, [R.flags]),
      k('alu', 'test ecx, ecx  ; flags', R.flags, [R.rcx]),
      k('branch-cond', 'jne .Lflags', undefined, [R.flags]),
      k('imul', 'imul rax, qword ptr [rdi + 0x100]  ; elem_size', R.rax, [R.rax, R.rdi]),
      k('lea', 'lea rdi, [rdi + rax + 0x110]  ; val', R.rdi, [R.rdi, R.rax]),
      // copy_map_value() → bpf_obj_memcpy() with no btf_record: memcpy(dst, src,
      // map->value_size), a run-time size, so a call. With FSRM (Zen 3 and later, Ice Lake
      // and later) __memcpy is `mov rax, rdi; mov rcx, rdx; rep movsb; ret`
      // (arch/x86/lib/memcpy_64.S); rep movsb itself is outside the op vocabulary.
      k('load', 'mov edx, dword ptr [rbx + 0x1c]  ; map->value_size', R.rdx, [R.rbx], 'load', 'kernel', 4),
      k('call-direct', 'call memcpy', R.rax, [R.rsp], 'store', 'stack', 8),
      k('mov-reg', 'mov rax, rdi', R.rax, [R.rdi]),
      k('mov-reg', 'mov rcx, rdx', R.rcx, [R.rdx]),
      k('load', 'rep movsb  ; 8 bytes: the load', R.r8, [R.rsi, R.rcx], 'load', 'insn', 8),
      k('store', 'rep movsb  ; the store', undefined, [R.rdi, R.r8], 'store', 'kernel', 8),
      kret(),
      // bpf_obj_free_fields(array->map.record, val) (kernel/bpf/syscall.c): returns at
      // IS_ERR_OR_NULL(rec), but it is an out-of-line call.
      k('load', 'mov rdi, qword ptr [rbx + 0x48]  ; map->record', R.rdi, [R.rbx], 'load', 'kernel', 8),
      k('call-direct', 'call bpf_obj_free_fields', R.rax, [R.rsp], 'store', 'stack', 8),
      fentryNop(),
      k('alu', 'cmp rdi, -4095  ; IS_ERR_OR_NULL(rec)', R.flags, [R.rdi]),
      k('branch-cond', 'jae .Lout', undefined, [R.flags]),
      kret(),
      k('alu', 'xor eax, eax', R.rax),
      kret(),
    ],
    bodyArm64: A64.A64_ARRAY_UPDATE,
    unmeasured: 'rep movsb (the FSRM memcpy of the value) has no op class and is charged as one load and one store',
    source: 'kernel/bpf/arraymap.c array_map_update_elem() (8-byte value, no special fields): copy_map_value() → memcpy() (arch/x86/lib/memcpy_64.S), bpf_obj_free_fields() (kernel/bpf/syscall.c)',
  },
  {
    name: 'bpf_ktime_get_ns', id: BPF_FUNC.ktime_get_ns, kind: 'helper',
    body: KTIME_GET_NS_X86,
    extraCycles: {
      skylake: { value: 25, source: 'Agner Fog instruction tables (Skylake): RDTSC reciprocal throughput 25', basis: 'document' },
      icelake: { value: 25, source: 'Agner Fog (Skylake family): RDTSC ≈25 cycles, Ice Lake assumed equal', basis: 'assumption' },
      zen3: null, zen5: null, 'neoverse-n1': null, 'neoverse-v2': null,
    },
    bodyArm64: A64.A64_KTIME_GET_NS,
    unmeasured: 'the clock-counter read has no measured cost on AMD and Neoverse cores (rdtscp is charged nothing, mrs cntvct_el0 as any system-register read; on the zen3 calibration host back-to-back rdtscp timed 70–170 cycles between runs, too unsteady to enter); kernel/time/timekeeping.c ktime_get_mono_fast_ns()',
    source: 'kernel/bpf/helpers.c bpf_ktime_get_ns() → kernel/time/timekeeping.c ktime_get_mono_fast_ns() → __ktime_get_fast_ns() (latch seqcount, tk_clock_read() through clock->read = read_tsc(), clocksource_delta(), mult/shift)',
  },
  {
    name: 'bpf_get_prandom_u32', id: BPF_FUNC.get_prandom_u32, kind: 'helper',
    body: [
      fentryNop(),
      // get_cpu_var(bpf_user_rnd_state): preempt_disable() is `incl %gs:__preempt_count`
      // (arch/x86/include/asm/preempt.h), a read-modify-write of the per-CPU counter.
      k('gs-load', 'incl dword ptr gs:[__preempt_count]  ; the read', R.r11, [], 'load', 'percpu-offset', 4),
      k('store', 'incl dword ptr gs:[__preempt_count]  ; the write', undefined, [R.r11], 'store', 'percpu-offset', 4),
      k('mov-imm', 'mov rdi, offset bpf_user_rnd_state', R.rdi),
      k('gs-load', 'add rdi, qword ptr gs:[this_cpu_off]', R.rdi, [R.rdi], 'load', 'percpu-offset', 8),
      // prandom_u32_state() is lib/random32.c, another translation unit: a call.
      k('call-direct', 'call prandom_u32_state', R.rax, [R.rsp], 'store', 'stack', 8),
      fentryNop(),
      // prandom_u32_state(): four Tausworthe components, each load, 2 shifts, 2 xors, and, store
      ...[0, 1, 2, 3].flatMap((i) => [
        k('load', `mov eax, dword ptr [rdi + ${4 * i}]`, R.rax, [R.rdi], 'load', 'kernel', 4),
        k('shift', 'mov edx, eax; shl edx, 6', R.rdx, [R.rax]),
        k('alu', 'xor edx, eax', R.rdx, [R.rdx, R.rax]),
        k('shift', 'shr edx, 13', R.rdx, [R.rdx]),
        k('alu', 'and eax, -2', R.rax, [R.rax]),
        k('shift', 'shl eax, 18', R.rax, [R.rax]),
        k('alu', 'xor eax, edx', R.rax, [R.rax, R.rdx]),
        k('store', `mov dword ptr [rdi + ${4 * i}], eax`, undefined, [R.rdi, R.rax], 'store', 'kernel', 4),
        k('alu', 'xor ecx, eax', R.rcx, [R.rcx, R.rax]),
      ]),
      k('mov-reg', 'mov eax, ecx', R.rax, [R.rcx]),
      kret(),
      // put_cpu_var(): preempt_enable() is `decl %gs:__preempt_count; je` to
      // __preempt_schedule (not taken: preemption was enabled before).
      k('gs-load', 'decl dword ptr gs:[__preempt_count]  ; the read', R.r11, [], 'load', 'percpu-offset', 4),
      k('store', 'decl dword ptr gs:[__preempt_count]  ; the write', undefined, [R.r11], 'store', 'percpu-offset', 4),
      k('branch-cond', 'je .Lpreempt_schedule', undefined, [R.flags]),
      kret(),
    ],
    bodyArm64: A64.A64_PRANDOM_U32,
    source: 'kernel/bpf/core.c bpf_user_rnd_u32() (get_cpu_var/put_cpu_var around the call) → lib/random32.c prandom_u32_state() (lfsr113)',
  },
  {
    name: 'bpf_get_smp_processor_id', id: BPF_FUNC.get_smp_processor_id, kind: 'helper',
    inlineX86: {
      bpf: [
        ['mov', 'dst,imm', 0, 0, 0, 0x1c040], // r0 = (u32)&pcpu_hot.cpu_number
        ['movpcpu', 'dst,src', 0, 0, -1, 0], // r0 = this_cpu_ptr(r0)
        ['ldxw', 'load', 0, 0, 0, 0], // r0 = *(u32 *)r0
      ],
      source: 'kernel/bpf/verifier.c do_misc_fixups(), commit 1ae6921009e5 "bpf: inline bpf_get_smp_processor_id() helper" (v6.10), x86-64 only',
    },
    inlinedByArm64Jit: true,
    source: 'x86: verifier inlining (v6.10+); arm64: build_insn() emits mrs sp_el0 + ldr w7, [tmp, #offsetof(struct thread_info, cpu)] (arch/arm64/net/bpf_jit_comp.c, v6.11; bpf_jit_inlines_helper_call() keeps the verifier from rewriting it first)',
  },
  {
    name: 'bpf_get_current_pid_tgid', id: BPF_FUNC.get_current_pid_tgid, kind: 'helper',
    body: [
      fentryNop(),
      loadCurrent(),
      k('alu', 'test rax, rax', R.flags, [R.rax]),
      k('branch-cond', 'je .Leinval', undefined, [R.flags]),
      k('load', 'movsxd rdx, dword ptr [rax + 0x9c0]  ; task->tgid', R.rdx, [R.rax], 'load', 'current', 4),
      k('load', 'mov eax, dword ptr [rax + 0x9b8]  ; task->pid', R.rax, [R.rax], 'load', 'current', 4),
      k('shift', 'shl rdx, 32', R.rdx, [R.rdx]),
      k('alu', 'or rax, rdx', R.rax, [R.rax, R.rdx]),
      kret(),
    ],
    bodyArm64: A64.A64_CURRENT_PID_TGID,
    source: 'kernel/bpf/helpers.c bpf_get_current_pid_tgid()',
  },
  {
    name: 'bpf_get_current_task', id: BPF_FUNC.get_current_task, kind: 'helper',
    body: [fentryNop(), loadCurrent(), kret()],
    inlinedByArm64Jit: true,
    source: 'kernel/trace/bpf_trace.c bpf_get_current_task(): return (long)current; arm64 build_insn() inlines it as mrs sp_el0',
  },
  {
    name: 'bpf_loop', id: BPF_FUNC.loop, kind: 'helper',
    inlineX86: {
      bpf: LOOP_INLINE_SETUP,
      source: 'kernel/bpf/verifier.c inline_bpf_loop() (v5.17, commit 1ade23711971): when flags == 0 and the callback is known',
    },
    inlineArm64: { bpf: LOOP_INLINE_SETUP, source: 'inline_bpf_loop() runs in the verifier (optimize_bpf_loop()), before any JIT: arch-independent' },
    perUnit: {
      unit: 'loop iteration (plus the callback subprogram\'s own instructions)',
      ops: [],
      source: 'inline_bpf_loop() loop body: r1 = r7; r2 = r8; call callback; r7 += 1; if r0 != 0 goto out; if r7 < r6 goto loop — costed as those BPF instructions',
    },
    source: 'kernel/bpf/verifier.c inline_bpf_loop(); not inlined when flags or the callback are not constant',
  },
  {
    name: 'bpf_tail_call', id: BPF_FUNC.tail_call, kind: 'helper',
    body: [
      k('mov-reg', 'mov edx, edx', R.rdx, [R.rdx]),
      k('load-alu', 'cmp dword ptr [rsi + 16], edx  ; max_entries', R.flags, [R.rsi, R.rdx], 'load', 'kernel', 4),
      k('branch-cond', 'jbe .Lout', undefined, [R.flags]),
      k('load', 'mov rax, qword ptr [rbp - 16]  ; tail_call_cnt_ptr', R.rax, [R.rbp], 'load', 'stack', 8),
      k('load-alu', 'cmp qword ptr [rax], 33', R.flags, [R.rax], 'load', 'stack', 8),
      k('branch-cond', 'jae .Lout', undefined, [R.flags]),
      k('load', 'mov rcx, qword ptr [rsi + rdx*8 + 0x110]  ; array->ptrs[index]', R.rcx, [R.rsi, R.rdx], 'load', 'kernel', 8),
      k('alu', 'test rcx, rcx', R.flags, [R.rcx]),
      k('branch-cond', 'je .Lout', undefined, [R.flags]),
      k('atomic-rmw', 'add qword ptr [rax], 1', undefined, [R.rax], 'rmw', 'stack', 8),
      k('pop', 'pop rax', R.rax, [R.rsp], 'load', 'stack', 8),
      k('pop', 'pop rax', R.rax, [R.rsp], 'load', 'stack', 8),
      k('load', 'mov rcx, qword ptr [rcx + 32]  ; prog->bpf_func', R.rcx, [R.rcx], 'load', 'kernel', 8),
      k('alu', 'add rcx, 16  ; X86_TAIL_CALL_OFFSET', R.rcx, [R.rcx]),
      k('jmp-indirect', 'jmp rcx', undefined, [R.rcx]),
    ],
    bodyArm64: A64.A64_TAIL_CALL,
    source: 'arch/x86/net/bpf_jit_comp.c emit_bpf_tail_call_indirect() (v6.14/v6.15; callee-saved pops omitted: they depend on the frame); with retpolines the jmp goes through __x86_indirect_thunk_rcx',
  },
  ...MAP_HELPER_COSTS,
  ...GENERIC_HELPER_COSTS,
  ...SKB_HELPER_COSTS,
  ...EXCEPTION_KFUNC_COSTS,
];

export function helperCosts(id: number, kind: HelperCost['kind'] = 'helper'): HelperCost[] {
  return HELPER_COSTS.filter((h) => h.id === id && h.kind === kind);
}
