// Costs of the kfuncs and helpers that exception-using programs pair with bpf_throw: the
// RCU read-side section kfuncs, bpf_obj_new/bpf_obj_drop (the BPF memory allocator's
// per-CPU free lists), the pointer casts the verifier inlines, and bpf_spin_lock/unlock.
// Bodies transcribe the kernel C's data flow on the uncontended fast path (Linux v6.18),
// as the other tables do; interrupt disabling has no op class (as in map-helper-costs.ts).

import { KFUNC_ID } from '../isa/internal-ids.ts';
import type { BpfSeqInsn, HelperCost } from './helper-cost-types.ts';
import { a, abcond, acmp, aret, bl, mrsCurrent, mrsPercpu, patchableEntry } from './kernel-ops-arm64.ts';
import { fentryNop, k, kret } from './kernel-ops-x86.ts';
import { X86_REG, type MachineOp } from './op-class.ts';
import { DEFAULT_THROW_PARAMETERS, rcuLock, rcuUnlock } from './throw-cost.ts';

const R = X86_REG;
const IRQ = 'interrupt disable/enable (local_irq_save/restore: pushf; cli … popf on x86, mrs daif; msr daifset … msr daif on arm64) has no op class and is not costed';
const call = (fn: string): MachineOp => k('call-direct', `call ${fn}`, undefined, [R.rsp], 'store', 'stack', 8);

// rcu_read_lock()/unlock() as throw-cost.ts prices them for the distro configuration
// (CONFIG_PREEMPT_RCU: out-of-line __rcu_read_lock() on current->rcu_read_lock_nesting),
// behind the kfunc's own entry and return.
const RCU_LOCK_X86: MachineOp[] = [fentryNop(), ...rcuLock(DEFAULT_THROW_PARAMETERS), kret()];
const RCU_UNLOCK_X86: MachineOp[] = [fentryNop(), ...rcuUnlock(DEFAULT_THROW_PARAMETERS), kret()];

// arm64 (CONFIG_PREEMPT_RCU): current is sp_el0; __rcu_read_lock() is out of line.
const RCU_LOCK_A64: MachineOp[] = [
  ...patchableEntry(),
  bl('__rcu_read_lock'),
  mrsCurrent(0),
  a('load', 'ldr w1, [x0, #0x4c0]  ; rcu_read_lock_nesting', 1, [0], 'load', 'current', 4),
  a('alu', 'add w1, w1, #1', 1, [1]),
  a('store', 'str w1, [x0, #0x4c0]', undefined, [0, 1], 'store', 'current', 4),
  aret(),
  aret(),
];

const RCU_UNLOCK_A64: MachineOp[] = [
  ...patchableEntry(),
  bl('__rcu_read_unlock'),
  mrsCurrent(0),
  a('load', 'ldr w1, [x0, #0x4c0]  ; rcu_read_lock_nesting', 1, [0], 'load', 'current', 4),
  a('alu', 'sub w1, w1, #1', 1, [1]),
  a('store', 'str w1, [x0, #0x4c0]', undefined, [0, 1], 'store', 'current', 4),
  a('branch-cond', 'cbnz w1, .Lnested', undefined, [1]),
  a('load', 'ldr w2, [x0, #0x4c4]  ; rcu_read_unlock_special', 2, [0], 'load', 'current', 4),
  a('branch-cond', 'cbnz w2, .Lspecial', undefined, [2]),
  aret(),
  aret(),
];

/** kernel/bpf/memalloc.c unit_alloc(): c = this_cpu_ptr(ma->cache); local_inc_return(&c->active);
 * llnode = __llist_del_first(&c->free_llist); cnt = --c->free_cnt; local_dec(&c->active);
 * if (cnt < c->low_watermark) irq_work_raise(c). */
const UNIT_ALLOC_X86: MachineOp[] = [
  call('bpf_mem_alloc'),
  fentryNop(),
  k('load', 'mov rax, qword ptr [rdi + 8]  ; ma->cache', R.rax, [R.rdi], 'load', 'kernel', 8),
  k('gs-load', 'add rax, qword ptr gs:[this_cpu_off]', R.rax, [R.rax], 'load', 'percpu-offset', 8),
  k('load-alu', 'inc qword ptr [rax + 0x40]  ; local_inc_return(&c->active)', R.rcx, [R.rax], 'rmw', 'kernel', 8),
  k('load', 'mov rdx, qword ptr [rax]  ; c->free_llist.first', R.rdx, [R.rax], 'load', 'kernel', 8),
  k('alu', 'test rdx, rdx', R.flags, [R.rdx]),
  k('branch-cond', 'je .Lempty', undefined, [R.flags]),
  k('load', 'mov rcx, qword ptr [rdx]  ; llnode->next', R.rcx, [R.rdx], 'load', 'kernel', 8),
  k('store', 'mov qword ptr [rax], rcx', undefined, [R.rax, R.rcx], 'store', 'kernel', 8),
  k('load-alu', 'dec dword ptr [rax + 0x48]  ; --c->free_cnt', R.rcx, [R.rax], 'rmw', 'kernel', 4),
  k('load-alu', 'dec qword ptr [rax + 0x40]  ; local_dec(&c->active)', R.rcx, [R.rax], 'rmw', 'kernel', 8),
  k('load-alu', 'cmp ecx, dword ptr [rax + 0x4c]  ; c->low_watermark', R.flags, [R.rcx, R.rax], 'load', 'kernel', 4),
  k('branch-cond', 'jl .Lrefill', undefined, [R.flags]),
  k('lea', 'lea rax, [rdx + 8]  ; skip the llist_node header', R.rax, [R.rdx]),
  kret(),
];

/** unit_free(): the same cache, __llist_add(llnode, &c->free_llist), ++c->free_cnt, then the
 * high-watermark test. */
const UNIT_FREE_X86: MachineOp[] = [
  call('bpf_mem_free'),
  fentryNop(),
  k('lea', 'lea rsi, [rsi - 8]  ; the llist_node header', R.rsi, [R.rsi]),
  k('load', 'mov rax, qword ptr [rdi + 8]  ; ma->cache', R.rax, [R.rdi], 'load', 'kernel', 8),
  k('gs-load', 'add rax, qword ptr gs:[this_cpu_off]', R.rax, [R.rax], 'load', 'percpu-offset', 8),
  k('load-alu', 'inc qword ptr [rax + 0x40]  ; local_inc_return(&c->active)', R.rcx, [R.rax], 'rmw', 'kernel', 8),
  k('load', 'mov rdx, qword ptr [rax]  ; c->free_llist.first', R.rdx, [R.rax], 'load', 'kernel', 8),
  k('store', 'mov qword ptr [rsi], rdx  ; llnode->next', undefined, [R.rsi, R.rdx], 'store', 'kernel', 8),
  k('store', 'mov qword ptr [rax], rsi', undefined, [R.rax, R.rsi], 'store', 'kernel', 8),
  k('load-alu', 'inc dword ptr [rax + 0x48]  ; ++c->free_cnt', R.rcx, [R.rax], 'rmw', 'kernel', 4),
  k('load-alu', 'dec qword ptr [rax + 0x40]  ; local_dec(&c->active)', R.rcx, [R.rax], 'rmw', 'kernel', 8),
  k('load-alu', 'cmp ecx, dword ptr [rax + 0x50]  ; c->high_watermark', R.flags, [R.rcx, R.rax], 'load', 'kernel', 4),
  k('branch-cond', 'jg .Ldrain', undefined, [R.flags]),
  kret(),
];

const UNIT_ALLOC_A64: MachineOp[] = [
  bl('bpf_mem_alloc'),
  ...patchableEntry(),
  a('load', 'ldr x1, [x0, #8]  ; ma->cache', 1, [0], 'load', 'kernel', 8),
  mrsPercpu(2),
  a('alu', 'add x1, x1, x2', 1, [1, 2]),
  a('load', 'ldr x3, [x1, #0x40]  ; c->active', 3, [1], 'load', 'kernel', 8),
  a('alu', 'add x3, x3, #1', 3, [3]),
  a('store', 'str x3, [x1, #0x40]', undefined, [1, 3], 'store', 'kernel', 8),
  a('load', 'ldr x4, [x1]  ; c->free_llist.first', 4, [1], 'load', 'kernel', 8),
  a('branch-cond', 'cbz x4, .Lempty', undefined, [4]),
  a('load', 'ldr x5, [x4]  ; llnode->next', 5, [4], 'load', 'kernel', 8),
  a('store', 'str x5, [x1]', undefined, [1, 5], 'store', 'kernel', 8),
  a('load', 'ldr w6, [x1, #0x48]  ; c->free_cnt', 6, [1], 'load', 'kernel', 4),
  a('alu', 'sub w6, w6, #1', 6, [6]),
  a('store', 'str w6, [x1, #0x48]', undefined, [1, 6], 'store', 'kernel', 4),
  a('alu', 'sub x3, x3, #1', 3, [3]),
  a('store', 'str x3, [x1, #0x40]  ; local_dec(&c->active)', undefined, [1, 3], 'store', 'kernel', 8),
  a('load', 'ldr w7, [x1, #0x4c]  ; c->low_watermark', 7, [1], 'load', 'kernel', 4),
  acmp('cmp w6, w7', [6, 7]),
  abcond('b.lt .Lrefill'),
  a('alu', 'add x0, x4, #8', 0, [4]),
  aret(),
];

const UNIT_FREE_A64: MachineOp[] = [
  bl('bpf_mem_free'),
  ...patchableEntry(),
  a('alu', 'sub x1, x1, #8  ; the llist_node header', 1, [1]),
  a('load', 'ldr x2, [x0, #8]  ; ma->cache', 2, [0], 'load', 'kernel', 8),
  mrsPercpu(3),
  a('alu', 'add x2, x2, x3', 2, [2, 3]),
  a('load', 'ldr x4, [x2, #0x40]  ; c->active', 4, [2], 'load', 'kernel', 8),
  a('alu', 'add x4, x4, #1', 4, [4]),
  a('store', 'str x4, [x2, #0x40]', undefined, [2, 4], 'store', 'kernel', 8),
  a('load', 'ldr x5, [x2]  ; c->free_llist.first', 5, [2], 'load', 'kernel', 8),
  a('store', 'str x5, [x1]  ; llnode->next', undefined, [1, 5], 'store', 'kernel', 8),
  a('store', 'str x1, [x2]', undefined, [1, 2], 'store', 'kernel', 8),
  a('load', 'ldr w6, [x2, #0x48]  ; c->free_cnt', 6, [2], 'load', 'kernel', 4),
  a('alu', 'add w6, w6, #1', 6, [6]),
  a('store', 'str w6, [x2, #0x48]', undefined, [2, 6], 'store', 'kernel', 4),
  a('alu', 'sub x4, x4, #1', 4, [4]),
  a('store', 'str x4, [x2, #0x40]  ; local_dec(&c->active)', undefined, [2, 4], 'store', 'kernel', 8),
  a('load', 'ldr w7, [x2, #0x50]  ; c->high_watermark', 7, [2], 'load', 'kernel', 4),
  acmp('cmp w6, w7', [6, 7]),
  abcond('b.gt .Ldrain'),
  aret(),
];

/** bpf_obj_new_impl(): p = bpf_mem_alloc(&bpf_global_ma, size); if (meta) bpf_obj_init(...). */
const OBJ_NEW_X86: MachineOp[] = [
  fentryNop(),
  k('mov-reg', 'mov rbx, rsi  ; meta', R.rbx, [R.rsi]),
  k('mov-reg', 'mov rsi, rdi  ; size', R.rsi, [R.rdi]),
  k('lea', 'lea rdi, [bpf_global_ma]', R.rdi, []),
  ...UNIT_ALLOC_X86,
  k('alu', 'test rax, rax', R.flags, [R.rax]),
  k('branch-cond', 'je .Lnull', undefined, [R.flags]),
  k('alu', 'test rbx, rbx', R.flags, [R.rbx]),
  k('branch-cond', 'jne .Linit_fields', undefined, [R.flags]),
  kret(),
];

/** bpf_obj_drop_impl(): if (meta) bpf_obj_free_fields(...); bpf_mem_free(&bpf_global_ma, p). */
const OBJ_DROP_X86: MachineOp[] = [
  fentryNop(),
  k('alu', 'test rsi, rsi  ; meta', R.flags, [R.rsi]),
  k('branch-cond', 'jne .Lfree_fields', undefined, [R.flags]),
  k('mov-reg', 'mov rsi, rdi', R.rsi, [R.rdi]),
  k('lea', 'lea rdi, [bpf_global_ma]', R.rdi, []),
  ...UNIT_FREE_X86,
  kret(),
];

const OBJ_NEW_A64: MachineOp[] = [
  ...patchableEntry(),
  a('mov-reg', 'mov x19, x1  ; meta', 19, [1]),
  a('mov-reg', 'mov x1, x0  ; size', 1, [0]),
  a('lea', 'adrp x0, bpf_global_ma', 0, []),
  ...UNIT_ALLOC_A64,
  a('branch-cond', 'cbz x0, .Lnull', undefined, [0]),
  a('branch-cond', 'cbnz x19, .Linit_fields', undefined, [19]),
  aret(),
];

const OBJ_DROP_A64: MachineOp[] = [
  ...patchableEntry(),
  a('branch-cond', 'cbnz x1, .Lfree_fields', undefined, [1]),
  a('mov-reg', 'mov x1, x0', 1, [0]),
  a('lea', 'adrp x0, bpf_global_ma', 0, []),
  ...UNIT_FREE_A64,
  aret(),
];

/** kernel/bpf/helpers.c __bpf_spin_lock_irqsave(): local_irq_save, arch_spin_lock (the
 * qspinlock's uncontended cmpxchg 0 → 1), __this_cpu_write(irqsave_flags, flags). */
const SPIN_LOCK_X86: MachineOp[] = [
  fentryNop(),
  k('alu', 'xor eax, eax', R.rax),
  k('mov-imm', 'mov edx, 1', R.rdx),
  k('atomic-rmw', 'lock cmpxchg dword ptr [rdi], edx  ; queued_spin_lock', R.rax, [R.rdi, R.rdx, R.rax], 'rmw', 'kernel', 4),
  k('branch-cond', 'jne .Lslowpath', undefined, [R.flags]),
  k('store', 'mov qword ptr gs:[irqsave_flags], rcx', undefined, [R.rcx], 'store', 'percpu-offset', 8),
  k('alu', 'xor eax, eax', R.rax),
  kret(),
];

/** __bpf_spin_unlock_irqrestore(): flags = __this_cpu_read(irqsave_flags); arch_spin_unlock
 * (smp_store_release of the locked byte); local_irq_restore. */
const SPIN_UNLOCK_X86: MachineOp[] = [
  fentryNop(),
  k('gs-load', 'mov rax, qword ptr gs:[irqsave_flags]', R.rax, [], 'load', 'percpu-offset', 8),
  k('store', 'mov byte ptr [rdi], 0  ; queued_spin_unlock', undefined, [R.rdi], 'store', 'kernel', 1),
  k('alu', 'xor eax, eax', R.rax),
  kret(),
];

const SPIN_LOCK_A64: MachineOp[] = [
  ...patchableEntry(),
  a('mov-imm', 'mov w1, #1', 1),
  a('mov-imm', 'mov w2, #0', 2),
  a('atomic-rmw', 'casa w2, w1, [x0]  ; queued_spin_lock (LSE)', 2, [0, 1, 2], 'rmw', 'kernel', 4),
  a('branch-cond', 'cbnz w2, .Lslowpath', undefined, [2]),
  mrsPercpu(3),
  a('store', 'str x4, [x3, #irqsave_flags]', undefined, [3, 4], 'store', 'percpu-offset', 8),
  a('mov-imm', 'mov x0, #0', 0),
  aret(),
];

const SPIN_UNLOCK_A64: MachineOp[] = [
  ...patchableEntry(),
  mrsPercpu(3),
  a('load', 'ldr x4, [x3, #irqsave_flags]', 4, [3], 'load', 'percpu-offset', 8),
  a('store', 'stlrb wzr, [x0]  ; queued_spin_unlock (store-release)', undefined, [0], 'store', 'kernel', 1),
  a('mov-imm', 'mov x0, #0', 0),
  aret(),
];

/** fixup_kfunc_call() replaces both casts with `r0 = r1` before any JIT. */
const CAST_INLINE: BpfSeqInsn[] = [['mov', 'dst,src', 0, 1, 0, 0]];

export const EXCEPTION_KFUNC_COSTS: readonly HelperCost[] = [
  {
    name: 'bpf_rcu_read_lock', id: KFUNC_ID.bpf_rcu_read_lock, kind: 'kfunc',
    body: RCU_LOCK_X86, bodyArm64: RCU_LOCK_A64,
    source: 'kernel/bpf/helpers.c bpf_rcu_read_lock() → rcu_read_lock(); kernel/rcu/tree_plugin.h __rcu_read_lock() (CONFIG_PREEMPT_RCU)',
  },
  {
    name: 'bpf_rcu_read_unlock', id: KFUNC_ID.bpf_rcu_read_unlock, kind: 'kfunc',
    body: RCU_UNLOCK_X86, bodyArm64: RCU_UNLOCK_A64,
    source: 'kernel/bpf/helpers.c bpf_rcu_read_unlock() → rcu_read_unlock(); kernel/rcu/tree_plugin.h __rcu_read_unlock() (nesting reaches 0, no special work)',
  },
  {
    name: 'bpf_obj_new_impl', id: KFUNC_ID.bpf_obj_new_impl, kind: 'kfunc',
    body: OBJ_NEW_X86, bodyArm64: OBJ_NEW_A64, unmeasured: IRQ,
    source: 'kernel/bpf/helpers.c bpf_obj_new_impl() → kernel/bpf/memalloc.c bpf_mem_alloc() → unit_alloc() (per-CPU free list has a unit, above the low watermark)',
  },
  {
    name: 'bpf_obj_drop_impl', id: KFUNC_ID.bpf_obj_drop_impl, kind: 'kfunc',
    body: OBJ_DROP_X86, bodyArm64: OBJ_DROP_A64, unmeasured: IRQ,
    source: 'kernel/bpf/helpers.c bpf_obj_drop_impl() → __bpf_obj_drop_impl() → kernel/bpf/memalloc.c bpf_mem_free() → unit_free() (below the high watermark)',
  },
  {
    name: 'bpf_cast_to_kern_ctx', id: KFUNC_ID.bpf_cast_to_kern_ctx, kind: 'kfunc',
    inlineX86: { bpf: CAST_INLINE, source: 'kernel/bpf/verifier.c fixup_kfunc_call(): BPF_MOV64_REG(BPF_REG_0, BPF_REG_1)' },
    inlineArm64: { bpf: CAST_INLINE, source: 'fixup_kfunc_call() runs before any JIT: arch-independent' },
    source: 'kernel/bpf/verifier.c fixup_kfunc_call() (v6.3): the cast is only a type change for the verifier',
  },
  {
    name: 'bpf_rdonly_cast', id: KFUNC_ID.bpf_rdonly_cast, kind: 'kfunc',
    inlineX86: { bpf: CAST_INLINE, source: 'kernel/bpf/verifier.c fixup_kfunc_call(): BPF_MOV64_REG(BPF_REG_0, BPF_REG_1)' },
    inlineArm64: { bpf: CAST_INLINE, source: 'fixup_kfunc_call() runs before any JIT: arch-independent' },
    source: 'kernel/bpf/verifier.c fixup_kfunc_call() (v6.3): the cast is only a type change for the verifier',
  },
  {
    name: 'bpf_spin_lock', id: 93, kind: 'helper',
    body: SPIN_LOCK_X86, bodyArm64: SPIN_LOCK_A64, unmeasured: IRQ,
    source: 'kernel/bpf/helpers.c bpf_spin_lock() → __bpf_spin_lock_irqsave() → __bpf_spin_lock() → arch_spin_lock() (include/asm-generic/qspinlock.h queued_spin_lock fast path)',
  },
  {
    name: 'bpf_spin_unlock', id: 94, kind: 'helper',
    body: SPIN_UNLOCK_X86, bodyArm64: SPIN_UNLOCK_A64, unmeasured: IRQ,
    source: 'kernel/bpf/helpers.c bpf_spin_unlock() → __bpf_spin_unlock_irqrestore() → arch_spin_unlock() (queued_spin_unlock: smp_store_release of the locked byte)',
  },
];
