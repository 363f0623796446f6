// Cost entries for the map types beyond array, hash, ringbuf and prog_array: the per-CPU
// and LRU hash variants, the LPM trie, map-in-map, the XDP redirect maps (devmap,
// devmap_hash, cpumap, xskmap), perf_event_array, queue/stack, and bpf_for_each_map_elem.
// Same shapes and conventions as map-helper-costs.ts (Linux v6.x before the resilient
// queued spinlock, 4-byte keys, 8-byte values unless the type fixes them). Each entry
// follows the code path the kernel takes for the call:
//   - the verifier's map_gen_lookup rewrite where the map has one (do_misc_fixups());
//   - otherwise, for map helpers, a direct call of the map's op: do_misc_fixups()
//     replaces bpf_map_lookup/update/delete/push/pop/peek_elem and bpf_redirect_map with
//     BPF_CALL_IMM(ops->map_...) when the program is JITed (patch_map_ops_generic), so
//     the helper wrapper is skipped and the body starts at the map's function.
// Where a path's length depends on the data (trie depth, callbacks, buckets walked), the
// shape assumed is stated in the entry and in `unmeasured`.

import type { BpfSeqInsn, HelperCost } from './helper-cost-types.ts';
import { BPF_FUNC, HTAB_LOOKUP_CALL } from './helper-ids.ts';
import { hashLookup } from './htab-lookup-body.ts';
import { A64_HASH_LOOKUP } from './arm64-helper-bodies.ts';
import { a, abcond, acmp, aret, bl, frameSetup, frameTeardown, mrsCurrent, mrsPercpu, patchableEntry } from './kernel-ops-arm64.ts';
import { fentryNop, k, kret, loadCurrent } from './kernel-ops-x86.ts';
import { X86_REG, type MachineOp } from './op-class.ts';

const R = X86_REG;
const IRQ = 'interrupt disable/enable around the lock (pushf; cli … popf on x86, mrs daif; msr daifset … msr daif on arm64) has no op class and is not costed';
const REP_MOVSB = 'rep movsb (the memcpy of the value) has no op class and is charged as one load and one store';

/** offsetof(struct htab_elem, key) + round_up(4, 8): the value of a 4-byte-key element. */
const HTAB_VALUE = 56;
/** offsetof(struct htab_elem, lru_node) + offsetof(struct bpf_lru_node, ref). */
const LRU_REF = 35;

// ---- hash-table look-ups that call __htab_map_lookup_elem -------------------------------

/** htab_percpu_map_gen_lookup() (kernel/bpf/hashtab.c, v6.10). */
const HTAB_PERCPU_GEN_LOOKUP: BpfSeqInsn[] = [
  ['call', 'helper', 0, 0, 0, HTAB_LOOKUP_CALL], // BPF_EMIT_CALL(__htab_map_lookup_elem)
  ['jeq', 'dst,imm,off', 0, 0, 3, 0],
  ['add', 'dst,imm', 0, 0, 0, HTAB_VALUE], // r0 += offsetof(key) + round_up(key_size, 8): the pptr slot
  ['ldxdw', 'load', 0, 0, 0, 0], // r0 = htab_elem_get_ptr(l)
  ['movpcpu', 'dst,src', 0, 0, -1, 0], // r0 = this_cpu_ptr(r0)
];

/** htab_lru_map_gen_lookup(): set the element's LRU reference bit if clear. */
const HTAB_LRU_GEN_LOOKUP: BpfSeqInsn[] = [
  ['call', 'helper', 0, 0, 0, HTAB_LOOKUP_CALL],
  ['jeq', 'dst,imm,off', 0, 0, 4, 0],
  ['ldxb', 'load', 1, 0, LRU_REF, 0], // r1 = l->lru_node.ref
  ['jne', 'dst,imm,off', 1, 0, 1, 0],
  ['stb', 'store-imm', 0, 0, LRU_REF, 1], // l->lru_node.ref = 1
  ['add', 'dst,imm', 0, 0, 0, HTAB_VALUE],
];

/** htab_of_map_gen_lookup(): the element's value is the inner map pointer. */
const HTAB_OF_MAP_GEN_LOOKUP: BpfSeqInsn[] = [
  ['call', 'helper', 0, 0, 0, HTAB_LOOKUP_CALL],
  ['jeq', 'dst,imm,off', 0, 0, 2, 0],
  ['add', 'dst,imm', 0, 0, 0, HTAB_VALUE],
  ['ldxdw', 'load', 0, 0, 0, 0], // r0 = *(struct bpf_map **)value
];

/** array_of_map_gen_lookup() (kernel/bpf/arraymap.c), privileged (no index_mask): the
 * slot holds the inner map pointer; elem_size 8. */
const ARRAY_OF_MAP_GEN_LOOKUP: BpfSeqInsn[] = [
  ['add', 'dst,imm', 1, 0, 0, 0x110], // r1 += offsetof(struct bpf_array, value)
  ['ldxw', 'load', 0, 2, 0, 0], // r0 = *(u32 *)key
  ['jge', 'dst,imm,off', 0, 0, 5, 256], // if r0 >= max_entries goto null
  ['lsh', 'dst,imm', 0, 0, 0, 3],
  ['add', 'dst,src', 0, 1, 0, 0],
  ['ldxdw', 'load', 0, 0, 0, 0], // r0 = inner map pointer
  ['jeq', 'dst,imm,off', 0, 0, 1, 0],
  ['ja', 'off', 0, 0, 1, 0],
  ['mov', 'dst,imm', 0, 0, 0, 0],
];

/** xsk_map_gen_lookup() (net/xdp/xskmap.c): the slot holds the socket pointer. */
const XSK_MAP_GEN_LOOKUP: BpfSeqInsn[] = [
  ['ldxw', 'load', 0, 2, 0, 0],
  ['jge', 'dst,imm,off', 0, 0, 5, 256],
  ['lsh', 'dst,imm', 0, 0, 0, 3],
  ['add', 'dst,imm', 1, 0, 0, 0x110], // r1 += offsetof(struct xsk_map, xsk_map)
  ['add', 'dst,src', 0, 1, 0, 0],
  ['ldxdw', 'load', 0, 0, 0, 0],
  ['ja', 'off', 0, 0, 1, 0],
  ['mov', 'dst,imm', 0, 0, 0, 0],
];

/** htab_lru_percpu_map_lookup_elem(): no map_gen_lookup, so a direct call of the op. */
const LRU_PERCPU_LOOKUP_X86: MachineOp[] = [
  fentryNop(),
  k('call-direct', 'call __htab_map_lookup_elem', R.rax, [R.rsp], 'store', 'stack', 8),
  ...hashLookup,
  k('alu', 'test rax, rax', R.flags, [R.rax]),
  k('branch-cond', 'je .Lnull', undefined, [R.flags]),
  k('load', `movzx ecx, byte ptr [rax + ${LRU_REF}]  ; bpf_lru_node_set_ref(): l->lru_node.ref`, R.rcx, [R.rax], 'load', 'kernel', 1),
  k('alu', 'test ecx, ecx', R.flags, [R.rcx]),
  k('branch-cond', 'jne .Lref', undefined, [R.flags]),
  k('load', `mov rax, qword ptr [rax + ${HTAB_VALUE}]  ; htab_elem_get_ptr()`, R.rax, [R.rax], 'load', 'kernel', 8),
  k('gs-load', 'add rax, qword ptr gs:[this_cpu_off]  ; this_cpu_ptr()', R.rax, [R.rax], 'load', 'percpu-offset', 8),
  kret(),
];
const LRU_PERCPU_LOOKUP_A64: MachineOp[] = [
  ...patchableEntry(),
  ...frameSetup(),
  bl('__htab_map_lookup_elem'),
  ...A64_HASH_LOOKUP,
  a('branch-cond', 'cbz x0, .Lnull', undefined, [0]),
  a('load', `ldrb w8, [x0, #${LRU_REF}]  ; l->lru_node.ref`, 8, [0], 'load', 'kernel', 1),
  a('branch-cond', 'cbnz w8, .Lref', undefined, [8]),
  a('load', `ldr x0, [x0, #${HTAB_VALUE}]  ; htab_elem_get_ptr()`, 0, [0], 'load', 'kernel', 8),
  mrsPercpu(9),
  a('alu', 'add x0, x0, x9  ; this_cpu_ptr()', 0, [0, 9]),
  frameTeardown(),
  aret(),
];

// ---- LPM trie ----------------------------------------------------------------------------

/** One node of a trie walk: longest_prefix_match() on a 4-byte key (the be32 step, with
 * CONFIG_HAVE_EFFICIENT_UNALIGNED_ACCESS), then extract_bit() and the child load. */
function trieNodeX86(i: number): MachineOp[] {
  return [
    k('load', `mov ecx, dword ptr [r8 + 0x20]  ; node ${i}: node->prefixlen`, R.rcx, [R.r8], 'load', 'kernel', 4),
    k('alu', 'cmp ecx, r9d  ; min(node->prefixlen, key->prefixlen)', R.flags, [R.rcx, R.r9]),
    k('cmov', 'cmova ecx, r9d', R.rcx, [R.rcx, R.r9, R.flags]),
    k('load', 'mov eax, dword ptr [r8 + 0x28]  ; node->data', R.rax, [R.r8], 'load', 'kernel', 4),
    k('load-alu', 'xor eax, dword ptr [rsi + 4]  ; ^ key->data', R.rax, [R.rax, R.rsi], 'load', 'insn', 4),
    k('bswap', 'bswap eax  ; be32_to_cpu', R.rax, [R.rax]),
    k('alu', 'lzcnt edx, eax  ; 32 - fls(diff)', R.rdx, [R.rax]),
    k('alu', 'cmp edx, ecx', R.flags, [R.rdx, R.rcx]),
    k('cmov', 'cmovae edx, ecx  ; matchlen', R.rdx, [R.rdx, R.rcx, R.flags]),
    k('alu', 'cmp edx, dword ptr [r8 + 0x20]  ; matchlen < node->prefixlen', R.flags, [R.rdx, R.r8]),
    k('branch-cond', 'jb .Ldone', undefined, [R.flags]),
    k('load', 'test byte ptr [r8 + 0x24], 1  ; LPM_TREE_NODE_FLAG_IM', R.flags, [R.r8], 'load', 'kernel', 1),
    k('cmov', 'cmove r10, r8  ; found = node', R.r10, [R.r10, R.r8, R.flags]),
    k('alu', 'bt dword ptr [rsi + 4], ecx  ; extract_bit(key->data, node->prefixlen)', R.flags, [R.rsi, R.rcx]),
    k('alu', 'setc al', R.rax, [R.flags]),
    k('load', 'mov r8, qword ptr [r8 + rax*8 + 0x10]  ; node->child[next_bit]', R.r8, [R.r8, R.rax], 'load', 'kernel', 8),
    k('alu', 'test r8, r8', R.flags, [R.r8]),
    k('branch-cond', 'jne .Lwalk', undefined, [R.flags]),
  ];
}
function trieNodeA64(i: number): MachineOp[] {
  return [
    a('load', `ldr w9, [x8, #0x20]  ; node ${i}: node->prefixlen`, 9, [8], 'load', 'kernel', 4),
    acmp('cmp w9, w10', [9, 10]),
    a('cmov', 'csel w9, w9, w10, ls  ; min(node, key prefixlen)', 9, [9, 10]),
    a('load', 'ldr w11, [x8, #0x28]  ; node->data', 11, [8], 'load', 'kernel', 4),
    a('load', 'ldr w12, [x1, #4]  ; key->data', 12, [1], 'load', 'insn', 4),
    a('alu', 'eor w11, w11, w12', 11, [11, 12]),
    a('bswap', 'rev w11, w11  ; be32_to_cpu', 11, [11]),
    a('alu', 'clz w13, w11  ; 32 - fls(diff)', 13, [11]),
    acmp('cmp w13, w9', [13, 9]),
    a('cmov', 'csel w13, w13, w9, lo  ; matchlen', 13, [13, 9]),
    a('load', 'ldr w14, [x8, #0x20]', 14, [8], 'load', 'kernel', 4),
    acmp('cmp w13, w14  ; matchlen < node->prefixlen', [13, 14]),
    abcond('b.lo .Ldone'),
    a('load', 'ldr w15, [x8, #0x24]  ; node->flags', 15, [8], 'load', 'kernel', 4),
    a('cmov', 'tst w15, #1; csel x16, x8, x16, eq  ; found = node', 16, [15, 8, 16]),
    a('shift', 'lsr w17, w12, w9  ; extract_bit()', 17, [12, 9]),
    a('alu', 'and w17, w17, #1', 17, [17]),
    a('alu', 'add x17, x8, x17, lsl #3', 17, [8, 17]),
    a('load', 'ldr x8, [x17, #0x10]  ; node->child[next_bit]', 8, [17], 'load', 'kernel', 8),
    a('branch-cond', 'cbnz x8, .Lwalk', undefined, [8]),
  ];
}

/** trie_lookup_elem() of a 4-byte (IPv4) key; the walk visits two nodes (a /24 under a
 * /16) before a NULL child ends it. */
const TRIE_LOOKUP_X86: MachineOp[] = [
  fentryNop(),
  k('load', 'mov r9d, dword ptr [rsi]  ; key->prefixlen', R.r9, [R.rsi], 'load', 'insn', 4),
  k('alu', 'cmp r9, qword ptr [rdi + 0x108]  ; > trie->max_prefixlen', R.flags, [R.r9, R.rdi]),
  k('branch-cond', 'ja .Lnull', undefined, [R.flags]),
  k('load', 'mov r8, qword ptr [rdi + 0xf8]  ; trie->root', R.r8, [R.rdi], 'load', 'kernel', 8),
  k('alu', 'xor r10d, r10d  ; found = NULL', R.r10),
  ...trieNodeX86(1),
  ...trieNodeX86(2),
  k('alu', 'test r10, r10', R.flags, [R.r10]),
  k('branch-cond', 'je .Lnull', undefined, [R.flags]),
  k('load', 'mov rax, qword ptr [rdi + 0x110]  ; trie->data_size', R.rax, [R.rdi], 'load', 'kernel', 8),
  k('lea', 'lea rax, [r10 + rax + 0x28]  ; found->data + data_size', R.rax, [R.r10, R.rax]),
  kret(),
];
const TRIE_LOOKUP_A64: MachineOp[] = [
  ...patchableEntry(),
  a('load', 'ldr w10, [x1]  ; key->prefixlen', 10, [1], 'load', 'insn', 4),
  a('load', 'ldr x11, [x0, #0x108]  ; trie->max_prefixlen', 11, [0], 'load', 'kernel', 8),
  acmp('cmp x10, x11', [10, 11]),
  abcond('b.hi .Lnull'),
  a('load', 'ldr x8, [x0, #0xf8]  ; trie->root', 8, [0], 'load', 'kernel', 8),
  a('mov-imm', 'mov x16, #0  ; found = NULL', 16),
  ...trieNodeA64(1),
  ...trieNodeA64(2),
  a('branch-cond', 'cbz x16, .Lnull', undefined, [16]),
  a('load', 'ldr x9, [x0, #0x110]  ; trie->data_size', 9, [0], 'load', 'kernel', 8),
  a('alu', 'add x0, x16, x9', 0, [16, 9]),
  a('alu', 'add x0, x0, #0x28', 0, [0]),
  aret(),
];

/** bpf_mem_cache_alloc()/free() fast path (kernel/bpf/memalloc.c unit_alloc/unit_free):
 * this CPU's cache, its free list head under local_irq_save (not costed: IRQ). */
const memCacheX86 = (what: 'alloc' | 'free'): MachineOp[] => [
  k('call-direct', `call bpf_mem_cache_${what}`, R.rax, [R.rsp], 'store', 'stack', 8),
  fentryNop(),
  k('gs-load', 'add rbx, qword ptr gs:[this_cpu_off]  ; this_cpu_ptr(ma->cache)', R.rbx, [R.rbx], 'load', 'percpu-offset', 8),
  k('gs-load', 'inc dword ptr gs:[rbx + 0x40]  ; local_inc_return(&c->active)', R.r11, [R.rbx], 'load', 'percpu-offset', 4),
  k('load', 'mov rax, qword ptr [rbx]  ; c->free_llist.first', R.rax, [R.rbx], 'load', 'kernel', 8),
  ...(what === 'alloc'
    ? [k('load', 'mov rcx, qword ptr [rax]  ; ->next', R.rcx, [R.rax], 'load', 'kernel', 8), k('store', 'mov qword ptr [rbx], rcx  ; __llist_del_first()', undefined, [R.rbx, R.rcx], 'store', 'kernel', 8)]
    : [k('store', 'mov qword ptr [rdi], rax  ; __llist_add(): node->next', undefined, [R.rdi, R.rax], 'store', 'kernel', 8), k('store', 'mov qword ptr [rbx], rdi', undefined, [R.rbx, R.rdi], 'store', 'kernel', 8)]),
  k('load', 'mov ecx, dword ptr [rbx + 0x48]  ; c->free_cnt', R.rcx, [R.rbx], 'load', 'kernel', 4),
  k('alu', what === 'alloc' ? 'dec ecx' : 'inc ecx', R.rcx, [R.rcx]),
  k('store', 'mov dword ptr [rbx + 0x48], ecx', undefined, [R.rbx, R.rcx], 'store', 'kernel', 4),
  k('gs-load', 'dec dword ptr gs:[rbx + 0x40]  ; local_dec(&c->active)', R.r11, [R.rbx], 'load', 'percpu-offset', 4),
  k('alu', 'cmp ecx, dword ptr [rbx + 0x4c]  ; low/high watermark', R.flags, [R.rcx, R.rbx]),
  k('branch-cond', 'jl .Lirq_work', undefined, [R.flags]),
  kret(),
];
const memCacheA64 = (what: 'alloc' | 'free'): MachineOp[] => [
  bl(`bpf_mem_cache_${what}`),
  ...patchableEntry(),
  mrsPercpu(9),
  a('alu', 'add x9, x9, x19  ; this_cpu_ptr(ma->cache)', 9, [9, 19]),
  a('load', 'ldr x10, [x9]  ; c->free_llist.first', 10, [9], 'load', 'kernel', 8),
  ...(what === 'alloc'
    ? [a('load', 'ldr x11, [x10]  ; ->next', 11, [10], 'load', 'kernel', 8), a('store', 'str x11, [x9]', undefined, [9, 11], 'store', 'kernel', 8)]
    : [a('store', 'str x10, [x0]  ; node->next', undefined, [0, 10], 'store', 'kernel', 8), a('store', 'str x0, [x9]', undefined, [9, 0], 'store', 'kernel', 8)]),
  a('load', 'ldr w12, [x9, #0x48]  ; c->free_cnt', 12, [9], 'load', 'kernel', 4),
  a('alu', what === 'alloc' ? 'sub w12, w12, #1' : 'add w12, w12, #1', 12, [12]),
  a('store', 'str w12, [x9, #0x48]', undefined, [9, 12], 'store', 'kernel', 4),
  a('load', 'ldr w13, [x9, #0x4c]  ; watermark', 13, [9], 'load', 'kernel', 4),
  acmp('cmp w12, w13', [12, 13]),
  abcond('b.lt .Lirq_work'),
  aret(),
];

/** spin_lock_irqsave(&trie->lock)'s fast path and its unlock. */
const trieLockX86 = (): MachineOp[] => [k('atomic-rmw', 'lock cmpxchg dword ptr [rdi + 0x118], edx  ; spin_lock(&trie->lock)', R.rax, [R.rdi, R.rdx], 'rmw', 'kernel', 4), k('branch-cond', 'jne .Lslowpath', undefined, [R.flags])];
const trieUnlockX86 = (): MachineOp => k('store', 'mov byte ptr [rdi + 0x118], 0  ; spin_unlock', undefined, [R.rdi], 'store', 'kernel', 1);
const trieLockA64 = (): MachineOp[] => [a('atomic-rmw', 'casa w17, w9, [x0]  ; spin_lock(&trie->lock)', 17, [0, 9, 17], 'rmw', 'kernel', 4), a('branch-cond', 'cbnz w17, .Lslowpath', undefined, [17])];
const trieUnlockA64 = (): MachineOp => a('store', 'stlrh wzr, [x0]  ; spin_unlock', undefined, [0], 'store', 'kernel', 2);

/** trie_update_elem() of a new /24 under an existing /16: lock, capacity check, node
 * allocation, value and key copies, a two-node walk, link into the empty child slot. */
const TRIE_UPDATE_X86: MachineOp[] = [
  fentryNop(),
  k('alu', 'cmp rcx, 2  ; flags > BPF_EXIST', R.flags, [R.rcx]),
  k('branch-cond', 'ja .Leinval', undefined, [R.flags]),
  k('load', 'mov r9d, dword ptr [rsi]  ; key->prefixlen', R.r9, [R.rsi], 'load', 'insn', 4),
  k('alu', 'cmp r9, qword ptr [rdi + 0x108]', R.flags, [R.r9, R.rdi]),
  k('branch-cond', 'ja .Leinval', undefined, [R.flags]),
  ...trieLockX86(),
  k('load', 'mov rax, qword ptr [rdi + 0x100]  ; trie->n_entries', R.rax, [R.rdi], 'load', 'kernel', 8),
  k('alu', 'cmp eax, dword ptr [rdi + 0x24]  ; == max_entries', R.flags, [R.rax, R.rdi]),
  k('branch-cond', 'je .Lenospc', undefined, [R.flags]),
  ...memCacheX86('alloc'),
  k('load', 'mov rdx, qword ptr [r12]  ; memcpy(node->data + data_size, value, 8)', R.rdx, [R.r12], 'load', 'insn', 8),
  k('store', 'mov qword ptr [rax + 0x2c], rdx', undefined, [R.rax, R.rdx], 'store', 'kernel', 8),
  k('store', 'mov dword ptr [rax + 0x20], r9d  ; new_node->prefixlen', undefined, [R.rax, R.r9], 'store', 'kernel', 4),
  k('store', 'mov qword ptr [rax + 0x10], 0  ; child[0]', undefined, [R.rax], 'store', 'kernel', 8),
  k('store', 'mov qword ptr [rax + 0x18], 0  ; child[1]', undefined, [R.rax], 'store', 'kernel', 8),
  k('load', 'mov edx, dword ptr [rsi + 4]  ; memcpy(new_node->data, key->data, 4)', R.rdx, [R.rsi], 'load', 'insn', 4),
  k('store', 'mov dword ptr [rax + 0x28], edx', undefined, [R.rax, R.rdx], 'store', 'kernel', 4),
  k('load', 'mov r8, qword ptr [rdi + 0xf8]  ; slot = &trie->root', R.r8, [R.rdi], 'load', 'kernel', 8),
  ...trieNodeX86(1),
  k('store', 'mov qword ptr [r8 + rax*8 + 0x10], r11  ; rcu_assign_pointer(*slot, new_node)', undefined, [R.r8, R.rax, R.r11], 'store', 'kernel', 8),
  k('load', 'inc qword ptr [rdi + 0x100]  ; trie->n_entries++', R.rax, [R.rdi], 'load', 'kernel', 8),
  k('store', 'inc qword ptr [rdi + 0x100]', undefined, [R.rdi, R.rax], 'store', 'kernel', 8),
  trieUnlockX86(),
  k('alu', 'xor eax, eax', R.rax),
  kret(),
];
const TRIE_UPDATE_A64: MachineOp[] = [
  ...patchableEntry(),
  ...frameSetup(),
  acmp('cmp x3, #2  ; flags > BPF_EXIST', [3]),
  abcond('b.hi .Leinval'),
  a('load', 'ldr w10, [x1]  ; key->prefixlen', 10, [1], 'load', 'insn', 4),
  a('load', 'ldr x11, [x0, #0x108]', 11, [0], 'load', 'kernel', 8),
  acmp('cmp x10, x11', [10, 11]),
  abcond('b.hi .Leinval'),
  ...trieLockA64(),
  a('load', 'ldr x12, [x0, #0x100]  ; trie->n_entries', 12, [0], 'load', 'kernel', 8),
  a('load', 'ldr w13, [x0, #0x24]  ; max_entries', 13, [0], 'load', 'kernel', 4),
  acmp('cmp x12, x13', [12, 13]),
  abcond('b.eq .Lenospc'),
  ...memCacheA64('alloc'),
  a('load', 'ldr x14, [x2]  ; memcpy(value)', 14, [2], 'load', 'insn', 8),
  a('store', 'str x14, [x11, #0x2c]', undefined, [11, 14], 'store', 'kernel', 8),
  a('store', 'str w10, [x11, #0x20]  ; prefixlen', undefined, [11, 10], 'store', 'kernel', 4),
  a('store', 'stp xzr, xzr, [x11, #0x10]  ; children', undefined, [11], 'store', 'kernel', 16),
  a('load', 'ldr w15, [x1, #4]  ; key->data', 15, [1], 'load', 'insn', 4),
  a('store', 'str w15, [x11, #0x28]', undefined, [11, 15], 'store', 'kernel', 4),
  a('load', 'ldr x8, [x0, #0xf8]  ; trie->root', 8, [0], 'load', 'kernel', 8),
  ...trieNodeA64(1),
  a('store', 'stlr x11, [x17, #0x10]  ; rcu_assign_pointer(*slot, new_node)', undefined, [17, 11], 'store', 'kernel', 8),
  a('alu', 'add x12, x12, #1', 12, [12]),
  a('store', 'str x12, [x0, #0x100]  ; n_entries++', undefined, [0, 12], 'store', 'kernel', 8),
  trieUnlockA64(),
  a('mov-imm', 'mov w0, #0', 0),
  frameTeardown(),
  aret(),
];

/** trie_delete_elem() of a leaf under a non-intermediate parent: lock, walk, unlink, free. */
const TRIE_DELETE_X86: MachineOp[] = [
  fentryNop(),
  k('load', 'mov r9d, dword ptr [rsi]  ; key->prefixlen', R.r9, [R.rsi], 'load', 'insn', 4),
  k('alu', 'cmp r9, qword ptr [rdi + 0x108]', R.flags, [R.r9, R.rdi]),
  k('branch-cond', 'ja .Leinval', undefined, [R.flags]),
  ...trieLockX86(),
  k('load', 'mov r8, qword ptr [rdi + 0xf8]  ; trim = &trie->root', R.r8, [R.rdi], 'load', 'kernel', 8),
  ...trieNodeX86(1),
  ...trieNodeX86(2),
  k('load', 'mov rdx, qword ptr [r8 + 0x10]  ; node->child[0]', R.rdx, [R.r8], 'load', 'kernel', 8),
  k('load-alu', 'or rdx, qword ptr [r8 + 0x18]  ; | child[1]: a leaf?', R.rdx, [R.rdx, R.r8], 'load', 'kernel', 8),
  k('branch-cond', 'jne .Lchildren', undefined, [R.flags]),
  k('store', 'mov qword ptr [r11], 0  ; RCU_INIT_POINTER(*trim, NULL)', undefined, [R.r11], 'store', 'kernel', 8),
  k('load', 'dec qword ptr [rdi + 0x100]  ; trie->n_entries--', R.rax, [R.rdi], 'load', 'kernel', 8),
  k('store', 'dec qword ptr [rdi + 0x100]', undefined, [R.rdi, R.rax], 'store', 'kernel', 8),
  trieUnlockX86(),
  ...memCacheX86('free'),
  k('alu', 'xor eax, eax', R.rax),
  kret(),
];
const TRIE_DELETE_A64: MachineOp[] = [
  ...patchableEntry(),
  ...frameSetup(),
  a('load', 'ldr w10, [x1]  ; key->prefixlen', 10, [1], 'load', 'insn', 4),
  a('load', 'ldr x11, [x0, #0x108]', 11, [0], 'load', 'kernel', 8),
  acmp('cmp x10, x11', [10, 11]),
  abcond('b.hi .Leinval'),
  ...trieLockA64(),
  a('load', 'ldr x8, [x0, #0xf8]  ; trie->root', 8, [0], 'load', 'kernel', 8),
  ...trieNodeA64(1),
  ...trieNodeA64(2),
  a('load', 'ldp x12, x13, [x8, #0x10]  ; node->child[0], child[1]', 12, [8], 'load', 'kernel', 16),
  a('alu', 'orr x12, x12, x13', 12, [12, 13]),
  a('branch-cond', 'cbnz x12, .Lchildren', undefined, [12]),
  a('store', 'str xzr, [x17, #0x10]  ; *trim = NULL', undefined, [17], 'store', 'kernel', 8),
  a('load', 'ldr x14, [x0, #0x100]', 14, [0], 'load', 'kernel', 8),
  a('alu', 'sub x14, x14, #1', 14, [14]),
  a('store', 'str x14, [x0, #0x100]  ; n_entries--', undefined, [0, 14], 'store', 'kernel', 8),
  trieUnlockA64(),
  ...memCacheA64('free'),
  a('mov-imm', 'mov w0, #0', 0),
  frameTeardown(),
  aret(),
];

// ---- per-CPU hash updates ------------------------------------------------------------------

/** __htab_percpu_map_update_elem() / __htab_lru_percpu_map_update_elem() of a key already
 * present (the per-CPU counter pattern): hash, bucket lock, lookup_elem_raw() hit,
 * pcpu_copy_value() into this CPU's copy. */
function percpuUpdateX86(lru: boolean): MachineOp[] {
  return [
    fentryNop(),
    k('alu', 'cmp rcx, 2  ; flags > BPF_EXIST', R.flags, [R.rcx]),
    k('branch-cond', 'ja .Leinval', undefined, [R.flags]),
    k('load', 'mov r8d, dword ptr [rdi + 0x100]  ; htab->hashrnd', R.r8, [R.rdi], 'load', 'kernel', 4),
    k('call-direct', 'call htab_map_hash', R.rax, [R.rsp], 'store', 'stack', 8),
    fentryNop(),
    k('load', 'mov eax, dword ptr [rsi]  ; key word', R.rax, [R.rsi], 'load', 'insn', 4),
    ...Array.from({ length: 7 }, () => [k('alu', 'xor ecx, edx', R.rcx, [R.rcx, R.rdx]), k('shift', 'rol edx, 14', R.rdx, [R.rdx]), k('alu', 'sub ecx, edx', R.rcx, [R.rcx, R.rdx])]).flat(),
    kret(),
    k('load', 'mov r9d, dword ptr [rdi + 0x104]  ; n_buckets', R.r9, [R.rdi], 'load', 'kernel', 4),
    k('alu', 'dec r9d', R.r9, [R.r9]),
    k('alu', 'and r9d, ecx', R.r9, [R.r9, R.rcx]),
    k('load', 'mov r10, qword ptr [rdi + 0x108]  ; htab->buckets', R.r10, [R.rdi], 'load', 'kernel', 8),
    k('lea', 'lea r10, [r10 + r9*8]  ; bucket', R.r10, [R.r10, R.r9]),
    k('gs-load', 'inc dword ptr gs:[rax]  ; __this_cpu_inc_return(*map_locked)', R.rax, [R.rax], 'load', 'percpu-offset', 4),
    k('alu', 'cmp eax, 1', R.flags, [R.rax]),
    k('branch-cond', 'jne .Lbusy', undefined, [R.flags]),
    k('atomic-rmw', 'lock cmpxchg dword ptr [r10 + 8], edx  ; raw_spin_lock(&b->raw_lock)', R.rax, [R.r10, R.rdx], 'rmw', 'kernel', 4),
    k('branch-cond', 'jne .Lslowpath', undefined, [R.flags]),
    k('load', 'mov r11, qword ptr [r10]  ; lookup_elem_raw(): bucket head', R.r11, [R.r10], 'load', 'kernel', 8),
    k('load', 'mov edx, dword ptr [r11 + 0x28]  ; l->hash', R.rdx, [R.r11], 'load', 'kernel', 4),
    k('alu', 'cmp edx, ecx', R.flags, [R.rdx, R.rcx]),
    k('branch-cond', 'jne .Lnext', undefined, [R.flags]),
    k('load', 'mov edx, dword ptr [r11 + 0x30]  ; memcmp(l->key, key, 4)', R.rdx, [R.r11], 'load', 'kernel', 4),
    k('alu', 'cmp edx, eax', R.flags, [R.rdx, R.rax]),
    k('branch-cond', 'jne .Lnext', undefined, [R.flags]),
    k('alu', 'test rcx, 1  ; BPF_NOEXIST on a present key', R.flags, [R.rcx]),
    k('branch-cond', 'jne .Leexist', undefined, [R.flags]),
    ...(lru ? [k('store', `mov byte ptr [r11 + ${LRU_REF}], 1  ; bpf_lru_node_set_ref()`, undefined, [R.r11], 'store', 'kernel', 1)] : []),
    k('load', `mov rax, qword ptr [r11 + ${HTAB_VALUE}]  ; htab_elem_get_ptr()`, R.rax, [R.r11], 'load', 'kernel', 8),
    k('gs-load', 'add rax, qword ptr gs:[this_cpu_off]  ; pcpu_copy_value(): this_cpu_ptr()', R.rax, [R.rax], 'load', 'percpu-offset', 8),
    k('load', 'mov rdx, qword ptr [r12]  ; copy_map_value (8 bytes)', R.rdx, [R.r12], 'load', 'insn', 8),
    k('store', 'mov qword ptr [rax], rdx', undefined, [R.rax, R.rdx], 'store', 'kernel', 8),
    k('store', 'mov byte ptr [r10 + 8], 0  ; raw_spin_unlock', undefined, [R.r10], 'store', 'kernel', 1),
    k('gs-load', 'dec dword ptr gs:[rax]  ; __this_cpu_dec(*map_locked)', R.rax, [R.rax], 'load', 'percpu-offset', 4),
    k('alu', 'xor eax, eax', R.rax),
    kret(),
  ];
}
function percpuUpdateA64(lru: boolean): MachineOp[] {
  return [
    ...patchableEntry(),
    acmp('cmp x3, #2  ; flags > BPF_EXIST', [3]),
    abcond('b.hi .Leinval'),
    a('load', 'ldr w8, [x0, #0x100]  ; htab->hashrnd', 8, [0], 'load', 'kernel', 4),
    a('load', 'ldr w9, [x1]  ; key word', 9, [1], 'load', 'insn', 4),
    ...Array.from({ length: 7 }, () => [a('alu', 'eor w10, w10, w11', 10, [10, 11]), a('shift', 'ror w11, w11, #18', 11, [11]), a('alu', 'sub w10, w10, w11', 10, [10, 11])]).flat(),
    a('load', 'ldr w12, [x0, #0x104]  ; n_buckets', 12, [0], 'load', 'kernel', 4),
    a('alu', 'sub w12, w12, #1', 12, [12]),
    a('alu', 'and w12, w12, w10', 12, [12, 10]),
    a('load', 'ldr x13, [x0, #0x108]  ; htab->buckets', 13, [0], 'load', 'kernel', 8),
    a('alu', 'add x13, x13, x12, lsl #3  ; bucket', 13, [13, 12]),
    mrsPercpu(14),
    a('load', 'ldr w15, [x14, x16]  ; map_locked', 15, [14, 16], 'load', 'percpu-offset', 4),
    a('alu', 'add w15, w15, #1', 15, [15]),
    a('store', 'str w15, [x14, x16]', undefined, [14, 15, 16], 'store', 'percpu-offset', 4),
    a('atomic-rmw', 'casa w17, w9, [x13, #8]  ; raw_spin_lock (LSE)', 17, [13, 9, 17], 'rmw', 'kernel', 4),
    a('branch-cond', 'cbnz w17, .Lslowpath', undefined, [17]),
    a('load', 'ldr x4, [x13]  ; bucket head', 4, [13], 'load', 'kernel', 8),
    a('load', 'ldr w5, [x4, #0x28]  ; l->hash', 5, [4], 'load', 'kernel', 4),
    acmp('cmp w5, w10', [5, 10]),
    abcond('b.ne .Lnext'),
    a('load', 'ldr w5, [x4, #0x30]  ; key compare', 5, [4], 'load', 'kernel', 4),
    acmp('cmp w5, w9', [5, 9]),
    abcond('b.ne .Lnext'),
    a('branch-cond', 'tbnz x3, #0, .Leexist  ; BPF_NOEXIST', undefined, [3]),
    ...(lru ? [a('mov-imm', 'mov w6, #1', 6), a('store', `strb w6, [x4, #${LRU_REF}]  ; bpf_lru_node_set_ref()`, undefined, [4, 6], 'store', 'kernel', 1)] : []),
    a('load', `ldr x6, [x4, #${HTAB_VALUE}]  ; htab_elem_get_ptr()`, 6, [4], 'load', 'kernel', 8),
    a('alu', 'add x6, x6, x14  ; this_cpu_ptr()', 6, [6, 14]),
    a('load', 'ldr x7, [x2]  ; copy_map_value (8 bytes)', 7, [2], 'load', 'insn', 8),
    a('store', 'str x7, [x6]', undefined, [6, 7], 'store', 'kernel', 8),
    a('store', 'stlrh wzr, [x13, #8]  ; raw_spin_unlock', undefined, [13], 'store', 'kernel', 2),
    a('load', 'ldr w15, [x14, x16]', 15, [14, 16], 'load', 'percpu-offset', 4),
    a('alu', 'sub w15, w15, #1', 15, [15]),
    a('store', 'str w15, [x14, x16]  ; map_locked--', undefined, [14, 15, 16], 'store', 'percpu-offset', 4),
    a('mov-imm', 'mov w0, #0', 0),
    aret(),
  ];
}

// ---- XDP redirect maps ---------------------------------------------------------------------

type RedirectKind = 'devmap' | 'devmap_hash' | 'cpumap' | 'xskmap';

/** The entry look-up each map's redirect and lookup ops inline: __dev_map_lookup_elem(),
 * __dev_map_hash_lookup_elem() (one bucket, first entry hits), __cpu_map_lookup_elem(),
 * __xsk_map_lookup_elem(). Leaves the entry in rax. */
function entryLookupX86(kind: RedirectKind, keyInReg: boolean): MachineOp[] {
  const key = keyInReg ? [] : [k('load', 'mov esi, dword ptr [rsi]  ; *(u32 *)key', R.rsi, [R.rsi], 'load', 'insn', 4)];
  if (kind === 'devmap_hash') {
    return [
      ...key,
      k('load', 'mov eax, dword ptr [rdi + 0x114]  ; dtab->n_buckets', R.rax, [R.rdi], 'load', 'kernel', 4),
      k('alu', 'dec eax', R.rax, [R.rax]),
      k('alu', 'and eax, esi  ; dev_map_index_hash()', R.rax, [R.rax, R.rsi]),
      k('load', 'mov rcx, qword ptr [rdi + 0x108]  ; dtab->dev_index_head', R.rcx, [R.rdi], 'load', 'kernel', 8),
      k('load', 'mov rax, qword ptr [rcx + rax*8]  ; hlist head', R.rax, [R.rcx, R.rax], 'load', 'kernel', 8),
      k('alu', 'test rax, rax', R.flags, [R.rax]),
      k('branch-cond', 'je .Lnull', undefined, [R.flags]),
      k('load-alu', 'cmp esi, dword ptr [rax + 0x28]  ; dev->idx == key', R.flags, [R.rsi, R.rax], 'load', 'kernel', 4),
      k('branch-cond', 'jne .Lnext', undefined, [R.flags]),
    ];
  }
  return [
    ...key,
    k('load-alu', 'cmp esi, dword ptr [rdi + 0x24]  ; key >= map->max_entries', R.flags, [R.rsi, R.rdi], 'load', 'kernel', 4),
    k('branch-cond', 'jae .Lnull', undefined, [R.flags]),
    ...(kind === 'xskmap' ? [] : [k('load', `mov rcx, qword ptr [rdi + 0x100]  ; ${kind === 'cpumap' ? 'cmap->cpu_map' : 'dtab->netdev_map'}`, R.rcx, [R.rdi], 'load', 'kernel', 8)]),
    kind === 'xskmap'
      ? k('load', 'mov rax, qword ptr [rdi + rsi*8 + 0x110]  ; READ_ONCE(m->xsk_map[key])', R.rax, [R.rdi, R.rsi], 'load', 'kernel', 8)
      : k('load', 'mov rax, qword ptr [rcx + rsi*8]  ; READ_ONCE(map[key])', R.rax, [R.rcx, R.rsi], 'load', 'kernel', 8),
  ];
}
function entryLookupA64(kind: RedirectKind, keyInReg: boolean): MachineOp[] {
  const key = keyInReg ? [] : [a('load', 'ldr w1, [x1]  ; *(u32 *)key', 1, [1], 'load', 'insn', 4)];
  if (kind === 'devmap_hash') {
    return [
      ...key,
      a('load', 'ldr w8, [x0, #0x114]  ; dtab->n_buckets', 8, [0], 'load', 'kernel', 4),
      a('alu', 'sub w8, w8, #1', 8, [8]),
      a('alu', 'and w8, w8, w1  ; dev_map_index_hash()', 8, [8, 1]),
      a('load', 'ldr x9, [x0, #0x108]  ; dtab->dev_index_head', 9, [0], 'load', 'kernel', 8),
      a('load', 'ldr x10, [x9, x8, lsl #3]  ; hlist head', 10, [9, 8], 'load', 'kernel', 8),
      a('branch-cond', 'cbz x10, .Lnull', undefined, [10]),
      a('load', 'ldr w11, [x10, #0x28]  ; dev->idx', 11, [10], 'load', 'kernel', 4),
      acmp('cmp w11, w1', [11, 1]),
      abcond('b.ne .Lnext'),
    ];
  }
  return [
    ...key,
    a('load', 'ldr w8, [x0, #0x24]  ; map->max_entries', 8, [0], 'load', 'kernel', 4),
    acmp('cmp w1, w8', [1, 8]),
    abcond('b.hs .Lnull'),
    a('load', `ldr x9, [x0, #0x100]  ; ${kind === 'cpumap' ? 'cmap->cpu_map' : kind === 'xskmap' ? '&m->xsk_map' : 'dtab->netdev_map'}`, 9, [0], 'load', 'kernel', 8),
    a('load', 'ldr x10, [x9, w1, uxtw #3]  ; READ_ONCE(map[key])', 10, [9, 1], 'load', 'kernel', 8),
  ];
}

/** dev_map_lookup_elem() / dev_map_hash_lookup_elem(): the entry, then &obj->val. */
function devLookupX86(kind: 'devmap' | 'devmap_hash'): MachineOp[] {
  return [
    fentryNop(),
    ...entryLookupX86(kind, false),
    k('alu', 'test rax, rax', R.flags, [R.rax]),
    k('branch-cond', 'je .Lnull', undefined, [R.flags]),
    k('lea', 'lea rax, [rax + 0x30]  ; &obj->val', R.rax, [R.rax]),
    kret(),
  ];
}
function devLookupA64(kind: 'devmap' | 'devmap_hash'): MachineOp[] {
  return [
    ...patchableEntry(),
    ...entryLookupA64(kind, false),
    a('branch-cond', 'cbz x10, .Lnull', undefined, [10]),
    a('alu', 'add x0, x10, #0x30  ; &obj->val', 0, [10]),
    aret(),
  ];
}

/**
 * The map's map_redirect op, which __bpf_xdp_redirect_map() (include/linux/filter.h) is
 * inlined into: bpf_net_ctx_get_ri() (current->bpf_net_context, its RI_INIT check), the
 * flags check, the entry look-up, then the redirect_info stores for a found entry.
 */
function redirectX86(kind: RedirectKind): MachineOp[] {
  return [
    fentryNop(),
    loadCurrent(R.rdx),
    k('load', 'mov r8, qword ptr [rdx + 0x1a50]  ; current->bpf_net_context', R.r8, [R.rdx], 'load', 'current', 8),
    k('load', 'test byte ptr [r8 + 0x40], 2  ; ri.kern_flags & BPF_RI_F_RI_INIT', R.flags, [R.r8], 'load', 'kernel', 1),
    k('branch-cond', 'je .Lri_init', undefined, [R.flags]),
    k('alu', `test rdx, ${kind.startsWith('devmap') ? '-28' : '-4'}  ; flags & ~(action_mask | flag_mask)`, R.flags, [R.rdx]),
    k('branch-cond', 'jne .Laborted', undefined, [R.flags]),
    ...entryLookupX86(kind, true),
    k('store', 'mov qword ptr [r8 + 0x10], rax  ; ri->tgt_value', undefined, [R.r8, R.rax], 'store', 'kernel', 8),
    k('alu', 'test rax, rax', R.flags, [R.rax]),
    k('branch-cond', 'je .Lfallback', undefined, [R.flags]),
    k('store', 'mov dword ptr [r8 + 0x18], esi  ; ri->tgt_index', undefined, [R.r8, R.rsi], 'store', 'kernel', 4),
    k('load', 'mov ecx, dword ptr [rdi + 0x38]  ; map->id', R.rcx, [R.rdi], 'load', 'kernel', 4),
    k('store', 'mov dword ptr [r8 + 0x1c], ecx  ; ri->map_id', undefined, [R.r8, R.rcx], 'store', 'kernel', 4),
    k('load', 'mov ecx, dword ptr [rdi + 0x18]  ; map->map_type', R.rcx, [R.rdi], 'load', 'kernel', 4),
    k('store', 'mov dword ptr [r8 + 0x20], ecx  ; ri->map_type', undefined, [R.r8, R.rcx], 'store', 'kernel', 4),
    k('store', 'mov qword ptr [r8 + 0x8], 0  ; WRITE_ONCE(ri->map, NULL)', undefined, [R.r8], 'store', 'kernel', 8),
    k('store', 'mov dword ptr [r8 + 0x24], 0  ; ri->flags = 0', undefined, [R.r8], 'store', 'kernel', 4),
    k('mov-imm', 'mov eax, 4  ; XDP_REDIRECT', R.rax),
    kret(),
  ];
}
function redirectA64(kind: RedirectKind): MachineOp[] {
  return [
    ...patchableEntry(),
    mrsCurrent(3),
    a('load', 'ldr x4, [x3, #0x1a50]  ; current->bpf_net_context', 4, [3], 'load', 'current', 8),
    a('load', 'ldrb w5, [x4, #0x40]  ; ri.kern_flags', 5, [4], 'load', 'kernel', 1),
    a('branch-cond', 'tbz w5, #1, .Lri_init', undefined, [5]),
    a('branch-cond', `tst x2, #${kind.startsWith('devmap') ? '~27' : '~3'}; b.ne .Laborted  ; flags & ~(action_mask | flag_mask)`, undefined, [2]),
    ...entryLookupA64(kind, true),
    a('store', 'str x10, [x4, #0x10]  ; ri->tgt_value', undefined, [4, 10], 'store', 'kernel', 8),
    a('branch-cond', 'cbz x10, .Lfallback', undefined, [10]),
    a('load', 'ldr w6, [x0, #0x38]  ; map->id', 6, [0], 'load', 'kernel', 4),
    a('load', 'ldr w7, [x0, #0x18]  ; map->map_type', 7, [0], 'load', 'kernel', 4),
    a('store', 'stp w1, w6, [x4, #0x18]  ; ri->tgt_index, ri->map_id', undefined, [4, 1, 6], 'store', 'kernel', 8),
    a('store', 'str w7, [x4, #0x20]  ; ri->map_type', undefined, [4, 7], 'store', 'kernel', 4),
    a('store', 'str xzr, [x4, #0x8]  ; WRITE_ONCE(ri->map, NULL)', undefined, [4], 'store', 'kernel', 8),
    a('store', 'str wzr, [x4, #0x24]  ; ri->flags = 0', undefined, [4], 'store', 'kernel', 4),
    a('mov-imm', 'mov w0, #4  ; XDP_REDIRECT', 0),
    aret(),
  ];
}

const REDIRECT_SOURCE: Record<RedirectKind, string> = {
  devmap: 'kernel/bpf/devmap.c dev_map_redirect() → __bpf_xdp_redirect_map() (include/linux/filter.h) with __dev_map_lookup_elem()',
  devmap_hash: 'kernel/bpf/devmap.c dev_hash_map_redirect() → __bpf_xdp_redirect_map() with __dev_map_hash_lookup_elem() (the first entry of the bucket hits)',
  cpumap: 'kernel/bpf/cpumap.c cpu_map_redirect() → __bpf_xdp_redirect_map() with __cpu_map_lookup_elem()',
  xskmap: 'net/xdp/xskmap.c xsk_map_redirect() → __bpf_xdp_redirect_map() with __xsk_map_lookup_elem()',
};

// ---- perf_event_array --------------------------------------------------------------------

/**
 * bpf_perf_event_output() (kernel/trace/bpf_trace.c) → __bpf_perf_event_output() →
 * perf_event_output() (kernel/events/core.c): the per-CPU nesting counter, sample-data
 * set-up, the event checks, then perf_prepare_sample(), perf_output_begin() (ring-buffer
 * space via local_t head updates), perf_output_sample() (header, raw-size word, the
 * 16-byte record), perf_output_end().
 */
const PERF_OUTPUT_X86: MachineOp[] = [
  fentryNop(),
  k('gs-load', 'inc dword ptr gs:[bpf_trace_nest_level]  ; this_cpu_inc_return()', R.rax, [], 'load', 'percpu-offset', 4),
  k('alu', 'cmp eax, 3  ; > ARRAY_SIZE(sds->sds)', R.flags, [R.rax]),
  k('branch-cond', 'ja .Lebusy', undefined, [R.flags]),
  k('alu', 'test rdx, rdx  ; flags & ~BPF_F_INDEX_MASK (high half)', R.flags, [R.rdx]),
  k('branch-cond', 'js .Leinval', undefined, [R.flags]),
  k('gs-load', 'mov r9, qword ptr gs:[this_cpu_off]  ; &bpf_trace_sds.sds[nest_level - 1]', R.r9, [], 'load', 'percpu-offset', 8),
  k('store', 'mov qword ptr [r9 + 0x00], 0  ; perf_sample_data_init(): sample_flags', undefined, [R.r9], 'store', 'kernel', 8),
  k('store', 'mov qword ptr [r9 + 0x08], 0  ; addr', undefined, [R.r9], 'store', 'kernel', 8),
  k('store', 'mov qword ptr [r9 + 0x10], rcx  ; raw = {frag.data, frag.size}', undefined, [R.r9, R.rcx], 'store', 'kernel', 8),
  k('gs-load', 'mov eax, dword ptr gs:[cpu_number]  ; smp_processor_id() for BPF_F_CURRENT_CPU', R.rax, [], 'load', 'percpu-offset', 4),
  k('load-alu', 'cmp eax, dword ptr [rsi + 0x24]  ; index >= max_entries', R.flags, [R.rax, R.rsi], 'load', 'kernel', 4),
  k('branch-cond', 'jae .Le2big', undefined, [R.flags]),
  k('load', 'mov r10, qword ptr [rsi + rax*8 + 0x110]  ; ee = array->ptrs[index]', R.r10, [R.rsi, R.rax], 'load', 'kernel', 8),
  k('alu', 'test r10, r10', R.flags, [R.r10]),
  k('branch-cond', 'je .Lenoent', undefined, [R.flags]),
  k('load', 'mov r11, qword ptr [r10]  ; event = ee->event', R.r11, [R.r10], 'load', 'kernel', 8),
  k('load-alu', 'cmp dword ptr [r11 + 0x88], 1  ; attr.type == PERF_TYPE_SOFTWARE', R.flags, [R.r11], 'load', 'kernel', 4),
  k('branch-cond', 'jne .Leinval', undefined, [R.flags]),
  k('load-alu', 'cmp qword ptr [r11 + 0x90], 10  ; attr.config == PERF_COUNT_SW_BPF_OUTPUT', R.flags, [R.r11], 'load', 'kernel', 8),
  k('branch-cond', 'jne .Leinval', undefined, [R.flags]),
  k('load-alu', 'cmp dword ptr [r11 + 0x2a0], eax  ; event->oncpu == cpu', R.flags, [R.r11, R.rax], 'load', 'kernel', 4),
  k('branch-cond', 'jne .Leopnotsupp', undefined, [R.flags]),
  k('call-direct', 'call perf_event_output', R.rax, [R.rsp], 'store', 'stack', 8),
  fentryNop(),
  // perf_prepare_sample(): header size from sample_type (PERF_SAMPLE_RAW): raw size
  // rounded so header + u32 size + data is u64-aligned.
  k('load', 'mov rcx, qword ptr [r11 + 0x98]  ; attr.sample_type', R.rcx, [R.r11], 'load', 'kernel', 8),
  k('load', 'mov edx, dword ptr [r9 + 0x18]  ; raw->frag.size', R.rdx, [R.r9], 'load', 'kernel', 4),
  k('lea', 'lea edx, [rdx + 4 + 7]', R.rdx, [R.rdx]),
  k('alu', 'and edx, -8', R.rdx, [R.rdx]),
  k('store', 'mov dword ptr [r9 + 0x20], edx  ; data->raw size, dyn_size', undefined, [R.r9, R.rdx], 'store', 'kernel', 4),
  // perf_output_begin(): rb = event->rb; local_inc(&rb->nest); head reservation loop.
  k('load', 'mov r12, qword ptr [r11 + 0x2b8]  ; rb = rcu_dereference(event->rb)', R.r12, [R.r11], 'load', 'kernel', 8),
  k('alu', 'test r12, r12', R.flags, [R.r12]),
  k('branch-cond', 'je .Lout', undefined, [R.flags]),
  k('atomic-rmw', 'lock inc dword ptr [r12 + 0x18]  ; local_inc(&rb->nest)', undefined, [R.r12], 'rmw', 'kernel', 4),
  k('load', 'mov r13, qword ptr [r12 + 0x20]  ; offset = local_read(&rb->head)', R.r13, [R.r12], 'load', 'kernel', 8),
  k('load', 'mov r14, qword ptr [r12 + 0x28]  ; tail = READ_ONCE(rb->user_page->data_tail)', R.r14, [R.r12], 'load', 'kernel', 8),
  k('lea', 'lea r15, [r13 + rdx + 8]  ; head = offset + size', R.r15, [R.r13, R.rdx]),
  k('alu', 'sub r14, r15', R.r14, [R.r14, R.r15]),
  k('load-alu', 'cmp r14, qword ptr [r12 + 0x30]  ; space check against the ring size', R.flags, [R.r14, R.r12], 'load', 'kernel', 8),
  k('branch-cond', 'jb .Lfail', undefined, [R.flags]),
  k('atomic-rmw', 'lock cmpxchg qword ptr [r12 + 0x20], r15  ; local_cmpxchg(&rb->head)', R.rax, [R.r12, R.r15], 'rmw', 'kernel', 8),
  k('branch-cond', 'jne .Lretry', undefined, [R.flags]),
  // perf_output_sample(): the header, the raw size word and the record (16 bytes).
  k('store', 'mov qword ptr [r12 + r13 + 0x1000], rcx  ; perf_event_header', undefined, [R.r12, R.r13, R.rcx], 'store', 'kernel', 8),
  k('store', 'mov dword ptr [r12 + r13 + 0x1008], edx  ; raw size', undefined, [R.r12, R.r13, R.rdx], 'store', 'kernel', 4),
  k('call-direct', 'call memcpy  ; __output_copy(): the record', R.rax, [R.rsp], 'store', 'stack', 8),
  k('load', 'rep movsb  ; 16-byte record: the load', R.r8, [R.rsi], 'load', 'insn', 8),
  k('store', 'rep movsb  ; the store', undefined, [R.r12, R.r13, R.r8], 'store', 'kernel', 8),
  kret(),
  // perf_output_end() → perf_output_put_handle(): publish head, local_dec nest.
  k('load', 'mov rax, qword ptr [r12 + 0x20]  ; local_read(&rb->head)', R.rax, [R.r12], 'load', 'kernel', 8),
  k('store', 'mov qword ptr [r12 + 0x38], rax  ; WRITE_ONCE(rb->user_page->data_head, head)', undefined, [R.r12, R.rax], 'store', 'kernel', 8),
  k('atomic-rmw', 'lock dec dword ptr [r12 + 0x18]  ; local_dec(&rb->nest)', undefined, [R.r12], 'rmw', 'kernel', 4),
  k('load-alu', 'cmp dword ptr [r12 + 0x40], 0  ; rb->wakeup pending?', R.flags, [R.r12], 'load', 'kernel', 4),
  k('branch-cond', 'jne .Lwakeup', undefined, [R.flags]),
  kret(),
  k('gs-load', 'dec dword ptr gs:[bpf_trace_nest_level]  ; this_cpu_dec()', R.rax, [], 'load', 'percpu-offset', 4),
  k('alu', 'xor eax, eax', R.rax),
  kret(),
];
const PERF_OUTPUT_A64: MachineOp[] = [
  ...patchableEntry(),
  ...frameSetup(),
  mrsPercpu(9),
  a('load', 'ldr w10, [x9, x20]  ; bpf_trace_nest_level', 10, [9, 20], 'load', 'percpu-offset', 4),
  a('alu', 'add w10, w10, #1', 10, [10]),
  a('store', 'str w10, [x9, x20]', undefined, [9, 10, 20], 'store', 'percpu-offset', 4),
  acmp('cmp w10, #3', [10]),
  abcond('b.hi .Lebusy'),
  a('branch-cond', 'tst x2, #0xffffffff00000000; b.ne .Leinval', undefined, [2]),
  a('alu', 'add x11, x9, x21  ; &sds[nest_level - 1]', 11, [9, 21]),
  a('store', 'stp xzr, xzr, [x11]  ; perf_sample_data_init()', undefined, [11], 'store', 'kernel', 16),
  a('store', 'stp x3, x4, [x11, #0x10]  ; raw frag', undefined, [11, 3, 4], 'store', 'kernel', 16),
  mrsCurrent(12),
  a('load', 'ldr w12, [x12, #0x10]  ; smp_processor_id()', 12, [12], 'load', 'current', 4),
  a('load', 'ldr w13, [x1, #0x24]  ; max_entries', 13, [1], 'load', 'kernel', 4),
  acmp('cmp w12, w13', [12, 13]),
  abcond('b.hs .Le2big'),
  a('alu', 'add x14, x1, w12, uxtw #3', 14, [1, 12]),
  a('load', 'ldr x14, [x14, #0x110]  ; ee = array->ptrs[index]', 14, [14], 'load', 'kernel', 8),
  a('branch-cond', 'cbz x14, .Lenoent', undefined, [14]),
  a('load', 'ldr x15, [x14]  ; event', 15, [14], 'load', 'kernel', 8),
  a('load', 'ldr w16, [x15, #0x88]  ; attr.type', 16, [15], 'load', 'kernel', 4),
  acmp('cmp w16, #1', [16]),
  abcond('b.ne .Leinval'),
  a('load', 'ldr x16, [x15, #0x90]  ; attr.config', 16, [15], 'load', 'kernel', 8),
  acmp('cmp x16, #10', [16]),
  abcond('b.ne .Leinval'),
  a('load', 'ldr w16, [x15, #0x2a0]  ; event->oncpu', 16, [15], 'load', 'kernel', 4),
  acmp('cmp w16, w12', [16, 12]),
  abcond('b.ne .Leopnotsupp'),
  bl('perf_event_output'),
  ...patchableEntry(),
  a('load', 'ldr x17, [x15, #0x98]  ; attr.sample_type', 17, [15], 'load', 'kernel', 8),
  a('alu', 'add w4, w4, #11', 4, [4]),
  a('alu', 'and w4, w4, #~7  ; raw size', 4, [4]),
  a('store', 'str w4, [x11, #0x20]', undefined, [11, 4], 'store', 'kernel', 4),
  a('load', 'ldr x19, [x15, #0x2b8]  ; rb', 19, [15], 'load', 'kernel', 8),
  a('branch-cond', 'cbz x19, .Lout', undefined, [19]),
  a('atomic-rmw', 'ldadd w22, w23, [x19, #0x18]  ; local_inc(&rb->nest)', 23, [19, 22], 'rmw', 'kernel', 4),
  a('load', 'ldr x5, [x19, #0x20]  ; rb->head', 5, [19], 'load', 'kernel', 8),
  a('load', 'ldr x6, [x19, #0x28]  ; data_tail', 6, [19], 'load', 'kernel', 8),
  a('alu', 'add x7, x5, x4', 7, [5, 4]),
  a('alu', 'sub x6, x6, x7', 6, [6, 7]),
  a('load', 'ldr x8, [x19, #0x30]  ; ring size', 8, [19], 'load', 'kernel', 8),
  acmp('cmp x6, x8', [6, 8]),
  abcond('b.lo .Lfail'),
  a('atomic-rmw', 'casal x5, x7, [x19, #0x20]  ; local_cmpxchg(&rb->head)', 5, [19, 5, 7], 'rmw', 'kernel', 8),
  a('store', 'str x17, [x19, x5]  ; perf_event_header', undefined, [19, 5, 17], 'store', 'kernel', 8),
  a('store', 'str w4, [x19, x5]  ; raw size', undefined, [19, 5, 4], 'store', 'kernel', 4),
  a('load', 'ldp x9, x10, [x3]  ; the 16-byte record', 9, [3], 'load', 'insn', 16),
  a('store', 'stp x9, x10, [x19, x5]', undefined, [19, 5, 9, 10], 'store', 'kernel', 16),
  a('store', 'stlr x7, [x19, #0x38]  ; data_head', undefined, [19, 7], 'store', 'kernel', 8),
  a('atomic-rmw', 'ldadd w24, w23, [x19, #0x18]  ; local_dec(&rb->nest)', 23, [19, 24], 'rmw', 'kernel', 4),
  a('load', 'ldr w25, [x19, #0x40]  ; wakeup pending', 25, [19], 'load', 'kernel', 4),
  a('branch-cond', 'cbnz w25, .Lwakeup', undefined, [25]),
  aret(),
  mrsPercpu(9),
  a('load', 'ldr w10, [x9, x20]', 10, [9, 20], 'load', 'percpu-offset', 4),
  a('alu', 'sub w10, w10, #1', 10, [10]),
  a('store', 'str w10, [x9, x20]  ; nest_level--', undefined, [9, 10, 20], 'store', 'percpu-offset', 4),
  a('mov-imm', 'mov w0, #0', 0),
  frameTeardown(),
  aret(),
];

// ---- queue / stack -------------------------------------------------------------------------

const qsLockX86 = (): MachineOp[] => [
  k('atomic-rmw', 'lock cmpxchg dword ptr [rdi + 0x100], edx  ; raw_spin_lock_irqsave(&qs->lock)', R.rax, [R.rdi, R.rdx], 'rmw', 'kernel', 4),
  k('branch-cond', 'jne .Lslowpath', undefined, [R.flags]),
];
const qsUnlockX86 = (): MachineOp => k('store', 'mov byte ptr [rdi + 0x100], 0  ; raw_spin_unlock_irqrestore', undefined, [R.rdi], 'store', 'kernel', 1);
const qsLockA64 = (): MachineOp[] => [a('atomic-rmw', 'casa w17, w9, [x0, #0x100]  ; raw_spin_lock_irqsave(&qs->lock)', 17, [0, 9, 17], 'rmw', 'kernel', 4), a('branch-cond', 'cbnz w17, .Lslowpath', undefined, [17])];
const qsUnlockA64 = (): MachineOp => a('store', 'stlrh wzr, [x0, #0x100]  ; raw_spin_unlock_irqrestore', undefined, [0], 'store', 'kernel', 2);

/** memcpy() of the 8-byte value with a run-time size: a call (FSRM rep movsb). */
const memcpyX86 = (dst: number, src: number, what: string): MachineOp[] => [
  k('load', 'mov edx, dword ptr [rdi + 0x1c]  ; map->value_size', R.rdx, [R.rdi], 'load', 'kernel', 4),
  k('call-direct', `call memcpy  ; ${what}`, R.rax, [R.rsp], 'store', 'stack', 8),
  k('load', 'rep movsb  ; 8 bytes: the load', R.r8, [src], 'load', src === R.rsi ? 'insn' : 'kernel', 8),
  k('store', 'rep movsb  ; the store', undefined, [dst, R.r8], 'store', dst === R.rsi ? 'insn' : 'kernel', 8),
  kret(),
];

/** queue_stack_map_push_elem(): flags, lock, is_full, copy in, head++ (wrapping), unlock. */
const PUSH_X86: MachineOp[] = [
  fentryNop(),
  k('alu', 'cmp rdx, 2  ; flags & BPF_NOEXIST || flags > BPF_EXIST', R.flags, [R.rdx]),
  k('branch-cond', 'ja .Leinval', undefined, [R.flags]),
  ...qsLockX86(),
  k('load', 'mov eax, dword ptr [rdi + 0x104]  ; qs->head', R.rax, [R.rdi], 'load', 'kernel', 4),
  k('lea', 'lea ecx, [rax + 1]', R.rcx, [R.rax]),
  k('load-alu', 'cmp ecx, dword ptr [rdi + 0x10c]  ; >= qs->size', R.flags, [R.rcx, R.rdi], 'load', 'kernel', 4),
  k('cmov', 'cmovae ecx, r8d  ; wrap to 0', R.rcx, [R.rcx, R.r8, R.flags]),
  k('load-alu', 'cmp ecx, dword ptr [rdi + 0x108]  ; == qs->tail: full', R.flags, [R.rcx, R.rdi], 'load', 'kernel', 4),
  k('branch-cond', 'je .Lfull', undefined, [R.flags]),
  k('imul', 'imul eax, dword ptr [rdi + 0x1c]  ; head * value_size', R.rax, [R.rax, R.rdi]),
  k('lea', 'lea rdi, [rdi + rax + 0x110]  ; &qs->elements[...]', R.rdi, [R.rdi, R.rax]),
  ...memcpyX86(R.rdi, R.rsi, 'memcpy(dst, value, value_size)'),
  k('store', 'mov dword ptr [rbx + 0x104], ecx  ; qs->head = next', undefined, [R.rbx, R.rcx], 'store', 'kernel', 4),
  qsUnlockX86(),
  k('alu', 'xor eax, eax', R.rax),
  kret(),
];
const PUSH_A64: MachineOp[] = [
  ...patchableEntry(),
  ...frameSetup(),
  acmp('cmp x2, #2', [2]),
  abcond('b.hi .Leinval'),
  ...qsLockA64(),
  a('load', 'ldp w8, w9, [x0, #0x104]  ; qs->head, qs->tail', 8, [0], 'load', 'kernel', 8),
  a('load', 'ldr w10, [x0, #0x10c]  ; qs->size', 10, [0], 'load', 'kernel', 4),
  a('alu', 'add w11, w8, #1', 11, [8]),
  acmp('cmp w11, w10', [11, 10]),
  a('cmov', 'csel w11, w11, wzr, lo  ; wrap', 11, [11]),
  acmp('cmp w11, w9  ; full', [11, 9]),
  abcond('b.eq .Lfull'),
  a('load', 'ldr w12, [x0, #0x1c]  ; value_size', 12, [0], 'load', 'kernel', 4),
  a('imul', 'mul w13, w8, w12', 13, [8, 12]),
  a('alu', 'add x13, x0, x13', 13, [0, 13]),
  a('load', 'ldr x14, [x1]  ; memcpy (8-byte value)', 14, [1], 'load', 'insn', 8),
  a('store', 'str x14, [x13, #0x110]', undefined, [13, 14], 'store', 'kernel', 8),
  a('store', 'str w11, [x0, #0x104]  ; qs->head', undefined, [0, 11], 'store', 'kernel', 4),
  qsUnlockA64(),
  a('mov-imm', 'mov w0, #0', 0),
  frameTeardown(),
  aret(),
];

/** __queue_map_get() (oldest, at tail) or __stack_map_get() (newest, at head - 1), with
 * pop (`remove`) updating the index. */
function getX86(kind: 'queue' | 'stack', remove: boolean): MachineOp[] {
  return [
    fentryNop(),
    ...qsLockX86(),
    k('load', 'mov eax, dword ptr [rdi + 0x104]  ; qs->head', R.rax, [R.rdi], 'load', 'kernel', 4),
    k('load-alu', 'cmp eax, dword ptr [rdi + 0x108]  ; == qs->tail: empty', R.flags, [R.rax, R.rdi], 'load', 'kernel', 4),
    k('branch-cond', 'je .Lempty', undefined, [R.flags]),
    ...(kind === 'queue'
      ? [k('load', 'mov eax, dword ptr [rdi + 0x108]  ; index = qs->tail', R.rax, [R.rdi], 'load', 'kernel', 4)]
      : [
          k('alu', 'dec eax  ; index = qs->head - 1', R.rax, [R.rax]),
          k('load-alu', 'cmp eax, dword ptr [rdi + 0x10c]  ; >= qs->size: wrapped', R.flags, [R.rax, R.rdi], 'load', 'kernel', 4),
          k('branch-cond', 'jae .Lwrap', undefined, [R.flags]),
        ]),
    k('mov-reg', 'mov ecx, eax', R.rcx, [R.rax]),
    k('imul', 'imul eax, dword ptr [rdi + 0x1c]  ; index * value_size', R.rax, [R.rax, R.rdi]),
    k('lea', 'lea r9, [rdi + rax + 0x110]  ; ptr', R.r9, [R.rdi, R.rax]),
    ...memcpyX86(R.rsi, R.r9, 'memcpy(value, ptr, value_size)'),
    ...(remove
      ? kind === 'queue'
        ? [
            k('alu', 'inc ecx', R.rcx, [R.rcx]),
            k('load-alu', 'cmp ecx, dword ptr [rbx + 0x10c]', R.flags, [R.rcx, R.rbx], 'load', 'kernel', 4),
            k('cmov', 'cmovae ecx, r8d  ; wrap', R.rcx, [R.rcx, R.r8, R.flags]),
            k('store', 'mov dword ptr [rbx + 0x108], ecx  ; qs->tail', undefined, [R.rbx, R.rcx], 'store', 'kernel', 4),
          ]
        : [k('store', 'mov dword ptr [rbx + 0x104], ecx  ; qs->head = index', undefined, [R.rbx, R.rcx], 'store', 'kernel', 4)]
      : []),
    qsUnlockX86(),
    k('alu', 'xor eax, eax', R.rax),
    kret(),
  ];
}
function getA64(kind: 'queue' | 'stack', remove: boolean): MachineOp[] {
  return [
    ...patchableEntry(),
    ...frameSetup(),
    ...qsLockA64(),
    a('load', 'ldp w8, w9, [x0, #0x104]  ; qs->head, qs->tail', 8, [0], 'load', 'kernel', 8),
    acmp('cmp w8, w9  ; empty', [8, 9]),
    abcond('b.eq .Lempty'),
    ...(kind === 'queue'
      ? [a('mov-reg', 'mov w10, w9  ; index = tail', 10, [9])]
      : [a('alu', 'sub w10, w8, #1  ; index = head - 1', 10, [8]), a('load', 'ldr w11, [x0, #0x10c]  ; qs->size', 11, [0], 'load', 'kernel', 4), acmp('cmp w10, w11', [10, 11]), abcond('b.hs .Lwrap')]),
    a('load', 'ldr w12, [x0, #0x1c]  ; value_size', 12, [0], 'load', 'kernel', 4),
    a('imul', 'mul w13, w10, w12', 13, [10, 12]),
    a('alu', 'add x13, x0, x13', 13, [0, 13]),
    a('load', 'ldr x14, [x13, #0x110]  ; memcpy (8-byte value)', 14, [13], 'load', 'kernel', 8),
    a('store', 'str x14, [x1]', undefined, [1, 14], 'store', 'insn', 8),
    ...(remove
      ? kind === 'queue'
        ? [
            a('alu', 'add w10, w10, #1', 10, [10]),
            a('load', 'ldr w11, [x0, #0x10c]  ; qs->size', 11, [0], 'load', 'kernel', 4),
            acmp('cmp w10, w11', [10, 11]),
            a('cmov', 'csel w10, w10, wzr, lo', 10, [10]),
            a('store', 'str w10, [x0, #0x108]  ; qs->tail', undefined, [0, 10], 'store', 'kernel', 4),
          ]
        : [a('store', 'str w10, [x0, #0x104]  ; qs->head = index', undefined, [0, 10], 'store', 'kernel', 4)]
      : []),
    qsUnlockA64(),
    a('mov-imm', 'mov w0, #0', 0),
    frameTeardown(),
    aret(),
  ];
}

// ---- bloom filter --------------------------------------------------------------------------

/** One hash function of bloom_map_push_elem()/peek_elem(): jhash2() of a 4-byte value
 * (the init, one word added, __jhash_final()'s 7 rounds), masked, then the bit set or
 * tested. hash() is static in kernel/bpf/bloom_filter.c and inlined. */
function bloomRoundX86(i: number, push: boolean): MachineOp[] {
  return [
    k('lea', `lea ecx, [r8 + ${i} + 0xdeadbeef + 4]  ; hash ${i}: JHASH_INITVAL + (1 << 2) + seed + i`, R.rcx, [R.r8]),
    k('mov-reg', 'mov edx, ecx', R.rdx, [R.rcx]),
    k('load-alu', 'add eax, dword ptr [rsi]  ; a += k[0]', R.rax, [R.rax, R.rsi], 'load', 'insn', 4),
    ...Array.from({ length: 7 }, () => [k('alu', 'xor ecx, edx', R.rcx, [R.rcx, R.rdx]), k('shift', 'rol edx, 14', R.rdx, [R.rdx]), k('alu', 'sub ecx, edx', R.rcx, [R.rcx, R.rdx])]).flat(),
    k('load-alu', 'and ecx, dword ptr [rdi + 0x100]  ; & bitset_mask', R.rcx, [R.rcx, R.rdi], 'load', 'kernel', 4),
    push
      ? k('atomic-rmw', 'lock bts qword ptr [rdi + 0x110], rcx  ; set_bit()', undefined, [R.rdi, R.rcx], 'rmw', 'kernel', 8)
      : k('load-alu', 'bt qword ptr [rdi + 0x110], rcx  ; test_bit()', R.flags, [R.rdi, R.rcx], 'load', 'kernel', 8),
    ...(push ? [] : [k('branch-cond', 'jae .Lenoent', undefined, [R.flags])]),
  ];
}
function bloomRoundA64(i: number, push: boolean): MachineOp[] {
  return [
    a('alu', `add w10, w8, #${i}  ; hash ${i}: initval + seed + i`, 10, [8]),
    a('load', 'ldr w11, [x1]  ; k[0]', 11, [1], 'load', 'insn', 4),
    a('alu', 'add w12, w10, w11', 12, [10, 11]),
    ...Array.from({ length: 7 }, () => [a('alu', 'eor w10, w10, w12', 10, [10, 12]), a('shift', 'ror w12, w12, #18', 12, [12]), a('alu', 'sub w10, w10, w12', 10, [10, 12])]).flat(),
    a('alu', 'and w10, w10, w9  ; & bitset_mask', 10, [10, 9]),
    a('alu', 'add x13, x0, x10, lsr #3', 13, [0, 10]),
    push
      ? a('atomic-rmw', 'ldset x14, x15, [x13, #0x110]  ; set_bit()', 15, [13, 14], 'rmw', 'kernel', 8)
      : a('load', 'ldr x15, [x13, #0x110]  ; test_bit()', 15, [13], 'load', 'kernel', 8),
    ...(push ? [] : [a('branch-cond', 'tbz x15, #0, .Lenoent', undefined, [15])]),
  ];
}
const bloomX86 = (push: boolean): MachineOp[] => [
  fentryNop(),
  ...(push ? [k('alu', 'test rdx, rdx  ; flags != BPF_ANY', R.flags, [R.rdx]), k('branch-cond', 'jne .Leinval', undefined, [R.flags])] : []),
  k('load', 'mov r8d, dword ptr [rdi + 0x104]  ; bloom->hash_seed', R.r8, [R.rdi], 'load', 'kernel', 4),
  k('load', 'mov r9d, dword ptr [rdi + 0x10c]  ; bloom->nr_hash_funcs', R.r9, [R.rdi], 'load', 'kernel', 4),
  ...Array.from({ length: 5 }, (_, i) => [...bloomRoundX86(i, push), k('alu', 'inc r10d', R.r10, [R.r10]), k('alu', 'cmp r10d, r9d', R.flags, [R.r10, R.r9]), k('branch-cond', 'jb .Lnext_hash', undefined, [R.flags])]).flat(),
  k('alu', 'xor eax, eax', R.rax),
  kret(),
];
const bloomA64 = (push: boolean): MachineOp[] => [
  ...patchableEntry(),
  ...(push ? [a('branch-cond', 'cbnz x2, .Leinval  ; flags != BPF_ANY', undefined, [2])] : []),
  a('load', 'ldp w9, w8, [x0, #0x100]  ; bitset_mask, hash_seed', 9, [0], 'load', 'kernel', 8),
  a('load', 'ldr w16, [x0, #0x10c]  ; nr_hash_funcs', 16, [0], 'load', 'kernel', 4),
  ...Array.from({ length: 5 }, (_, i) => [...bloomRoundA64(i, push), a('alu', 'add w17, w17, #1', 17, [17]), acmp('cmp w17, w16', [17, 16]), abcond('b.lo .Lnext_hash')]).flat(),
  a('mov-imm', 'mov w0, #0', 0),
  aret(),
];

// ---- bpf_for_each_map_elem -------------------------------------------------------------

const FOR_EACH_WALK = 'each element visited is charged its loop step (perUnit) and the callback\'s call and instructions; the hash walk also visits every empty bucket (a load and a nulls test each), which is not charged';

/** bpf_for_each_array_elem()'s loop step for one element, up to the callback call (the
 * model's callback op) and the test of its result. */
const FOR_EACH_ARRAY_STEP_X86: MachineOp[] = [
  k('imul', 'imul rdx, r12, qword ptr [rbx + 0x100]  ; i * elem_size (percpu: array->pptrs[i], this_cpu_ptr)', R.rdx, [R.r12, R.rbx]),
  k('lea', 'lea rdx, [rbx + rdx + 0x110]  ; val = array_map_elem_ptr(array, i)', R.rdx, [R.rbx, R.rdx]),
  k('alu', 'inc r13d  ; num_elems++', R.r13, [R.r13]),
  k('store', 'mov dword ptr [rsp + 4], r12d  ; key = i', undefined, [R.rsp, R.r12], 'store', 'stack', 4),
  k('mov-reg', 'mov rdi, rbx  ; map', R.rdi, [R.rbx]),
  k('lea', 'lea rsi, [rsp + 4]  ; &key', R.rsi, [R.rsp]),
  k('mov-reg', 'mov rcx, r14  ; callback_ctx', R.rcx, [R.r14]),
  k('alu', 'xor r8d, r8d', R.r8),
  k('alu', 'test rax, rax  ; the previous callback\'s ret', R.flags, [R.rax]),
  k('branch-cond', 'jne .Lout', undefined, [R.flags]),
  k('alu', 'inc r12d', R.r12, [R.r12]),
  k('load-alu', 'cmp r12d, dword ptr [rbx + 0x24]  ; < map->max_entries', R.flags, [R.r12, R.rbx], 'load', 'kernel', 4),
  k('branch-cond', 'jb .Lnext', undefined, [R.flags]),
];
const FOR_EACH_ARRAY_STEP_A64: MachineOp[] = [
  a('load', 'ldr x9, [x19, #0x100]  ; elem_size', 9, [19], 'load', 'kernel', 8),
  a('imul', 'madd x2, x20, x9, x19  ; val = array->value + i * elem_size', 2, [20, 9, 19]),
  a('alu', 'add x2, x2, #0x110', 2, [2]),
  a('alu', 'add w21, w21, #1  ; num_elems++', 21, [21]),
  a('store', 'str w20, [sp, #12]  ; key = i', undefined, [20], 'store', 'stack', 4),
  a('mov-reg', 'mov x0, x19  ; map', 0, [19]),
  a('alu', 'add x1, sp, #12  ; &key', 1, []),
  a('mov-reg', 'mov x3, x22  ; callback_ctx', 3, [22]),
  a('branch-cond', 'cbnz x0, .Lout  ; the previous callback\'s ret', undefined, [0]),
  a('alu', 'add w20, w20, #1', 20, [20]),
  a('load', 'ldr w10, [x19, #0x24]  ; max_entries', 10, [19], 'load', 'kernel', 4),
  acmp('cmp w20, w10', [20, 10]),
  abcond('b.lo .Lnext'),
];
/** bpf_for_each_hash_elem()'s step for one element of a bucket chain. */
const FOR_EACH_HASH_STEP_X86: MachineOp[] = [
  k('load', 'mov r15, qword ptr [r12]  ; n = elem->hash_node.next', R.r15, [R.r12], 'load', 'kernel', 8),
  k('lea', 'lea rsi, [r12 + 0x30]  ; key = elem->key', R.rsi, [R.r12]),
  k('lea', 'lea rdx, [r12 + 0x38]  ; val (percpu: this_cpu_ptr(htab_elem_get_ptr()))', R.rdx, [R.r12]),
  k('alu', 'inc r13d  ; num_elems++', R.r13, [R.r13]),
  k('mov-reg', 'mov rdi, rbx  ; map', R.rdi, [R.rbx]),
  k('mov-reg', 'mov rcx, r14  ; callback_ctx', R.rcx, [R.r14]),
  k('alu', 'xor r8d, r8d', R.r8),
  k('alu', 'test rax, rax  ; the previous callback\'s ret', R.flags, [R.rax]),
  k('branch-cond', 'jne .Lout', undefined, [R.flags]),
  k('mov-reg', 'mov r12, r15  ; elem = n', R.r12, [R.r15]),
  k('alu', 'test r12b, 1  ; is_a_nulls(): end of the chain', R.flags, [R.r12]),
  k('branch-cond', 'je .Lnext', undefined, [R.flags]),
];
const FOR_EACH_HASH_STEP_A64: MachineOp[] = [
  a('load', 'ldr x23, [x20]  ; n = elem->hash_node.next', 23, [20], 'load', 'kernel', 8),
  a('alu', 'add x1, x20, #0x30  ; key', 1, [20]),
  a('alu', 'add x2, x20, #0x38  ; val', 2, [20]),
  a('alu', 'add w21, w21, #1  ; num_elems++', 21, [21]),
  a('mov-reg', 'mov x0, x19  ; map', 0, [19]),
  a('mov-reg', 'mov x3, x22  ; callback_ctx', 3, [22]),
  a('branch-cond', 'cbnz x0, .Lout  ; the previous callback\'s ret', undefined, [0]),
  a('mov-reg', 'mov x20, x23  ; elem = n', 20, [23]),
  a('branch-cond', 'tbz x20, #0, .Lnext  ; is_a_nulls()', undefined, [20]),
];

/** bpf_for_each_map_elem() (kernel/bpf/bpf_iter.c) → map->ops->map_for_each_callback, an
 * indirect call, then the walk's set-up and exit. */
function forEachX86(kind: 'array' | 'hash'): MachineOp[] {
  return [
    fentryNop(),
    k('load', 'mov rax, qword ptr [rdi]  ; map->ops', R.rax, [R.rdi], 'load', 'kernel', 8),
    k('load', 'mov rax, qword ptr [rax + 0x138]  ; ops->map_for_each_callback', R.rax, [R.rax], 'load', 'kernel', 8),
    k('call-indirect', 'call __x86_indirect_thunk_rax', R.rax, [R.rax, R.rsp], 'store', 'stack', 8),
    fentryNop(),
    k('alu', 'test rcx, rcx  ; flags', R.flags, [R.rcx]),
    k('branch-cond', 'jne .Leinval', undefined, [R.flags]),
    ...(kind === 'array'
      ? [
          k('load', 'mov r8d, dword ptr [rdi + 0x18]  ; map->map_type == PERCPU_ARRAY', R.r8, [R.rdi], 'load', 'kernel', 4),
          k('load', 'mov r9d, dword ptr [rdi + 0x24]  ; max_entries', R.r9, [R.rdi], 'load', 'kernel', 4),
        ]
      : [
          k('load', 'mov r8d, dword ptr [rdi + 0x104]  ; htab->n_buckets', R.r8, [R.rdi], 'load', 'kernel', 4),
          k('load', 'mov r9, qword ptr [rdi + 0x108]  ; htab->buckets', R.r9, [R.rdi], 'load', 'kernel', 8),
          k('call-direct', 'call __rcu_read_lock  ; rcu_read_lock() (non-preemptible kernels: none)', R.rax, [R.rsp], 'store', 'stack', 8),
          kret(),
        ]),
    k('alu', 'xor eax, eax  ; num_elems', R.rax),
    kret(),
    kret(),
  ];
}
function forEachA64(kind: 'array' | 'hash'): MachineOp[] {
  return [
    ...patchableEntry(),
    ...frameSetup(),
    a('load', 'ldr x8, [x0]  ; map->ops', 8, [0], 'load', 'kernel', 8),
    a('load', 'ldr x8, [x8, #0x138]  ; ops->map_for_each_callback', 8, [8], 'load', 'kernel', 8),
    a('call-indirect', 'blr x8', 0, [8]),
    ...patchableEntry(),
    a('branch-cond', 'cbnz x3, .Leinval  ; flags', undefined, [3]),
    ...(kind === 'array'
      ? [a('load', 'ldr w9, [x0, #0x18]  ; map_type', 9, [0], 'load', 'kernel', 4), a('load', 'ldr w10, [x0, #0x24]  ; max_entries', 10, [0], 'load', 'kernel', 4)]
      : [a('load', 'ldr w9, [x0, #0x104]  ; n_buckets', 9, [0], 'load', 'kernel', 4), a('load', 'ldr x10, [x0, #0x108]  ; buckets', 10, [0], 'load', 'kernel', 8)]),
    a('mov-imm', 'mov w0, #0  ; num_elems', 0),
    aret(),
    frameTeardown(),
    aret(),
  ];
}

// ---- the table -----------------------------------------------------------------------------

const GEN = (what: string): string => `${what}, applied by do_misc_fixups() before any JIT: arch-independent`;

export const MAP_TYPE_COSTS: readonly HelperCost[] = [
  {
    name: 'bpf_map_lookup_elem (percpu_hash)', id: BPF_FUNC.map_lookup_elem, kind: 'helper',
    inlineX86: { bpf: HTAB_PERCPU_GEN_LOOKUP, source: 'kernel/bpf/hashtab.c htab_percpu_map_gen_lookup() (v6.10), when bpf_jit_supports_percpu_insn()' },
    inlineArm64: { bpf: HTAB_PERCPU_GEN_LOOKUP, source: GEN('htab_percpu_map_gen_lookup(); the arm64 JIT supports BPF_MOV64_PERCPU_REG') },
    body: hashLookup, bodyArm64: A64_HASH_LOOKUP,
    source: 'kernel/bpf/hashtab.c htab_percpu_map_gen_lookup() → __htab_map_lookup_elem(), then this_cpu_ptr(htab_elem_get_ptr())',
  },
  {
    name: 'bpf_map_lookup_elem (lru_hash)', id: BPF_FUNC.map_lookup_elem, kind: 'helper',
    inlineX86: { bpf: HTAB_LRU_GEN_LOOKUP, source: 'kernel/bpf/hashtab.c htab_lru_map_gen_lookup()' },
    inlineArm64: { bpf: HTAB_LRU_GEN_LOOKUP, source: GEN('htab_lru_map_gen_lookup()') },
    body: hashLookup, bodyArm64: A64_HASH_LOOKUP,
    source: 'kernel/bpf/hashtab.c htab_lru_map_gen_lookup(): __htab_map_lookup_elem(), then set lru_node.ref if clear',
  },
  {
    name: 'bpf_map_lookup_elem (lru_percpu_hash)', id: BPF_FUNC.map_lookup_elem, kind: 'helper',
    body: LRU_PERCPU_LOOKUP_X86, bodyArm64: LRU_PERCPU_LOOKUP_A64,
    source: 'kernel/bpf/hashtab.c htab_lru_percpu_map_lookup_elem() (the ops have no map_gen_lookup: do_misc_fixups() calls the op directly) → __htab_map_lookup_elem(), bpf_lru_node_set_ref(), this_cpu_ptr()',
  },
  {
    name: 'bpf_map_lookup_elem (lpm_trie)', id: BPF_FUNC.map_lookup_elem, kind: 'helper',
    body: TRIE_LOOKUP_X86, bodyArm64: TRIE_LOOKUP_A64,
    unmeasured: 'the trie walk is costed as two nodes (an IPv4 /24 under a /16); each further level of a deeper trie adds one longest_prefix_match() step',
    source: 'kernel/bpf/lpm_trie.c trie_lookup_elem() (direct call of the op), longest_prefix_match() on a 4-byte key',
  },
  {
    name: 'bpf_map_update_elem (lpm_trie)', id: BPF_FUNC.map_update_elem, kind: 'helper',
    body: TRIE_UPDATE_X86, bodyArm64: TRIE_UPDATE_A64,
    unmeasured: `${IRQ}; a new /24 under an existing /16 (one node walked, bpf_mem_cache_alloc()'s fast path); replacing or splitting with an intermediate node walks and allocates more`,
    source: 'kernel/bpf/lpm_trie.c trie_update_elem() → lpm_trie_node_alloc() → kernel/bpf/memalloc.c bpf_mem_cache_alloc() (unit_alloc fast path)',
  },
  {
    name: 'bpf_map_delete_elem (lpm_trie)', id: BPF_FUNC.map_delete_elem, kind: 'helper',
    body: TRIE_DELETE_X86, bodyArm64: TRIE_DELETE_A64,
    unmeasured: `${IRQ}; a leaf two nodes down with a non-intermediate parent`,
    source: 'kernel/bpf/lpm_trie.c trie_delete_elem() → bpf_mem_cache_free() (unit_free fast path)',
  },
  {
    name: 'bpf_map_update_elem (percpu_hash)', id: BPF_FUNC.map_update_elem, kind: 'helper',
    body: percpuUpdateX86(false), bodyArm64: percpuUpdateA64(false),
    unmeasured: `${IRQ}; a key already present (this CPU's copy overwritten in place); a new key also copies into, or zeroes, every other CPU's copy (pcpu_init_value())`,
    source: 'kernel/bpf/hashtab.c htab_percpu_map_update_elem() → __htab_percpu_map_update_elem(): htab_lock_bucket(), lookup_elem_raw(), pcpu_copy_value()',
  },
  {
    name: 'bpf_map_update_elem (lru_percpu_hash)', id: BPF_FUNC.map_update_elem, kind: 'helper',
    body: percpuUpdateX86(true), bodyArm64: percpuUpdateA64(true),
    unmeasured: `${IRQ}; a key already present (this CPU's copy overwritten in place, reference bit set); a new key pops an element from the LRU lists`,
    source: 'kernel/bpf/hashtab.c htab_lru_percpu_map_update_elem() → __htab_lru_percpu_map_update_elem(): lookup_elem_raw(), bpf_lru_node_set_ref(), pcpu_copy_value()',
  },
  {
    name: 'bpf_map_lookup_elem (array_of_maps)', id: BPF_FUNC.map_lookup_elem, kind: 'helper',
    inlineX86: { bpf: ARRAY_OF_MAP_GEN_LOOKUP, source: 'kernel/bpf/arraymap.c array_of_map_gen_lookup(), privileged load' },
    inlineArm64: { bpf: ARRAY_OF_MAP_GEN_LOOKUP, source: GEN('array_of_map_gen_lookup()') },
    source: 'kernel/bpf/arraymap.c array_of_map_gen_lookup(): the slot\'s inner map pointer',
  },
  {
    name: 'bpf_map_lookup_elem (hash_of_maps)', id: BPF_FUNC.map_lookup_elem, kind: 'helper',
    inlineX86: { bpf: HTAB_OF_MAP_GEN_LOOKUP, source: 'kernel/bpf/hashtab.c htab_of_map_gen_lookup()' },
    inlineArm64: { bpf: HTAB_OF_MAP_GEN_LOOKUP, source: GEN('htab_of_map_gen_lookup()') },
    body: hashLookup, bodyArm64: A64_HASH_LOOKUP,
    source: 'kernel/bpf/hashtab.c htab_of_map_gen_lookup() → __htab_map_lookup_elem(), then the inner map pointer',
  },
  {
    name: 'bpf_map_lookup_elem (xskmap)', id: BPF_FUNC.map_lookup_elem, kind: 'helper',
    inlineX86: { bpf: XSK_MAP_GEN_LOOKUP, source: 'net/xdp/xskmap.c xsk_map_gen_lookup()' },
    inlineArm64: { bpf: XSK_MAP_GEN_LOOKUP, source: GEN('xsk_map_gen_lookup()') },
    source: 'net/xdp/xskmap.c xsk_map_gen_lookup(): the slot\'s socket pointer',
  },
  {
    name: 'bpf_map_lookup_elem (devmap)', id: BPF_FUNC.map_lookup_elem, kind: 'helper',
    body: devLookupX86('devmap'), bodyArm64: devLookupA64('devmap'),
    source: 'kernel/bpf/devmap.c dev_map_lookup_elem() (no map_gen_lookup: a direct call of the op) → __dev_map_lookup_elem()',
  },
  {
    name: 'bpf_map_lookup_elem (devmap_hash)', id: BPF_FUNC.map_lookup_elem, kind: 'helper',
    body: devLookupX86('devmap_hash'), bodyArm64: devLookupA64('devmap_hash'),
    source: 'kernel/bpf/devmap.c dev_map_hash_lookup_elem() → __dev_map_hash_lookup_elem() (the first entry of the bucket hits)',
  },
  ...(['devmap', 'devmap_hash', 'cpumap', 'xskmap'] as const).map((kind): HelperCost => ({
    name: `bpf_redirect_map (${kind})`, id: BPF_FUNC.redirect_map, kind: 'helper',
    body: redirectX86(kind), bodyArm64: redirectA64(kind),
    source: `${REDIRECT_SOURCE[kind]}; do_misc_fixups() calls ops->map_redirect directly (the entry is present: XDP_REDIRECT)`,
  })),
  {
    name: 'bpf_perf_event_output', id: BPF_FUNC.perf_event_output, kind: 'helper',
    body: PERF_OUTPUT_X86, bodyArm64: PERF_OUTPUT_A64,
    unmeasured: 'perf_prepare_sample() and perf_output_begin()/perf_output_end() are transcribed in outline (PERF_SAMPLE_RAW only, no wakeup, no lost-record path); the record copy is costed as 16 bytes whatever its size',
    source: 'kernel/trace/bpf_trace.c bpf_perf_event_output() → __bpf_perf_event_output() → kernel/events/core.c perf_event_output(), kernel/events/ring_buffer.c perf_output_begin()/perf_output_end() (packet programs: net/core/filter.c bpf_xdp_event_output()/bpf_skb_event_output(), the same path)',
  },
  {
    name: 'bpf_map_push_elem (queue)', id: BPF_FUNC.map_push_elem, kind: 'helper',
    body: PUSH_X86, bodyArm64: PUSH_A64, unmeasured: `${IRQ}; ${REP_MOVSB}`,
    source: 'kernel/bpf/queue_stack_maps.c queue_stack_map_push_elem() (queue and stack share it; do_misc_fixups() calls the op directly)',
  },
  ...(['queue', 'stack'] as const).flatMap((kind): HelperCost[] => [
    {
      name: `bpf_map_pop_elem (${kind})`, id: BPF_FUNC.map_pop_elem, kind: 'helper',
      body: getX86(kind, true), bodyArm64: getA64(kind, true), unmeasured: `${IRQ}; ${REP_MOVSB}`,
      source: `kernel/bpf/queue_stack_maps.c ${kind}_map_pop_elem() → __${kind}_map_get(map, value, true)`,
    },
    {
      name: `bpf_map_peek_elem (${kind})`, id: BPF_FUNC.map_peek_elem, kind: 'helper',
      body: getX86(kind, false), bodyArm64: getA64(kind, false), unmeasured: `${IRQ}; ${REP_MOVSB}`,
      source: `kernel/bpf/queue_stack_maps.c ${kind}_map_peek_elem() → __${kind}_map_get(map, value, false)`,
    },
  ]),
  ...([true, false] as const).map((push): HelperCost => ({
    name: `bpf_map_${push ? 'push' : 'peek'}_elem (bloom_filter)`, id: push ? BPF_FUNC.map_push_elem : BPF_FUNC.map_peek_elem, kind: 'helper',
    body: bloomX86(push), bodyArm64: bloomA64(push),
    unmeasured: 'costed with the default 5 hash functions on a 4-byte value (jhash2 of one word each); map_extra sets another count',
    source: `kernel/bpf/bloom_filter.c bloom_map_${push ? 'push' : 'peek'}_elem() (direct call of the op) → hash() → include/linux/jhash.h jhash2()`,
  })),
  {
    name: 'bpf_for_each_map_elem (array)', id: BPF_FUNC.for_each_map_elem, kind: 'helper',
    body: forEachX86('array'), bodyArm64: forEachA64('array'), unmeasured: FOR_EACH_WALK,
    perUnit: { unit: 'element visited', ops: FOR_EACH_ARRAY_STEP_X86, source: 'kernel/bpf/arraymap.c bpf_for_each_array_elem() loop body' },
    perUnitArm64: { unit: 'element visited', ops: FOR_EACH_ARRAY_STEP_A64, source: 'kernel/bpf/arraymap.c bpf_for_each_array_elem() loop body' },
    source: 'kernel/bpf/bpf_iter.c bpf_for_each_map_elem() → kernel/bpf/arraymap.c bpf_for_each_array_elem() (percpu_array: per_cpu_ptr of each value)',
  },
  {
    name: 'bpf_for_each_map_elem (hash)', id: BPF_FUNC.for_each_map_elem, kind: 'helper',
    body: forEachX86('hash'), bodyArm64: forEachA64('hash'), unmeasured: FOR_EACH_WALK,
    perUnit: { unit: 'element visited', ops: FOR_EACH_HASH_STEP_X86, source: 'kernel/bpf/hashtab.c bpf_for_each_hash_elem() inner loop (hlist_nulls_for_each_entry_safe)' },
    perUnitArm64: { unit: 'element visited', ops: FOR_EACH_HASH_STEP_A64, source: 'kernel/bpf/hashtab.c bpf_for_each_hash_elem() inner loop' },
    source: 'kernel/bpf/bpf_iter.c bpf_for_each_map_elem() → kernel/bpf/hashtab.c bpf_for_each_hash_elem() (every hash variant: per-CPU values through per_cpu_ptr)',
  },
];
