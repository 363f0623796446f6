// What each helper, kfunc and suite-internal call executes in the kernel, for the timing
// model. Three shapes, each with its source:
//   inlineX86   the verifier replaces the call before the JIT runs (the BPF sequence is
//               lowered like any other instruction, so it costs what the JIT emits)
//   body        the call stays: `call rel32`, then these ops up to and including `ret`
//               (the model swaps in the CPU's return thunk where one applies)
//   perUnit     work repeated per runtime unit (stack frame, loop iteration)
// Bodies are transcriptions of the C code's data flow (loads, dependent ALU chains,
// branches), not compiler output; where work is outside the op vocabulary (rdtsc) the
// figure is per CPU model with a source, or marked unmeasured. Kernel references are
// Linux v6.x (v6.10+ where inlining depends on it).

import type { Figure } from '../cpus/cpu-model.ts';
import type { OperandForm } from '../isa/opcodes.ts';
import { INTERNAL_HELPER, KFUNC_ID } from '../isa/internal-ids.ts';
import { X86_REG, type AddrKind, type MachineOp, type OpClass } from './op-class.ts';

// Builders for kernel-side code as MachineOps with x86-64 registers. Kernel text lies
// outside the BPF image, so codeBytes is 0: the footprint model counts only the image.
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

/** [mnemonic, form, dst, src, off, imm] — resolved against the opcode table by the model. */
export type BpfSeqInsn = readonly [string, OperandForm, number, number, number, number];

export interface HelperCost {
  name: string;
  /** The call's imm: enum bpf_func_id for helpers, engine/isa/internal-ids.ts otherwise. */
  id: number;
  kind: 'helper' | 'kfunc' | 'internal';
  inlineX86?: { bpf: BpfSeqInsn[]; source: string };
  /** build_insn() in the arm64 JIT emits it inline (lowerArm64 already does). */
  inlinedByArm64Jit?: boolean;
  body?: MachineOp[];
  perUnit?: { unit: string; ops: MachineOp[]; source: string };
  /** Cycles of work outside the op vocabulary, by CPU model id; null where unmeasured. */
  extraCycles?: Record<string, Figure | null>;
  /** For costs nobody has measured yet: what `bpfexc calibrate` must measure. */
  unmeasured?: string;
  source: string;
}

/** enum bpf_func_id (include/uapi/linux/bpf.h). */
export const BPF_FUNC = {
  map_lookup_elem: 1, map_update_elem: 2, ktime_get_ns: 5, get_prandom_u32: 7,
  get_smp_processor_id: 8, tail_call: 12, get_current_pid_tgid: 14, get_current_task: 35,
  get_current_task_btf: 158, loop: 181,
} as const;

/**
 * imm of the verifier-emitted call to __htab_map_lookup_elem. internal-ids.ts has no entry
 * for it yet; this value sits beside the suite's other internal ids.
 */
export const HTAB_LOOKUP_CALL = 0x7f000010;

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

const hashLookup: MachineOp[] = [
  fentryNop(),
  // __htab_map_lookup_elem(): htab->hashrnd, jhash(key, key_size, hashrnd), bucket, walk.
  k('load', 'mov r8d, dword ptr [rdi + 0x100]  ; htab->hashrnd', R.r8, [R.rdi], 'load', 'kernel', 4),
  k('load', 'mov eax, dword ptr [rsi]  ; key word', R.rax, [R.rsi], 'load', 'insn', 4),
  // jhash's __jhash_final(): 7 rounds of xor, sub, rol on three words (include/linux/jhash.h)
  ...Array.from({ length: 7 }, (_, i) => [
    k('alu', `xor ecx, edx  ; __jhash_final round ${i + 1}`, R.rcx, [R.rcx, R.rdx]),
    k('shift', 'rol edx, 14', R.rdx, [R.rdx]),
    k('alu', 'sub ecx, edx', R.rcx, [R.rcx, R.rdx]),
  ]).flat(),
  k('load', 'mov r9d, dword ptr [rdi + 0x104]  ; htab->n_buckets', R.r9, [R.rdi], 'load', 'kernel', 4),
  k('alu', 'dec r9d', R.r9, [R.r9]),
  k('alu', 'and r9d, ecx  ; hash & (n_buckets - 1)', R.r9, [R.r9, R.rcx]),
  k('load', 'mov r10, qword ptr [rdi + 0x108]  ; htab->buckets', R.r10, [R.rdi], 'load', 'kernel', 8),
  k('load', 'mov r11, qword ptr [r10 + r9*8]  ; bucket head', R.r11, [R.r10, R.r9], 'load', 'kernel', 8),
  k('load', 'mov edx, dword ptr [r11 + 0x28]  ; l->hash', R.rdx, [R.r11], 'load', 'kernel', 4),
  k('alu', 'cmp edx, ecx', R.flags, [R.rdx, R.rcx]),
  k('branch-cond', 'jne .Lnext', undefined, [R.flags]),
  k('load', 'mov edx, dword ptr [r11 + 0x30]  ; memcmp(l->key, key, 4)', R.rdx, [R.r11], 'load', 'kernel', 4),
  k('alu', 'cmp edx, eax', R.flags, [R.rdx, R.rax]),
  k('branch-cond', 'jne .Lnext', undefined, [R.flags]),
  k('mov-reg', 'mov rax, r11', R.rax, [R.r11]),
  kret(),
];

export const HELPER_COSTS: readonly HelperCost[] = [
  {
    name: 'bpf_get_exception', id: INTERNAL_HELPER.bpf_get_exception, kind: 'internal', body: getException,
    source: `${RFC}: return current->bpf_exception_thrown[interrupt_context_level()] — two %gs loads, the masked tests, one dependent byte load, ret`,
  },
  {
    name: 'bpf_reset_exception', id: INTERNAL_HELPER.bpf_reset_exception, kind: 'internal',
    body: [loadCurrent(), ...contextLevel(), k('store', `mov ${flag(THROWN_OFF)}, 0`, undefined, [R.rax, R.rcx], 'store', 'current', 1), kret()],
    source: `${RFC}: current->bpf_exception_thrown[interrupt_context_level()] = false`,
  },
  {
    name: 'bpf_set_exception', id: INTERNAL_HELPER.bpf_set_exception, kind: 'internal',
    body: [loadCurrent(), ...contextLevel(), k('store', `mov ${flag(THROWN_OFF)}, 1`, undefined, [R.rax, R.rcx], 'store', 'current', 1), k('alu', 'xor eax, eax', R.rax), kret()],
    source: `${RFC}: the RFC's bpf_throw body sets the flag and returns 0`,
  },
  {
    name: 'bpf_get_exception_ptr', id: INTERNAL_HELPER.bpf_get_exception_ptr, kind: 'internal',
    body: [loadCurrent(), ...contextLevel(), k('lea', `lea rax, [rax + rcx + ${THROWN_OFF}]`, R.rax, [R.rax, R.rcx]), kret()],
    source: `${RFC}: the \`stack\` strategy's entry — &current->bpf_exception_thrown[level], no final load`,
  },
  {
    name: 'bpf_throw', id: KFUNC_ID.bpf_throw, kind: 'kfunc',
    body: [fentryNop(), k('mov-reg', 'mov rbx, rdi  ; cookie', R.rbx, [R.rdi]), k('call-direct', 'call arch_bpf_stack_walk', R.rax, [R.rsp], 'store', 'stack', 8)],
    perUnit: {
      unit: 'BPF stack frame walked',
      ops: [
        // unwind_next_frame() with ORC: __orc_find() binary search over orc_unwind_ip
        // (≈2^17 entries in a distro vmlinux, so ≈17 steps), then bpf_ksym_find():
        // latch-tree lookup keyed by address (≈log2 of loaded programs steps).
        ...searchSteps(17, 'orc_unwind_ip binary search'),
        k('load', 'mov rax, qword ptr [r9]  ; orc entry', R.rax, [R.r9], 'load', 'kernel', 8),
        ...searchSteps(6, 'bpf_ksym_find latch tree'),
        k('call-direct', 'call consume_fn', R.rax, [R.rsp], 'store', 'stack', 8),
        kret(),
      ],
      source: 'kernel/bpf/helpers.c bpf_throw() (v6.7), arch/x86/net/bpf_jit_comp.c arch_bpf_stack_walk(), arch/x86/kernel/unwind_orc.c __orc_find(), kernel/bpf/core.c bpf_ksym_find()',
    },
    unmeasured: 'strategies.md: hundreds of ns per frame on a tracing-enabled kernel; the op sequence above is a structural lower bound until calibrate measures it',
    source: 'Linux v6.7 "bpf: Implement BPF exceptions" (f18b03fabaa9) and "arch/x86: Implement arch_bpf_stack_walk" (fd5d27b70188)',
  },
  {
    name: 'bpf_map_lookup_elem (array)', id: BPF_FUNC.map_lookup_elem, kind: 'helper',
    inlineX86: {
      bpf: [
        ['add', 'dst,imm', 1, 0, 0, 0x110], // r1 += offsetof(struct bpf_array, value)
        ['ldxw', 'load', 0, 2, 0, 0], // r0 = *(u32 *)key
        ['jge', 'dst,imm,off', 0, 0, 3, 256], // if r0 >= max_entries goto null
        ['lsh', 'dst,imm', 0, 0, 0, 3], // r0 <<= ilog2(elem_size) (power-of-two value size)
        ['add', 'dst,src', 0, 1, 0, 0], // r0 += r1
        ['ja', 'off', 0, 0, 1, 0], // goto out
        ['mov', 'dst,imm', 0, 0, 0, 0], // null: r0 = 0
      ],
      source: 'kernel/bpf/arraymap.c array_map_gen_lookup(), applied by do_misc_fixups() when map_gen_lookup exists (any JIT); privileged load (no index_mask)',
    },
    inlinedByArm64Jit: false,
    source: 'kernel/bpf/arraymap.c array_map_gen_lookup(); the arm64 JIT receives the same rewritten BPF',
  },
  {
    name: 'bpf_map_lookup_elem (hash)', id: BPF_FUNC.map_lookup_elem, kind: 'helper',
    inlineX86: {
      bpf: [
        ['call', 'helper', 0, 0, 0, HTAB_LOOKUP_CALL], // BPF_EMIT_CALL(__htab_map_lookup_elem)
        ['jeq', 'dst,imm,off', 0, 0, 1, 0],
        ['add', 'dst,imm', 0, 0, 0, 56], // r0 += offsetof(struct htab_elem, key) + round_up(key_size, 8)
      ],
      source: 'kernel/bpf/hashtab.c htab_map_gen_lookup()',
    },
    body: hashLookup,
    source: 'kernel/bpf/hashtab.c __htab_map_lookup_elem(), lookup_nulls_elem_raw(); include/linux/jhash.h (4-byte key, first element hits)',
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
      k('load', 'mov rcx, qword ptr [rdx]  ; copy_map_value (8-byte value)', R.rcx, [R.rdx], 'load', 'insn', 8),
      k('store', 'mov qword ptr [rdi + rax + 0x110], rcx', undefined, [R.rdi, R.rax, R.rcx], 'store', 'kernel', 8),
      k('alu', 'xor eax, eax', R.rax),
      kret(),
    ],
    source: 'kernel/bpf/arraymap.c array_map_update_elem() (8-byte value, no special fields)',
  },
  {
    name: 'bpf_ktime_get_ns', id: BPF_FUNC.ktime_get_ns, kind: 'helper',
    body: [
      fentryNop(),
      k('call-direct', 'call ktime_get_mono_fast_ns', R.rax, [R.rsp], 'store', 'stack', 8),
      k('load', 'mov ecx, dword ptr [tk_fast_mono]  ; seqcount', R.rcx, [], 'load', 'kernel', 4),
      k('load', 'mov rdx, qword ptr [tk_fast_mono + 8]  ; base', R.rdx, [], 'load', 'kernel', 8),
      k('imul', 'imul rax, qword ptr [tk_fast_mono + 16]  ; (cycles - last) * mult', R.rax, [R.rax]),
      k('shift', 'shr rax, cl  ; >> shift', R.rax, [R.rax, R.rcx]),
      k('alu', 'add rax, rdx', R.rax, [R.rax, R.rdx]),
      kret(), kret(),
    ],
    extraCycles: {
      skylake: { value: 25, source: 'Agner Fog instruction tables (Skylake): RDTSC reciprocal throughput 25', basis: 'document' },
      icelake: { value: 25, source: 'Agner Fog (Skylake family): RDTSC ≈25 cycles, Ice Lake assumed equal', basis: 'assumption' },
      zen3: null, zen5: null, 'neoverse-n1': null, 'neoverse-v2': null,
    },
    unmeasured: 'rdtsc / cntvct_el0 cost on AMD and Neoverse: measure with calibrate',
    source: 'kernel/bpf/helpers.c bpf_ktime_get_ns() → kernel/time/timekeeping.c ktime_get_mono_fast_ns() (seqcount read, clocksource read, mult/shift)',
  },
  {
    name: 'bpf_get_prandom_u32', id: BPF_FUNC.get_prandom_u32, kind: 'helper',
    body: [
      fentryNop(),
      k('mov-imm', 'mov rdi, offset bpf_user_rnd_state', R.rdi),
      k('gs-load', 'add rdi, qword ptr gs:[this_cpu_off]', R.rdi, [R.rdi], 'load', 'percpu-offset', 8),
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
    ],
    source: 'kernel/bpf/core.c bpf_user_rnd_u32() → lib/random32.c prandom_u32_state() (lfsr113)',
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
    source: 'x86: verifier inlining (v6.10+); arm64: build_insn() emits mrs sp_el0 + ldr (thread_info->cpu)',
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
      bpf: [
        ['jgt', 'dst,imm,off', 1, 0, 8, 1 << 23], // if nr_loops > BPF_MAX_LOOPS goto -E2BIG
        ['stxdw', 'store-reg', 10, 6, -24, 0], // spill r6, r7, r8
        ['stxdw', 'store-reg', 10, 7, -16, 0],
        ['stxdw', 'store-reg', 10, 8, -8, 0],
        ['mov', 'dst,src', 6, 1, 0, 0], // r6 = nr_loops (limit), r7 = counter, r8 = ctx
        ['mov', 'dst,imm', 7, 0, 0, 0],
        ['mov', 'dst,src', 8, 3, 0, 0],
      ],
      source: 'kernel/bpf/verifier.c inline_bpf_loop() (v5.17, commit 1ade23711971): when flags == 0 and the callback is known',
    },
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
    source: 'arch/x86/net/bpf_jit_comp.c emit_bpf_tail_call_indirect() (v6.14/v6.15; callee-saved pops omitted: they depend on the frame); with retpolines the jmp goes through __x86_indirect_thunk_rcx',
  },
];

export function helperCosts(id: number, kind: HelperCost['kind'] = 'helper'): HelperCost[] {
  return HELPER_COSTS.filter((h) => h.id === id && h.kind === kind);
}
