// Cost entries for the map and ring-buffer helpers beyond the array/hash look-up and the
// array update in helper-costs.ts: per-CPU array look-up, hash update and delete, array
// delete, ring-buffer output. Same shapes and conventions as helper-costs.ts (x86-64 body,
// arm64 body, verifier rewrite); Linux v6.x before the resilient queued spinlock (v6.15),
// preallocated hash maps (no BPF_F_NO_PREALLOC), 4-byte keys, 8-byte values.
// Disabling interrupts around bucket and ring-buffer locks (pushf/cli/popf, msr daifset)
// is outside the op vocabulary: those entries say so in `unmeasured`.

import type { BpfSeqInsn, HelperCost } from './helper-cost-types.ts';
import { BPF_FUNC } from './helper-ids.ts';
import { a, abcond, acmp, aret, mrsPercpu, patchableEntry } from './kernel-ops-arm64.ts';
import { fentryNop, k, kret } from './kernel-ops-x86.ts';
import { MAP_TYPE_COSTS } from './map-type-costs.ts';
import { X86_REG, type MachineOp } from './op-class.ts';

const R = X86_REG;
const IRQ = 'interrupt disable/enable around the lock (pushf; cli … popf on x86, mrs daif; msr daifset … msr daif on arm64) has no op class and is not costed';

/** percpu_array_map_gen_lookup() (kernel/bpf/arraymap.c, v6.10), privileged load. */
const PERCPU_ARRAY_GEN_LOOKUP: BpfSeqInsn[] = [
  ['add', 'dst,imm', 1, 0, 0, 0x110], // r1 += offsetof(struct bpf_array, pptrs)
  ['ldxw', 'load', 0, 2, 0, 0], // r0 = *(u32 *)key
  ['jge', 'dst,imm,off', 0, 0, 5, 256], // if r0 >= max_entries goto null
  ['lsh', 'dst,imm', 0, 0, 0, 3], // r0 <<= 3
  ['add', 'dst,src', 0, 1, 0, 0], // r0 += r1
  ['ldxdw', 'load', 0, 0, 0, 0], // r0 = array->pptrs[index]
  ['movpcpu', 'dst,src', 0, 0, -1, 0], // r0 = this_cpu_ptr(r0)
  ['ja', 'off', 0, 0, 1, 0],
  ['mov', 'dst,imm', 0, 0, 0, 0], // null: r0 = 0
];

/** jhash of the 4-byte key (include/linux/jhash.h __jhash_final(): 7 rounds), x86 and arm64.
 * On x86-64 htab_map_hash() is out of line (`t htab_map_hash` in the calibration host's
 * /proc/kallsyms, Linux 6.18.44): a call, and a return through the CPU's return thunk. */
const jhashX86 = (): MachineOp[] => [
  k('load', 'mov r8d, dword ptr [rdi + 0x100]  ; htab->hashrnd', R.r8, [R.rdi], 'load', 'kernel', 4),
  k('call-direct', 'call htab_map_hash', R.rax, [R.rsp], 'store', 'stack', 8),
  fentryNop(),
  k('load', 'mov eax, dword ptr [rsi]  ; key word', R.rax, [R.rsi], 'load', 'insn', 4),
  ...Array.from({ length: 7 }, () => [
    k('alu', 'xor ecx, edx', R.rcx, [R.rcx, R.rdx]), k('shift', 'rol edx, 14', R.rdx, [R.rdx]), k('alu', 'sub ecx, edx', R.rcx, [R.rcx, R.rdx]),
  ]).flat(),
  kret(),
  k('load', 'mov r9d, dword ptr [rdi + 0x104]  ; n_buckets', R.r9, [R.rdi], 'load', 'kernel', 4),
  k('alu', 'dec r9d', R.r9, [R.r9]),
  k('alu', 'and r9d, ecx', R.r9, [R.r9, R.rcx]),
  k('load', 'mov r10, qword ptr [rdi + 0x108]  ; htab->buckets', R.r10, [R.rdi], 'load', 'kernel', 8),
  k('lea', 'lea r10, [r10 + r9*8]  ; bucket', R.r10, [R.r10, R.r9]),
];
const jhashA64 = (): MachineOp[] => [
  a('load', 'ldr w8, [x0, #0x100]  ; htab->hashrnd', 8, [0], 'load', 'kernel', 4),
  a('load', 'ldr w9, [x1]  ; key word', 9, [1], 'load', 'insn', 4),
  ...Array.from({ length: 7 }, () => [
    a('alu', 'eor w10, w10, w11', 10, [10, 11]), a('shift', 'ror w11, w11, #18', 11, [11]), a('alu', 'sub w10, w10, w11', 10, [10, 11]),
  ]).flat(),
  a('load', 'ldr w12, [x0, #0x104]  ; n_buckets', 12, [0], 'load', 'kernel', 4),
  a('alu', 'sub w12, w12, #1', 12, [12]),
  a('alu', 'and w12, w12, w10', 12, [12, 10]),
  a('load', 'ldr x13, [x0, #0x108]  ; htab->buckets', 13, [0], 'load', 'kernel', 8),
  a('alu', 'add x13, x13, x12, lsl #3  ; bucket', 13, [13, 12]),
];

/** htab_lock_bucket(): map_locked per-CPU counter, then raw_spin_lock's cmpxchg fast path. */
const lockX86 = (what: string): MachineOp[] => [
  k('gs-load', `inc dword ptr gs:[rax]  ; __this_cpu_inc_return(*map_locked)  (${what})`, R.rax, [R.rax], 'load', 'percpu-offset', 4),
  k('alu', 'cmp eax, 1', R.flags, [R.rax]),
  k('branch-cond', 'jne .Lbusy', undefined, [R.flags]),
  k('atomic-rmw', 'lock cmpxchg dword ptr [r10 + 8], edx  ; raw_spin_lock', R.rax, [R.r10, R.rdx], 'rmw', 'kernel', 4),
  k('branch-cond', 'jne .Lslowpath', undefined, [R.flags]),
];
const unlockX86 = (): MachineOp[] => [
  k('store', 'mov byte ptr [r10 + 8], 0  ; raw_spin_unlock', undefined, [R.r10], 'store', 'kernel', 1),
  k('gs-load', 'dec dword ptr gs:[rax]  ; __this_cpu_dec(*map_locked)', R.rax, [R.rax], 'load', 'percpu-offset', 4),
];
const lockA64 = (what: string): MachineOp[] => [
  mrsPercpu(14),
  a('load', `ldr w15, [x14, x16]  ; map_locked  (${what})`, 15, [14, 16], 'load', 'percpu-offset', 4),
  a('alu', 'add w15, w15, #1', 15, [15]),
  a('store', 'str w15, [x14, x16]', undefined, [14, 15, 16], 'store', 'percpu-offset', 4),
  acmp('cmp w15, #1', [15]),
  abcond('b.ne .Lbusy'),
  a('atomic-rmw', 'casa w17, w9, [x13, #8]  ; raw_spin_lock (LSE)', 17, [13, 9, 17], 'rmw', 'kernel', 4),
  a('branch-cond', 'cbnz w17, .Lslowpath', undefined, [17]),
];
const unlockA64 = (): MachineOp[] => [
  a('store', 'stlrh wzr, [x13, #8]  ; raw_spin_unlock (store-release)', undefined, [13], 'store', 'kernel', 2),
  a('load', 'ldr w15, [x14, x16]', 15, [14, 16], 'load', 'percpu-offset', 4),
  a('alu', 'sub w15, w15, #1', 15, [15]),
  a('store', 'str w15, [x14, x16]  ; map_locked--', undefined, [14, 15, 16], 'store', 'percpu-offset', 4),
];

/** htab_map_update_elem() of a new key: hash, lock, empty-bucket walk, freelist pop, link. */
const HASH_UPDATE_X86: MachineOp[] = [
  fentryNop(),
  k('alu', 'cmp rcx, 2  ; flags > BPF_EXIST', R.flags, [R.rcx]),
  k('branch-cond', 'ja .Leinval', undefined, [R.flags]),
  ...jhashX86(),
  ...lockX86('bucket'),
  k('load', 'mov r11, qword ptr [r10]  ; lookup_elem_raw(): bucket head', R.r11, [R.r10], 'load', 'kernel', 8),
  k('alu', 'test r11b, 1  ; is_a_nulls()', R.flags, [R.r11]),
  k('branch-cond', 'je .Lwalk', undefined, [R.flags]),
  // alloc_htab_elem() → __pcpu_freelist_pop(): this CPU's list under its own lock.
  k('gs-load', 'add rbx, qword ptr gs:[this_cpu_off]  ; this_cpu_ptr(freelist)', R.rbx, [R.rbx], 'load', 'percpu-offset', 8),
  k('atomic-rmw', 'lock cmpxchg dword ptr [rbx], edx  ; freelist lock', R.rax, [R.rbx, R.rdx], 'rmw', 'kernel', 4),
  k('load', 'mov r12, qword ptr [rbx + 8]  ; head->first', R.r12, [R.rbx], 'load', 'kernel', 8),
  k('load', 'mov r13, qword ptr [r12]  ; node->next', R.r13, [R.r12], 'load', 'kernel', 8),
  k('store', 'mov qword ptr [rbx + 8], r13', undefined, [R.rbx, R.r13], 'store', 'kernel', 8),
  k('store', 'mov byte ptr [rbx], 0  ; freelist unlock', undefined, [R.rbx], 'store', 'kernel', 1),
  k('load', 'mov eax, dword ptr [rsi]  ; memcpy(l->key, key, 4)', R.rax, [R.rsi], 'load', 'insn', 4),
  k('store', 'mov dword ptr [r12 + 0x30], eax', undefined, [R.r12, R.rax], 'store', 'kernel', 4),
  k('load', 'mov rax, qword ptr [rdx]  ; copy_map_value (8 bytes)', R.rax, [R.rdx], 'load', 'insn', 8),
  k('store', 'mov qword ptr [r12 + 0x38], rax', undefined, [R.r12, R.rax], 'store', 'kernel', 8),
  k('store', 'mov dword ptr [r12 + 0x28], ecx  ; l->hash', undefined, [R.r12, R.rcx], 'store', 'kernel', 4),
  // hlist_nulls_add_head_rcu()
  k('store', 'mov qword ptr [r12], r11  ; n->next = first', undefined, [R.r12, R.r11], 'store', 'kernel', 8),
  k('store', 'mov qword ptr [r12 + 8], r10  ; n->pprev', undefined, [R.r12, R.r10], 'store', 'kernel', 8),
  k('store', 'mov qword ptr [r10], r12  ; rcu_assign_pointer(head->first, n)', undefined, [R.r10, R.r12], 'store', 'kernel', 8),
  ...unlockX86(),
  k('alu', 'xor eax, eax', R.rax),
  kret(),
];

const HASH_UPDATE_A64: MachineOp[] = [
  ...patchableEntry(),
  acmp('cmp x3, #2  ; flags > BPF_EXIST', [3]),
  abcond('b.hi .Leinval'),
  ...jhashA64(),
  ...lockA64('bucket'),
  a('load', 'ldr x4, [x13]  ; lookup_elem_raw(): bucket head', 4, [13], 'load', 'kernel', 8),
  a('branch-cond', 'tbz x4, #0, .Lwalk  ; is_a_nulls()', undefined, [4]),
  mrsPercpu(5),
  a('alu', 'add x5, x5, x6  ; this_cpu_ptr(freelist)', 5, [5, 6]),
  a('atomic-rmw', 'casa w17, w9, [x5]  ; freelist lock', 17, [5, 9, 17], 'rmw', 'kernel', 4),
  a('load', 'ldr x6, [x5, #8]  ; head->first', 6, [5], 'load', 'kernel', 8),
  a('load', 'ldr x8, [x6]  ; node->next', 8, [6], 'load', 'kernel', 8),
  a('store', 'str x8, [x5, #8]', undefined, [5, 8], 'store', 'kernel', 8),
  a('store', 'stlrh wzr, [x5]  ; freelist unlock', undefined, [5], 'store', 'kernel', 2),
  a('load', 'ldr w9, [x1]  ; memcpy(l->key, key, 4)', 9, [1], 'load', 'insn', 4),
  a('store', 'str w9, [x6, #0x30]', undefined, [6, 9], 'store', 'kernel', 4),
  a('load', 'ldr x9, [x2]  ; copy_map_value (8 bytes)', 9, [2], 'load', 'insn', 8),
  a('store', 'str x9, [x6, #0x38]', undefined, [6, 9], 'store', 'kernel', 8),
  a('store', 'str w10, [x6, #0x28]  ; l->hash', undefined, [6, 10], 'store', 'kernel', 4),
  a('store', 'stp x4, x13, [x6]  ; n->next, n->pprev', undefined, [6, 4, 13], 'store', 'kernel', 16),
  a('store', 'stlr x6, [x13]  ; rcu_assign_pointer(head->first, n)', undefined, [13, 6], 'store', 'kernel', 8),
  ...unlockA64(),
  a('mov-imm', 'mov w0, #0', 0),
  aret(),
];

/** htab_map_delete_elem() of a present key: hash, lock, walk (first hits), unlink, free. */
const HASH_DELETE_X86: MachineOp[] = [
  fentryNop(),
  ...jhashX86(),
  ...lockX86('bucket'),
  k('load', 'mov r11, qword ptr [r10]  ; bucket head', R.r11, [R.r10], 'load', 'kernel', 8),
  k('load', 'mov edx, dword ptr [r11 + 0x28]  ; l->hash', R.rdx, [R.r11], 'load', 'kernel', 4),
  k('alu', 'cmp edx, ecx', R.flags, [R.rdx, R.rcx]),
  k('branch-cond', 'jne .Lnext', undefined, [R.flags]),
  k('load', 'mov edx, dword ptr [r11 + 0x30]  ; key compare', R.rdx, [R.r11], 'load', 'kernel', 4),
  k('alu', 'cmp edx, eax', R.flags, [R.rdx, R.rax]),
  k('branch-cond', 'jne .Lnext', undefined, [R.flags]),
  // hlist_nulls_del_rcu()
  k('load', 'mov r12, qword ptr [r11]  ; n->next', R.r12, [R.r11], 'load', 'kernel', 8),
  k('load', 'mov r13, qword ptr [r11 + 8]  ; n->pprev', R.r13, [R.r11], 'load', 'kernel', 8),
  k('store', 'mov qword ptr [r13], r12', undefined, [R.r13, R.r12], 'store', 'kernel', 8),
  k('alu', 'test r12b, 1', R.flags, [R.r12]),
  k('branch-cond', 'jne .Lnulls', undefined, [R.flags]),
  k('store', 'mov qword ptr [r12 + 8], r13', undefined, [R.r12, R.r13], 'store', 'kernel', 8),
  // free_htab_elem() → __pcpu_freelist_push()
  k('gs-load', 'add rbx, qword ptr gs:[this_cpu_off]', R.rbx, [R.rbx], 'load', 'percpu-offset', 8),
  k('atomic-rmw', 'lock cmpxchg dword ptr [rbx], edx  ; freelist lock', R.rax, [R.rbx, R.rdx], 'rmw', 'kernel', 4),
  k('load', 'mov r12, qword ptr [rbx + 8]', R.r12, [R.rbx], 'load', 'kernel', 8),
  k('store', 'mov qword ptr [r11], r12', undefined, [R.r11, R.r12], 'store', 'kernel', 8),
  k('store', 'mov qword ptr [rbx + 8], r11', undefined, [R.rbx, R.r11], 'store', 'kernel', 8),
  k('store', 'mov byte ptr [rbx], 0  ; freelist unlock', undefined, [R.rbx], 'store', 'kernel', 1),
  ...unlockX86(),
  k('alu', 'xor eax, eax', R.rax),
  kret(),
];

const HASH_DELETE_A64: MachineOp[] = [
  ...patchableEntry(),
  ...jhashA64(),
  ...lockA64('bucket'),
  a('load', 'ldr x4, [x13]  ; bucket head', 4, [13], 'load', 'kernel', 8),
  a('load', 'ldr w15, [x4, #0x28]  ; l->hash', 15, [4], 'load', 'kernel', 4),
  acmp('cmp w15, w10', [15, 10]),
  abcond('b.ne .Lnext'),
  a('load', 'ldr w15, [x4, #0x30]  ; key compare', 15, [4], 'load', 'kernel', 4),
  acmp('cmp w15, w9', [15, 9]),
  abcond('b.ne .Lnext'),
  a('load', 'ldp x5, x6, [x4]  ; n->next, n->pprev', 5, [4], 'load', 'kernel', 16),
  a('store', 'str x5, [x6]', undefined, [6, 5], 'store', 'kernel', 8),
  a('branch-cond', 'tbnz x5, #0, .Lnulls', undefined, [5]),
  a('store', 'str x6, [x5, #8]', undefined, [5, 6], 'store', 'kernel', 8),
  mrsPercpu(8),
  a('atomic-rmw', 'casa w17, w9, [x8]  ; freelist lock', 17, [8, 9, 17], 'rmw', 'kernel', 4),
  a('load', 'ldr x5, [x8, #8]', 5, [8], 'load', 'kernel', 8),
  a('store', 'str x5, [x4]', undefined, [4, 5], 'store', 'kernel', 8),
  a('store', 'str x4, [x8, #8]', undefined, [8, 4], 'store', 'kernel', 8),
  a('store', 'stlrh wzr, [x8]  ; freelist unlock', undefined, [8], 'store', 'kernel', 2),
  ...unlockA64(),
  a('mov-imm', 'mov w0, #0', 0),
  aret(),
];

/**
 * bpf_ringbuf_output() → __bpf_ringbuf_reserve() (lock, positions, header, release
 * producer_pos), memcpy, bpf_ringbuf_commit() (xchg of the header, consumer_pos check).
 * The copy is costed as 16 bytes whatever `size` is.
 */
// On x86-64 __bpf_ringbuf_reserve() stays out of line (the calibration host's
// /proc/kallsyms lists `t __bpf_ringbuf_reserve`, Linux 6.18.44) and the record copy is
// memcpy() with a run-time size, a call (arch/x86/lib/memcpy_64.S, with FSRM `rep
// movsb`): two more returns, each through the CPU's return thunk.
const RINGBUF_OUTPUT_X86: MachineOp[] = [
  fentryNop(),
  k('alu', 'test rcx, -4  ; flags & ~(BPF_RB_NO_WAKEUP | BPF_RB_FORCE_WAKEUP)', R.flags, [R.rcx]),
  k('branch-cond', 'jne .Leinval', undefined, [R.flags]),
  k('load', 'mov r10, qword ptr [rdi + 0x100]  ; rb', R.r10, [R.rdi], 'load', 'kernel', 8),
  k('call-direct', 'call __bpf_ringbuf_reserve', R.rax, [R.rsp], 'store', 'stack', 8),
  fentryNop(),
  k('atomic-rmw', 'lock cmpxchg dword ptr [r10 + 0x40], edx  ; raw_spin_lock(&rb->spinlock)', R.rax, [R.r10, R.rdx], 'rmw', 'kernel', 4),
  k('load', 'mov r8, qword ptr [r10 + 0x1000]  ; smp_load_acquire(consumer_pos)', R.r8, [R.r10], 'load', 'kernel', 8),
  k('load', 'mov r9, qword ptr [r10 + 0x2000]  ; producer_pos', R.r9, [R.r10], 'load', 'kernel', 8),
  k('lea', 'lea r11, [r9 + rdx + 15]  ; new_prod_pos', R.r11, [R.r9, R.rdx]),
  k('alu', 'sub r11, r8', R.r11, [R.r11, R.r8]),
  k('alu', 'cmp r11, qword ptr [r10 + 0x48]  ; > rb->mask', R.flags, [R.r11, R.r10]),
  k('branch-cond', 'ja .Lfull', undefined, [R.flags]),
  k('store', 'mov qword ptr [r10 + r9 + 0x3000], rax  ; hdr->len | BUSY, pg_off', undefined, [R.r10, R.r9, R.rax], 'store', 'kernel', 8),
  k('store', 'mov qword ptr [r10 + 0x2000], r11  ; smp_store_release(producer_pos)', undefined, [R.r10, R.r11], 'store', 'kernel', 8),
  k('store', 'mov byte ptr [r10 + 0x40], 0  ; raw_spin_unlock', undefined, [R.r10], 'store', 'kernel', 1),
  kret(),
  k('call-direct', 'call memcpy', R.rax, [R.rsp], 'store', 'stack', 8),
  k('mov-reg', 'mov rax, rdi', R.rax, [R.rdi]),
  k('mov-reg', 'mov rcx, rdx', R.rcx, [R.rdx]),
  ...[0, 8].flatMap((o) => [
    k('load', `rep movsb  ; bytes ${o}-${o + 7}: the load`, R.r8, [R.rsi, R.rcx], 'load', 'insn', 8),
    k('store', 'rep movsb  ; the store', undefined, [R.r10, R.r9, R.r8], 'store', 'kernel', 8),
  ]),
  kret(),
  k('atomic-rmw', 'xchg dword ptr [r10 + r9 + 0x3000], edx  ; commit: clear BUSY', R.rdx, [R.r10, R.r9, R.rdx], 'rmw', 'kernel', 4),
  k('load', 'mov r8, qword ptr [r10 + 0x1000]  ; consumer_pos', R.r8, [R.r10], 'load', 'kernel', 8),
  k('alu', 'cmp r8, r9', R.flags, [R.r8, R.r9]),
  k('branch-cond', 'je .Lwakeup', undefined, [R.flags]),
  k('alu', 'xor eax, eax', R.rax),
  kret(),
];

const RINGBUF_OUTPUT_A64: MachineOp[] = [
  ...patchableEntry(),
  a('branch-cond', 'tst x3, #~3; b.ne .Leinval', undefined, [3]),
  a('load', 'ldr x10, [x0, #0x100]  ; rb', 10, [0], 'load', 'kernel', 8),
  a('atomic-rmw', 'casa w17, w9, [x10, #0x40]  ; raw_spin_lock(&rb->spinlock)', 17, [10, 9, 17], 'rmw', 'kernel', 4),
  a('load', 'ldar x8, [x11]  ; smp_load_acquire(consumer_pos)', 8, [11], 'load', 'kernel', 8),
  a('load', 'ldr x12, [x13]  ; producer_pos', 12, [13], 'load', 'kernel', 8),
  a('alu', 'add x14, x12, x2', 14, [12, 2]),
  a('alu', 'sub x15, x14, x8', 15, [14, 8]),
  acmp('cmp x15, x16  ; > rb->mask', [15, 16]),
  abcond('b.hi .Lfull'),
  a('store', 'str x9, [x10, x12]  ; hdr->len | BUSY, pg_off', undefined, [10, 12, 9], 'store', 'kernel', 8),
  a('store', 'stlr x14, [x13]  ; smp_store_release(producer_pos)', undefined, [13, 14], 'store', 'kernel', 8),
  a('store', 'stlrh wzr, [x10, #0x40]  ; raw_spin_unlock', undefined, [10], 'store', 'kernel', 2),
  a('load', 'ldp x4, x5, [x1]  ; memcpy', 4, [1], 'load', 'insn', 16),
  a('store', 'stp x4, x5, [x10, #8]', undefined, [10, 4, 5], 'store', 'kernel', 16),
  a('atomic-rmw', 'swpal w2, w2, [x10]  ; commit: clear BUSY', 2, [10, 2], 'rmw', 'kernel', 4),
  a('load', 'ldar x8, [x11]  ; consumer_pos', 8, [11], 'load', 'kernel', 8),
  acmp('cmp x8, x12', [8, 12]),
  abcond('b.eq .Lwakeup'),
  a('mov-imm', 'mov w0, #0', 0),
  aret(),
];

/**
 * bpf_ringbuf_reserve(): the same __bpf_ringbuf_reserve() as bpf_ringbuf_output (lock,
 * positions, header, release producer_pos), then the record's data address.
 */
const RINGBUF_RESERVE_X86: MachineOp[] = [
  fentryNop(),
  k('alu', 'test rdx, rdx  ; flags', R.flags, [R.rdx]),
  k('branch-cond', 'jne .Lnull', undefined, [R.flags]),
  ...RINGBUF_OUTPUT_X86.slice(3, 17),
  k('lea', 'lea rax, [r10 + r9 + 0x3008]  ; the record\'s data', R.rax, [R.r10, R.r9]),
  kret(),
];

const RINGBUF_RESERVE_A64: MachineOp[] = [
  ...patchableEntry(),
  a('branch-cond', 'cbnz x2, .Lnull', undefined, [2]),
  ...RINGBUF_OUTPUT_A64.filter((op) => !op.text.startsWith('tst ')).slice(patchableEntry().length, patchableEntry().length + 11),
  a('alu', 'add x0, x10, x12  ; the record\'s data', 0, [10, 12]),
  aret(),
];

/**
 * bpf_ringbuf_submit() and bpf_ringbuf_discard() → bpf_ringbuf_commit(): the header from
 * the data pointer, the ring from its pg_off, xchg of the header (BUSY cleared, DISCARD
 * set for a discard), and the consumer_pos check that decides the wake-up.
 */
const RINGBUF_COMMIT_X86: MachineOp[] = [
  fentryNop(),
  k('load', 'mov eax, dword ptr [rdi - 4]  ; hdr->pg_off', R.rax, [R.rdi], 'load', 'kernel', 4),
  k('alu', 'shl rax, 12', R.rax, [R.rax]),
  k('mov-reg', 'mov r10, rdi', R.r10, [R.rdi]),
  k('alu', 'sub r10, rax  ; rb', R.r10, [R.r10, R.rax]),
  k('load', 'mov edx, dword ptr [rdi - 8]  ; hdr->len', R.rdx, [R.rdi], 'load', 'kernel', 4),
  k('alu', 'and edx, 0x3fffffff  ; clear BUSY (and set DISCARD for a discard)', R.rdx, [R.rdx]),
  k('atomic-rmw', 'xchg dword ptr [rdi - 8], edx  ; commit', R.rdx, [R.rdi, R.rdx], 'rmw', 'kernel', 4),
  k('load', 'mov r8, qword ptr [r10 + 0x1000]  ; consumer_pos', R.r8, [R.r10], 'load', 'kernel', 8),
  k('alu', 'cmp r8, rdi', R.flags, [R.r8, R.rdi]),
  k('branch-cond', 'je .Lwakeup', undefined, [R.flags]),
  kret(),
];

const RINGBUF_COMMIT_A64: MachineOp[] = [
  ...patchableEntry(),
  a('load', 'ldur w8, [x0, #-4]  ; hdr->pg_off', 8, [0], 'load', 'kernel', 4),
  a('alu', 'sub x10, x0, x8, lsl #12  ; rb', 10, [0, 8]),
  a('load', 'ldur w2, [x0, #-8]  ; hdr->len', 2, [0], 'load', 'kernel', 4),
  a('alu', 'and w2, w2, #0x3fffffff  ; clear BUSY (and set DISCARD for a discard)', 2, [2]),
  a('atomic-rmw', 'swpal w2, w2, [x0, #-8]  ; commit', 2, [0, 2], 'rmw', 'kernel', 4),
  a('load', 'ldar x8, [x11]  ; consumer_pos', 8, [11], 'load', 'kernel', 8),
  acmp('cmp x8, x0', [8, 0]),
  abcond('b.eq .Lwakeup'),
  aret(),
];

const ARRAY_DELETE_X86 = [fentryNop(), k('mov-imm', 'mov eax, -22  ; -EINVAL', R.rax), kret()];
const ARRAY_DELETE_A64 = [...patchableEntry(), a('mov-imm', 'mov w0, #-22  ; -EINVAL', 0), aret()];

export const MAP_HELPER_COSTS: readonly HelperCost[] = [
  {
    name: 'bpf_map_lookup_elem (percpu_array)', id: BPF_FUNC.map_lookup_elem, kind: 'helper',
    inlineX86: { bpf: PERCPU_ARRAY_GEN_LOOKUP, source: 'kernel/bpf/arraymap.c percpu_array_map_gen_lookup() (v6.10), applied by do_misc_fixups() when bpf_jit_supports_percpu_insn()' },
    inlineArm64: { bpf: PERCPU_ARRAY_GEN_LOOKUP, source: 'the same rewrite: the arm64 JIT supports BPF_MOV64_PERCPU_REG (bpf_jit_supports_percpu_insn() returns true)' },
    source: 'kernel/bpf/arraymap.c percpu_array_map_gen_lookup()',
  },
  {
    name: 'bpf_map_update_elem (hash)', id: BPF_FUNC.map_update_elem, kind: 'helper',
    body: HASH_UPDATE_X86, bodyArm64: HASH_UPDATE_A64, unmeasured: IRQ,
    source: 'kernel/bpf/hashtab.c htab_map_update_elem() (new key; htab_lru_map_update_elem() takes the same shape via the LRU list), htab_lock_bucket(), alloc_htab_elem(), kernel/bpf/percpu_freelist.c __pcpu_freelist_pop()',
  },
  {
    name: 'bpf_map_delete_elem (array)', id: BPF_FUNC.map_delete_elem, kind: 'helper',
    body: ARRAY_DELETE_X86, bodyArm64: ARRAY_DELETE_A64,
    source: 'kernel/bpf/arraymap.c array_map_delete_elem(): return -EINVAL',
  },
  {
    name: 'bpf_map_delete_elem (hash)', id: BPF_FUNC.map_delete_elem, kind: 'helper',
    body: HASH_DELETE_X86, bodyArm64: HASH_DELETE_A64, unmeasured: IRQ,
    source: 'kernel/bpf/hashtab.c htab_map_delete_elem(), hlist_nulls_del_rcu(), free_htab_elem() → __pcpu_freelist_push()',
  },
  {
    name: 'bpf_ringbuf_output', id: BPF_FUNC.ringbuf_output, kind: 'helper',
    body: RINGBUF_OUTPUT_X86, bodyArm64: RINGBUF_OUTPUT_A64,
    unmeasured: `${IRQ}; the record copy is costed as 16 bytes whatever its size`,
    source: 'kernel/bpf/ringbuf.c bpf_ringbuf_output() → __bpf_ringbuf_reserve(), bpf_ringbuf_commit()',
  },
  {
    name: 'bpf_ringbuf_reserve', id: BPF_FUNC.ringbuf_reserve, kind: 'helper',
    body: RINGBUF_RESERVE_X86, bodyArm64: RINGBUF_RESERVE_A64, unmeasured: IRQ,
    source: 'kernel/bpf/ringbuf.c bpf_ringbuf_reserve() → __bpf_ringbuf_reserve()',
  },
  {
    name: 'bpf_ringbuf_submit', id: BPF_FUNC.ringbuf_submit, kind: 'helper',
    body: RINGBUF_COMMIT_X86, bodyArm64: RINGBUF_COMMIT_A64,
    unmeasured: 'the consumer wake-up (irq_work_queue()) when the consumer has caught up is not priced',
    source: 'kernel/bpf/ringbuf.c bpf_ringbuf_submit() → bpf_ringbuf_commit(sample, flags, false)',
  },
  {
    name: 'bpf_ringbuf_discard', id: BPF_FUNC.ringbuf_discard, kind: 'helper',
    body: RINGBUF_COMMIT_X86, bodyArm64: RINGBUF_COMMIT_A64,
    unmeasured: 'the consumer wake-up (irq_work_queue()) when the consumer has caught up is not priced',
    source: 'kernel/bpf/ringbuf.c bpf_ringbuf_discard() → bpf_ringbuf_commit(sample, flags, true): the same path, the DISCARD bit set',
  },
  ...MAP_TYPE_COSTS,
];
