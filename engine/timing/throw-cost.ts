// What bpf_throw executes per BPF frame it walks, as MachineOps built from named kernel
// configuration parameters. Linux v6.18 sources:
//   kernel/bpf/helpers.c      bpf_throw(): arch_bpf_stack_walk(bpf_stack_walker, &ctx), then
//                             ctx.aux->bpf_exception_cb(cookie, ctx.sp, ctx.bp, 0)
//                             bpf_stack_walker(): rcu_read_lock(); bpf_prog_ksym_find(ip);
//                             rcu_read_unlock(); a subprog continues, the main prog stops
//   arch/x86/net/bpf_jit_comp.c arch_bpf_stack_walk(): only with CONFIG_UNWINDER_ORC
//                             (bpf_jit_supports_exceptions() says so, so a frame-pointer
//                             x86 kernel rejects bpf_throw at load); per frame
//                             unwind_get_return_address(), consume_fn(), unwind_next_frame()
//   arch/x86/kernel/unwind_orc.c unwind_get_return_address() → __kernel_text_address();
//                             unwind_next_frame() → orc_find(ip − 1): a JIT address is
//                             outside the vmlinux fast lookup table, so init_kernel_text(),
//                             orc_module_find() (__module_address: mod_tree latch tree) and
//                             orc_ftrace_find() (ftrace_ops_trampoline: the ftrace_ops_list
//                             walk) all miss; then the frame-pointer fallback (orc_fp_entry):
//                             two deref_stack_reg() → stack_access_ok()
//   kernel/extable.c          kernel_text_address(): core_kernel_text(), rcu_is_watching(),
//                             is_module_text_address() (mod_tree again), is_ftrace_trampoline()
//                             (the list walk again), is_kprobe_{optinsn,insn}_slot(),
//                             is_bpf_text_address() → bpf_ksym_find()
//   kernel/trace/ftrace.c     ftrace_ops_trampoline(): do_for_each_ftrace_op over
//                             ftrace_ops_list comparing op->trampoline..+trampoline_size
//   kernel/bpf/core.c         bpf_ksym_find(): latch_tree_find() over bpf_tree (every
//                             JITed prog and subprog, trampoline, dispatcher)
//   kernel/rcu/tree_plugin.h  __rcu_read_lock()/__rcu_read_unlock(): out-of-line calls with
//                             CONFIG_PREEMPT_RCU
// The list-walk loop body is the shape GCC emitted for ftrace_ops_trampoline() in the
// calibration host's 6.18 kernel (read back with bpf_probe_read_kernel and disassembled):
// load op->trampoline, test, [load size, two compares], load op->next, compare with
// &ftrace_list_end, loop. Every other op sequence is a transcription of the C data flow.
//
// The kernel configuration changes the per-frame work by whole lookups, so it is data
// (ThrowCostParameters), never a fitted number: each parameter is a count or a switch
// with its source, and DEFAULT_THROW_PARAMETERS describes a stock distro kernel.
import type { HelperCost } from './helper-cost-types.ts';
import { X86_REG, type MachineOp } from './op-class.ts';
import { k, kret } from './kernel-ops-x86.ts';
import { a, abcond, acmp, aret, bl } from './kernel-ops-arm64.ts';

export interface ThrowCostParameters {
  /** Loaded modules (/proc/modules lines; 0 when CONFIG_MODULES is off, which also
   * removes both mod_tree lookups). */
  modules: number;
  /** mod_tree nodes per module: one per non-empty module memory region
   * (kernel/module/tree_lookup.c mod_tree_insert(): text, data, rodata,
   * ro_after_init, init text/data...). */
  modTreeNodesPerModule: number;
  /** ftrace_ops on ftrace_ops_list (each BPF trampoline attached through ftrace direct
   * calls, each ftrace/fprobe user). 0 = nothing traced: the walk visits only the
   * ftrace_list_end sentinel. Needs CONFIG_DYNAMIC_FTRACE, else no walk at all. The
   * calibration host (2026-12-06) had 80, all direct-call ops (func call_direct_funcs,
   * trampoline ftrace_regs_caller, size 0), counted by walking ftrace_ops_list with
   * bpf_probe_read_kernel; no file shows the list. */
  ftraceOps: number;
  dynamicFtrace: boolean;
  /** Symbols in bpf_tree: every JITed program and subprogram, BPF trampolines and
   * dispatchers ([bpf] lines of /proc/kallsyms). */
  bpfKsyms: number;
  /** CONFIG_KPROBES: kernel_text_address() also walks the two kprobe insn-slot page lists. */
  kprobes: boolean;
  /** Pages on those lists (0 with no kprobe armed). */
  kprobeInsnPages: number;
  /** Indirect calls go through a retpoline thunk (spectre_v2 "Retpolines"), whose `ret`
   * mispredicts by design; false with eIBRS/AutoIBRS or mitigations=off. */
  retpoline: boolean;
  /** CONFIG_PREEMPT_RCU: rcu_read_lock()/unlock() are out-of-line calls (else inline
   * preempt-count updates). */
  preemptRcu: boolean;
}

export interface ThrowParameterSource {
  text: string;
  /** document: read from kernel source/config; assumption: a typical distro figure;
   * host: read off the calibration host. */
  basis: 'document' | 'assumption' | 'host';
}

/** A stock x86-64 distro kernel (Fedora/Ubuntu generic config) with nothing traced. */
export const DEFAULT_THROW_PARAMETERS: Readonly<ThrowCostParameters> = {
  modules: 100,
  modTreeNodesPerModule: 4,
  ftraceOps: 0,
  dynamicFtrace: true,
  bpfKsyms: 16,
  kprobes: true,
  kprobeInsnPages: 0,
  retpoline: true,
  preemptRcu: true,
};

export const THROW_PARAMETER_SOURCES: Readonly<Record<keyof ThrowCostParameters, ThrowParameterSource>> = {
  modules: { text: 'a desktop/server distro install loads on the order of 100 modules (lsmod); assumed', basis: 'assumption' },
  modTreeNodesPerModule: { text: 'kernel/module/tree_lookup.c mod_tree_insert(): one node per non-empty mod_mem_type; core text, data, rodata and ro_after_init are typical', basis: 'document' },
  ftraceOps: { text: 'kernel/trace/ftrace.c: ftrace_ops_list holds only registered ops; none on an untraced system', basis: 'document' },
  dynamicFtrace: { text: 'CONFIG_DYNAMIC_FTRACE=y in Fedora and Ubuntu configs', basis: 'document' },
  bpfKsyms: { text: 'systemd attaches a handful of cgroup programs at boot, plus bpf_dispatcher_xdp and the thrown-through program and subprogs; assumed', basis: 'assumption' },
  kprobes: { text: 'CONFIG_KPROBES=y in Fedora and Ubuntu configs', basis: 'document' },
  kprobeInsnPages: { text: 'kernel/kprobes.c: insn slot pages exist only while kprobes are armed', basis: 'document' },
  retpoline: { text: 'Documentation/admin-guide/hw-vuln/spectre.rst: AMD Zen 1-3 default to retpolines (Zen 4+ AutoIBRS)', basis: 'document' },
  preemptRcu: { text: 'CONFIG_PREEMPT_DYNAMIC distro kernels build with CONFIG_PREEMPT_RCU=y', basis: 'document' },
};

export function describeThrowParameters(p: Readonly<ThrowCostParameters>): string {
  return [
    `modules=${p.modules}`,
    `ftraceOps=${p.ftraceOps}${p.dynamicFtrace ? '' : ' (no dynamic ftrace)'}`,
    `bpfKsyms=${p.bpfKsyms}`,
    `kprobes=${p.kprobes ? `on (${p.kprobeInsnPages} slot pages)` : 'off'}`,
    `retpoline=${p.retpoline ? 'on' : 'off'}`,
    `preemptRcu=${p.preemptRcu ? 'on' : 'off'}`,
  ].join(', ');
}

/** Levels a lookup descends in a balanced search tree of n nodes (a miss walks to a leaf). */
export function treeDepth(n: number): number {
  return n <= 0 ? 0 : Math.ceil(Math.log2(n + 1));
}

const R = X86_REG;
const call = (fn: string): MachineOp => k('call-direct', `call ${fn}`, undefined, [R.rsp], 'store', 'stack', 8);

/** An indirect call: through __x86_indirect_thunk_rax under retpolines (arch/x86/lib/retpoline.S:
 * call .Ldo_rop; mov [rsp], rax; ret — the ret is predicted into the speculation trap and
 * goes to the target), else a plain `call rax`. The callee's own ret balances the thunk's
 * first call. */
function indirectCall(what: string, p: Readonly<ThrowCostParameters>): MachineOp[] {
  if (!p.retpoline) return [k('call-indirect', `call rax  ; ${what}`, undefined, [R.rax, R.rsp], 'store', 'stack', 8)];
  return [
    call(`__x86_indirect_thunk_rax  ; ${what}`),
    call('.Ldo_rop'),
    k('store', 'mov qword ptr [rsp], rax', undefined, [R.rsp, R.rax], 'store', 'stack', 8),
    kret(),
  ];
}

/** rcu_read_lock(): shared with bpf_rcu_read_lock's body (exception-kfunc-costs.ts). */
export function rcuLock(p: Readonly<ThrowCostParameters>): MachineOp[] {
  if (!p.preemptRcu) return [k('atomic-rmw', 'inc dword ptr gs:[__preempt_count]', undefined, [], 'rmw', 'percpu-offset', 4)];
  return [
    call('__rcu_read_lock'),
    k('gs-load', 'mov rax, qword ptr gs:[current_task]', R.rax, [], 'load', 'percpu-offset', 8),
    k('load', 'mov edx, dword ptr [rax + 0x0c0]  ; current->rcu_read_lock_nesting', R.rdx, [R.rax], 'load', 'current', 4),
    k('alu', 'inc edx', R.rdx, [R.rdx]),
    k('store', 'mov dword ptr [rax + 0x0c0], edx', undefined, [R.rax, R.rdx], 'store', 'current', 4),
    kret(),
  ];
}

/** rcu_read_unlock(): shared with bpf_rcu_read_unlock's body. */
export function rcuUnlock(p: Readonly<ThrowCostParameters>): MachineOp[] {
  if (!p.preemptRcu) return [k('atomic-rmw', 'dec dword ptr gs:[__preempt_count]', undefined, [], 'rmw', 'percpu-offset', 4)];
  return [
    call('__rcu_read_unlock'),
    k('gs-load', 'mov rax, qword ptr gs:[current_task]', R.rax, [], 'load', 'percpu-offset', 8),
    k('load', 'mov edx, dword ptr [rax + 0x0c0]  ; rcu_read_lock_nesting', R.rdx, [R.rax], 'load', 'current', 4),
    k('alu', 'dec edx', R.rdx, [R.rdx]),
    k('store', 'mov dword ptr [rax + 0x0c0], edx', undefined, [R.rax, R.rdx], 'store', 'current', 4),
    k('alu', 'test edx, edx', R.flags, [R.rdx]),
    k('branch-cond', 'jne .Lnested', undefined, [R.flags]),
    k('load', 'mov edx, dword ptr [rax + 0x0c4]  ; rcu_read_unlock_special', R.rdx, [R.rax], 'load', 'current', 4),
    k('alu', 'test edx, edx', R.flags, [R.rdx]),
    k('branch-cond', 'jne .Lspecial', undefined, [R.flags]),
    kret(),
  ];
}

/** One miss or hit in a latch tree (include/linux/rbtree_latch.h latch_tree_find()): the
 * sequence read, `depth` levels of (start compare, end compare, child load), the retry read. */
function latchTreeFind(depth: number, what: string): MachineOp[] {
  const out: MachineOp[] = [k('load', `mov ecx, dword ptr [${what}.seq]  ; raw_read_seqcount_latch`, R.rcx, [], 'load', 'kernel', 4)];
  out.push(k('load', `mov r9, qword ptr [${what}.tree[seq & 1]]`, R.r9, [R.rcx], 'load', 'kernel', 8));
  for (let i = 0; i < depth; i++) {
    out.push(
      k('load', `mov rax, qword ptr [r9 - 0x10]  ; ${what} node start`, R.rax, [R.r9], 'load', 'kernel', 8),
      k('alu', 'cmp rdi, rax', R.flags, [R.rdi, R.rax]),
      k('branch-cond', 'jb .Lleft', undefined, [R.flags]),
      k('load', `mov rdx, qword ptr [r9 - 0x08]  ; ${what} node end`, R.rdx, [R.r9], 'load', 'kernel', 8),
      k('alu', 'cmp rdi, rdx', R.flags, [R.rdi, R.rdx]),
      k('branch-cond', 'jae .Lright', undefined, [R.flags]),
      k('load', 'mov r9, qword ptr [r9 + 0x08]  ; rb child', R.r9, [R.r9], 'load', 'kernel', 8),
    );
  }
  out.push(k('load', `mov edx, dword ptr [${what}.seq]  ; read_seqcount_latch_retry`, R.rdx, [], 'load', 'kernel', 4));
  out.push(k('alu', 'cmp edx, ecx', R.flags, [R.rdx, R.rcx]), k('branch-cond', 'jne .Lretry', undefined, [R.flags]));
  return out;
}

/** __module_address(): the mod_tree bounds check, then its latch tree. */
function moduleLookup(p: Readonly<ThrowCostParameters>): MachineOp[] {
  if (p.modules <= 0) return [];
  return [
    k('load', 'mov rax, qword ptr [mod_tree.addr_min]', R.rax, [], 'load', 'kernel', 8),
    k('alu', 'cmp rdi, rax', R.flags, [R.rdi, R.rax]),
    k('branch-cond', 'jb .Lnot_module', undefined, [R.flags]),
    k('load', 'mov rax, qword ptr [mod_tree.addr_max]', R.rax, [], 'load', 'kernel', 8),
    k('alu', 'cmp rdi, rax', R.flags, [R.rdi, R.rax]),
    k('branch-cond', 'ja .Lnot_module', undefined, [R.flags]),
    ...latchTreeFind(treeDepth(p.modules * p.modTreeNodesPerModule), 'mod_tree'),
  ];
}

/** ftrace_ops_trampoline(): preempt_disable_notrace, the ftrace_ops_list walk (at least
 * the sentinel), preempt_enable_notrace. */
function ftraceOpsWalk(p: Readonly<ThrowCostParameters>, fn: string): MachineOp[] {
  if (!p.dynamicFtrace) return [];
  const out: MachineOp[] = [
    call(fn),
    k('atomic-rmw', 'inc dword ptr gs:[__preempt_count]', undefined, [], 'rmw', 'percpu-offset', 4),
    k('load', 'mov rdx, qword ptr [ftrace_ops_list]', R.rdx, [], 'load', 'kernel', 8),
  ];
  const visits = Math.max(1, p.ftraceOps);
  for (let i = 0; i < visits; i++) {
    const hasTrampoline = i < p.ftraceOps;
    out.push(
      k('load', 'mov rax, qword ptr [rdx + 0x90]  ; op->trampoline', R.rax, [R.rdx], 'load', 'kernel', 8),
      k('alu', 'test rax, rax', R.flags, [R.rax]),
      k('branch-cond', 'je .Lnext', undefined, [R.flags]),
    );
    if (hasTrampoline) {
      // Direct-call ops (BPF trampolines attached through ftrace) point at the static
      // ftrace_regs_caller with trampoline_size 0, so the range test ends at the size test.
      out.push(
        k('load', 'mov rcx, qword ptr [rdx + 0x98]  ; op->trampoline_size', R.rcx, [R.rdx], 'load', 'kernel', 8),
        k('alu', 'cmp rdi, rax', R.flags, [R.rdi, R.rax]),
        k('branch-cond', 'jb .Lnext', undefined, [R.flags]),
        k('alu', 'test rcx, rcx', R.flags, [R.rcx]),
        k('branch-cond', 'jne .Lrange', undefined, [R.flags]),
      );
    }
    out.push(
      k('load', 'mov rdx, qword ptr [rdx + 0x08]  ; op = op->next', R.rdx, [R.rdx], 'load', 'kernel', 8),
      k('alu', 'test rdx, rdx', R.flags, [R.rdx]),
      k('branch-cond', 'je .Ldone', undefined, [R.flags]),
      k('alu', 'cmp rdx, offset ftrace_list_end', R.flags, [R.rdx]),
      k('branch-cond', 'jne .Lloop', undefined, [R.flags]),
    );
  }
  out.push(k('atomic-rmw', 'dec dword ptr gs:[__preempt_count]', undefined, [], 'rmw', 'percpu-offset', 4), kret());
  return out;
}

/** kernel/bpf/core.c bpf_ksym_find(): an out-of-line call holding the latch-tree lookup. */
function bpfKsymFind(p: Readonly<ThrowCostParameters>): MachineOp[] {
  return [call('bpf_ksym_find'), ...latchTreeFind(treeDepth(p.bpfKsyms), 'bpf_tree'), kret()];
}

/** is_bpf_text_address(): bpf_ksym_find() under rcu_read_lock(). */
function isBpfTextAddress(p: Readonly<ThrowCostParameters>): MachineOp[] {
  return [call('is_bpf_text_address'), ...rcuLock(p), ...bpfKsymFind(p), ...rcuUnlock(p), kret()];
}

/** bpf_stack_walker()'s rcu_read_lock(); bpf_prog_ksym_find(ip); rcu_read_unlock(). */
function progKsymFind(p: Readonly<ThrowCostParameters>): MachineOp[] {
  return [
    ...rcuLock(p),
    call('bpf_prog_ksym_find'),
    ...bpfKsymFind(p),
    k('load', 'mov rax, qword ptr [rax + 0x38]  ; ksym->prog', R.rax, [R.rax], 'load', 'kernel', 8),
    kret(),
    ...rcuUnlock(p),
  ];
}

/** unwind_get_return_address() of a JIT address: every kernel_text_address() test misses
 * until is_bpf_text_address() hits. */
function returnAddressOfBpfFrame(p: Readonly<ThrowCostParameters>): MachineOp[] {
  const kprobeSlots = (which: string): MachineOp[] => [
    call(which),
    ...rcuLock(p),
    k('load', 'mov rax, qword ptr [kprobe_insn_slots.pages]', R.rax, [], 'load', 'kernel', 8),
    ...Array.from({ length: p.kprobeInsnPages }, () => [
      k('load', 'mov rcx, qword ptr [rax + 0x10]  ; kip->insns', R.rcx, [R.rax], 'load', 'kernel', 8),
      k('alu', 'cmp rdi, rcx', R.flags, [R.rdi, R.rcx]),
      k('branch-cond', 'jb .Lnext_page', undefined, [R.flags]),
      k('load', 'mov rax, qword ptr [rax]  ; next page', R.rax, [R.rax], 'load', 'kernel', 8),
    ]).flat(),
    k('alu', 'cmp rax, offset kprobe_insn_slots.pages', R.flags, [R.rax]),
    k('branch-cond', 'jne .Lpage', undefined, [R.flags]),
    ...rcuUnlock(p),
    kret(),
  ];
  return [
    call('unwind_get_return_address'),
    k('load', 'mov eax, dword ptr [rdi + 0x08]  ; unwind_done(): stack_info.type', R.rax, [R.rdi], 'load', 'stack', 4),
    k('alu', 'test eax, eax', R.flags, [R.rax]),
    k('branch-cond', 'je .Ldone', undefined, [R.flags]),
    k('load', 'mov rdi, qword ptr [rdi + 0x30]  ; state->ip', R.rdi, [R.rdi], 'load', 'stack', 8),
    call('__kernel_text_address'),
    call('kernel_text_address'),
    // core_kernel_text(): _stext.._etext, then the init-text range while booting
    k('alu', 'cmp rdi, offset _stext', R.flags, [R.rdi]),
    k('branch-cond', 'jb .Lnot_core', undefined, [R.flags]),
    k('alu', 'cmp rdi, offset _etext', R.flags, [R.rdi]),
    k('branch-cond', 'jb .Lcore', undefined, [R.flags]),
    k('load', 'mov eax, dword ptr [system_state]', R.rax, [], 'load', 'kernel', 4),
    k('alu', 'cmp eax, 2', R.flags, [R.rax]),
    k('branch-cond', 'jbe .Linit_text', undefined, [R.flags]),
    // rcu_is_watching(): a notrace call reading this CPU's context-tracking state
    call('rcu_is_watching'),
    k('gs-load', 'mov eax, dword ptr gs:[context_tracking.state]', R.rax, [], 'load', 'percpu-offset', 4),
    k('alu', 'test eax, 2', R.flags, [R.rax]),
    k('cmov', 'setne al', R.rax, [R.flags]),
    kret(),
    k('alu', 'test al, al', R.flags, [R.rax]),
    k('branch-cond', 'je .Lnmi_enter', undefined, [R.flags]),
    ...moduleLookup(p),
    ...ftraceOpsWalk(p, 'is_ftrace_trampoline'),
    ...(p.kprobes ? [...kprobeSlots('is_kprobe_optinsn_slot'), ...kprobeSlots('is_kprobe_insn_slot')] : []),
    ...isBpfTextAddress(p),
    kret(), // kernel_text_address
    kret(), // __kernel_text_address
    kret(), // unwind_get_return_address
  ];
}

/** consume_fn = bpf_stack_walker(): bpf_prog_ksym_find(ip) hits a subprog, cnt++, continue. */
function stackWalkerOfSubprog(p: Readonly<ThrowCostParameters>): MachineOp[] {
  return [
    ...indirectCall('consume_fn (bpf_stack_walker)', p),
    ...progKsymFind(p),
    k('alu', 'add dword ptr [rbx + 0x18], 1  ; ctx->cnt++', R.flags, [R.rbx], 'rmw', 'stack', 4),
    k('load', 'mov rdx, qword ptr [rax + 0x38]  ; prog->aux', R.rdx, [R.rax], 'load', 'kernel', 8),
    k('load', 'mov edx, dword ptr [rdx + 0x10]  ; aux->func_idx (bpf_is_subprog)', R.rdx, [R.rdx], 'load', 'kernel', 4),
    k('alu', 'test edx, edx', R.flags, [R.rdx]),
    k('branch-cond', 'jne .Lsubprog', undefined, [R.flags]),
    k('mov-imm', 'mov eax, 1', R.rax),
    kret(),
  ];
}

/** unwind_next_frame() from a JIT address: orc_find() misses everywhere, so the frame-pointer
 * fallback reads the return address and the saved rbp, each behind stack_access_ok(). */
function nextFrameFromBpf(p: Readonly<ThrowCostParameters>): MachineOp[] {
  const stackAccessOk = (what: string): MachineOp[] => [
    call(`stack_access_ok  ; ${what}`),
    k('load', 'mov rax, qword ptr [rdi + 0x10]  ; stack_info.begin', R.rax, [R.rdi], 'load', 'stack', 8),
    k('alu', 'cmp rsi, rax', R.flags, [R.rsi, R.rax]),
    k('branch-cond', 'jb .Lother_stack', undefined, [R.flags]),
    k('load', 'mov rax, qword ptr [rdi + 0x18]  ; stack_info.end', R.rax, [R.rdi], 'load', 'stack', 8),
    k('alu', 'cmp rsi, rax', R.flags, [R.rsi, R.rax]),
    k('branch-cond', 'jae .Lother_stack', undefined, [R.flags]),
    kret(),
  ];
  return [
    call('unwind_next_frame'),
    k('load', 'mov eax, dword ptr [rdi + 0x08]  ; unwind_done()', R.rax, [R.rdi], 'load', 'stack', 4),
    k('alu', 'test eax, eax', R.flags, [R.rax]),
    k('branch-cond', 'je .Ldone', undefined, [R.flags]),
    k('atomic-rmw', 'inc dword ptr gs:[__preempt_count]', undefined, [], 'rmw', 'percpu-offset', 4),
    k('load', 'mov rsi, qword ptr [rdi + 0x30]  ; state->ip', R.rsi, [R.rdi], 'load', 'stack', 8),
    call('orc_find'),
    k('alu', 'cmp rsi, LOOKUP_START_IP', R.flags, [R.rsi]),
    k('branch-cond', 'jb .Lslow', undefined, [R.flags]),
    k('alu', 'cmp rsi, LOOKUP_STOP_IP', R.flags, [R.rsi]),
    k('branch-cond', 'jae .Lslow', undefined, [R.flags]),
    k('alu', 'cmp rsi, offset _sinittext  ; init_kernel_text()', R.flags, [R.rsi]),
    k('branch-cond', 'jae .Linit', undefined, [R.flags]),
    ...moduleLookup(p),
    ...ftraceOpsWalk(p, 'ftrace_ops_trampoline  ; orc_ftrace_find()'),
    kret(), // orc_find: NULL → orc_fp_entry
    k('load', 'mov rax, qword ptr [rdi + 0x38]  ; sp = state->bp + 16', R.rax, [R.rdi], 'load', 'stack', 8),
    k('lea', 'lea rsi, [rax + 0x10]', R.rsi, [R.rax]),
    ...stackAccessOk('return address'),
    k('load', 'mov rax, qword ptr [rsi - 0x08]  ; state->ip', R.rax, [R.rsi], 'load', 'stack', 8),
    k('store', 'mov qword ptr [rdi + 0x30], rax', undefined, [R.rdi, R.rax], 'store', 'stack', 8),
    ...stackAccessOk('saved rbp'),
    k('load', 'mov rax, qword ptr [rsi - 0x10]  ; state->bp', R.rax, [R.rsi], 'load', 'stack', 8),
    k('store', 'mov qword ptr [rdi + 0x38], rax', undefined, [R.rdi, R.rax], 'store', 'stack', 8),
    k('alu', 'cmp rsi, qword ptr [rdi + 0x28]  ; stack going the wrong way?', R.flags, [R.rsi, R.rdi], 'load', 'stack', 8),
    k('branch-cond', 'jbe .Lerr', undefined, [R.flags]),
    k('atomic-rmw', 'dec dword ptr gs:[__preempt_count]', undefined, [], 'rmw', 'percpu-offset', 4),
    k('mov-imm', 'mov eax, 1', R.rax),
    kret(),
  ];
}

/** One BPF frame of arch_bpf_stack_walk() on x86-64 (ORC unwinder). */
export function throwPerFrameX86(p: Readonly<ThrowCostParameters> = DEFAULT_THROW_PARAMETERS): MachineOp[] {
  return [
    ...returnAddressOfBpfFrame(p),
    k('alu', 'test rax, rax', R.flags, [R.rax]),
    k('branch-cond', 'je .Lbreak', undefined, [R.flags]),
    ...stackWalkerOfSubprog(p),
    k('alu', 'test al, al', R.flags, [R.rax]),
    k('branch-cond', 'je .Lbreak', undefined, [R.flags]),
    ...nextFrameFromBpf(p),
  ];
}

/** bpf_throw() up to the first BPF frame: __unwind_start() skips to the caller's frame
 * through the vmlinux fast ORC table (a few-step __orc_find per kernel frame), the walker
 * sees bpf_throw's own frame (core kernel text, bpf_prog_ksym_find misses), and after the
 * walk the exception callback is called indirectly. The frame-pointer fallback of the last
 * BPF frame (main's, where the walk stops) is not run but is inside throwPerFrameX86; the
 * kernel-frame unwind_next_frame() left out here roughly offsets it when ftraceOps is 0. */
export function throwBodyX86(p: Readonly<ThrowCostParameters> = DEFAULT_THROW_PARAMETERS): MachineOp[] {
  const orcFast = (): MachineOp[] => [
    call('unwind_next_frame'),
    k('mov-reg', 'mov rax, rsi', R.rax, [R.rsi]),
    k('alu', 'sub rax, LOOKUP_START_IP', R.rax, [R.rax]),
    k('shift', 'shr rax, 8  ; / LOOKUP_BLOCK_SIZE', R.rax, [R.rax]),
    k('load', 'mov ecx, dword ptr [orc_lookup + rax*4]', R.rcx, [R.rax], 'load', 'kernel', 4),
    k('load', 'mov edx, dword ptr [orc_lookup + rax*4 + 4]', R.rdx, [R.rax], 'load', 'kernel', 4),
    ...Array.from({ length: 3 }, () => [
      k('load', 'movsxd rax, dword ptr [r8 + r9*4]  ; __orc_find: orc_ip(mid)', R.rax, [R.r8, R.r9], 'load', 'kernel', 4),
      k('alu', 'cmp rax, rsi', R.flags, [R.rax, R.rsi]),
      k('branch-cond', 'ja .Lleft', undefined, [R.flags]),
    ]).flat(),
    k('load', 'mov eax, dword ptr [r10 + r9*6]  ; orc entry', R.rax, [R.r10, R.r9], 'load', 'kernel', 4),
    k('load', 'mov rdx, qword ptr [rsi + rax]  ; return address', R.rdx, [R.rsi, R.rax], 'load', 'stack', 8),
    k('mov-imm', 'mov eax, 1', R.rax),
    kret(),
  ];
  return [
    k('nop', 'nop dword ptr [rax + rax + 0]  ; call __fentry__, patched out'),
    k('push', 'push rbx', R.rsp, [R.rbx, R.rsp], 'store', 'stack', 8),
    k('mov-reg', 'mov rbx, rdi  ; cookie', R.rbx, [R.rdi]),
    call('arch_bpf_stack_walk'),
    call('__unwind_start'),
    ...Array.from({ length: 8 }, (_, i) => k('store', `mov qword ptr [rdi + ${8 * i}], 0  ; memset(state)`, undefined, [R.rdi], 'store', 'stack', 8)),
    k('gs-load', 'mov rax, qword ptr gs:[current_task]', R.rax, [], 'load', 'percpu-offset', 8),
    k('load', 'mov rdx, qword ptr [rax + 0x18]  ; task->stack (get_stack_info)', R.rdx, [R.rax], 'load', 'current', 8),
    k('alu', 'cmp rsp, rdx', R.flags, [R.rsp, R.rdx]),
    k('branch-cond', 'jb .Lnot_task_stack', undefined, [R.flags]),
    ...orcFast(), // __unwind_start's frame → arch_bpf_stack_walk's
    ...orcFast(), // → bpf_throw's
    kret(),
    // bpf_throw's frame: core kernel text, not a BPF program
    call('unwind_get_return_address'),
    call('__kernel_text_address'),
    call('kernel_text_address'),
    k('alu', 'cmp rdi, offset _stext', R.flags, [R.rdi]),
    k('branch-cond', 'jb .Lnot_core', undefined, [R.flags]),
    k('alu', 'cmp rdi, offset _etext', R.flags, [R.rdi]),
    k('branch-cond', 'jb .Lcore', undefined, [R.flags]),
    kret(),
    kret(),
    kret(),
    ...indirectCall('consume_fn (bpf_stack_walker)', p),
    ...progKsymFind(p),
    k('mov-imm', 'mov eax, 1  ; !ctx->cnt', R.rax),
    kret(),
    kret(), // arch_bpf_stack_walk
    k('load', 'mov rax, qword ptr [rsp + 0x08]  ; ctx.aux', R.rax, [R.rsp], 'load', 'stack', 8),
    k('load', 'mov rax, qword ptr [rax + 0x300]  ; aux->bpf_exception_cb', R.rax, [R.rax], 'load', 'kernel', 8),
    k('mov-reg', 'mov rdi, rbx  ; cookie', R.rdi, [R.rbx]),
    // never returns: the callback's epilogue returns from the main program's frame
    ...indirectCall('bpf_exception_cb', p),
  ];
}

/**
 * One BPF frame of arch_bpf_stack_walk() on arm64 (arch/arm64/kernel/stacktrace.c):
 * kunwind_stack_walk() follows frame records — no unwind table, no kernel_text_address()
 * — calling arch_bpf_unwind_consume_entry() and through it bpf_stack_walker() (two
 * indirect calls; arm64 has no retpolines), whose bpf_prog_ksym_find() is the same
 * latch-tree lookup as on x86.
 */
export function throwPerFrameArm64(p: Readonly<ThrowCostParameters> = DEFAULT_THROW_PARAMETERS): MachineOp[] {
  const rcu = (fn: string, op: 'add' | 'sub'): MachineOp[] =>
    p.preemptRcu
      ? [
          bl(fn),
          a('load', 'ldr w9, [x28, #0x30]  ; current->rcu_read_lock_nesting', 9, [28], 'load', 'current', 4),
          a('alu', `${op} w9, w9, #1`, 9, [9]),
          a('store', 'str w9, [x28, #0x30]', undefined, [28, 9], 'store', 'current', 4),
          aret(),
        ]
      : [];
  const depth = treeDepth(p.bpfKsyms);
  return [
    acmp('cmp x13, x14  ; on_accessible_stack(): record below the stack top', [13, 14]),
    abcond('b.hs .Lbad'),
    acmp('cmp x13, x15  ; and above the stack base', [13, 15]),
    abcond('b.lo .Lbad'),
    a('load', 'ldp x13, x16, [x13]  ; frame record {fp, lr}', 13, [13], 'load', 'stack', 16),
    a('mov-reg', 'mov x1, x16  ; state->common.pc', 1, [16]),
    a('call-indirect', 'blr x17  ; consume_state (arch_bpf_unwind_consume_entry)', 0, [17, 0, 1]),
    a('call-indirect', 'blr x18  ; data->consume_entry (bpf_stack_walker)', 0, [18, 0, 1]),
    ...rcu('__rcu_read_lock', 'add'),
    bl('bpf_prog_ksym_find'),
    a('load', 'ldr w10, [x20]  ; bpf_tree.seq', 10, [20], 'load', 'kernel', 4),
    a('load', 'ldr x11, [x20, #8]  ; tree root', 11, [20, 10], 'load', 'kernel', 8),
    ...Array.from({ length: depth }, () => [
      a('load', 'ldr x12, [x11, #-16]  ; node start', 12, [11], 'load', 'kernel', 8),
      acmp('cmp x1, x12', [1, 12]),
      abcond('b.lo .Lleft'),
      a('load', 'ldr x12, [x11, #-8]  ; node end', 12, [11], 'load', 'kernel', 8),
      acmp('cmp x1, x12', [1, 12]),
      abcond('b.hs .Lright'),
      a('load', 'ldr x11, [x11, #8]  ; rb child', 11, [11], 'load', 'kernel', 8),
    ]).flat(),
    a('load', 'ldr w12, [x20]  ; read_seqcount_latch_retry', 12, [20], 'load', 'kernel', 4),
    acmp('cmp w12, w10', [12, 10]),
    abcond('b.ne .Lretry'),
    aret(),
    ...rcu('__rcu_read_unlock', 'sub'),
    a('load', 'ldr x9, [x0, #0x38]  ; prog->aux', 9, [0], 'load', 'kernel', 8),
    a('load', 'ldr w9, [x9, #0x10]  ; aux->func_idx', 9, [9], 'load', 'kernel', 4),
    acmp('cmp w9, #0', [9]),
    abcond('b.ne .Lsubprog'),
    aret(),
    aret(),
  ];
}

/** A bpf_throw cost entry with its walk costed under `p` instead of the defaults. */
export function withThrowParameters(cost: HelperCost, p: Readonly<ThrowCostParameters>): HelperCost {
  return {
    ...cost,
    body: throwBodyX86(p),
    ...(cost.perUnit ? { perUnit: { ...cost.perUnit, ops: throwPerFrameX86(p) } } : {}),
    ...(cost.perUnitArm64 ? { perUnitArm64: { ...cost.perUnitArm64, ops: throwPerFrameArm64(p) } } : {}),
  };
}
