// What the arm64 kernel runs behind `bl` for the generic, tracing and XDP helpers of
// generic-helper-costs.ts: transcriptions of the same C code paths as the x86-64 bodies
// there, in the arm64 kernel's idiom (see arm64-helper-bodies.ts). Linux v6.18.

import { A64_KTIME_GET_NS } from './arm64-helper-bodies.ts';
import { a, abcond, acmp, aret, bl, frameSetup, frameTeardown, mrsCurrent, mrsPercpu, patchableEntry } from './kernel-ops-arm64.ts';
import type { MachineOp } from './op-class.ts';

/** pagefault_disable()/enable(): current->pagefault_disabled += 1 / -= 1. */
const pagefault = (delta: '+' | '-'): MachineOp[] => [
  mrsCurrent(9),
  a('load', 'ldr w10, [x9, #pagefault_disabled]', 10, [9], 'load', 'current', 4),
  a('alu', `${delta === '+' ? 'add' : 'sub'} w10, w10, #1`, 10, [10]),
  a('store', 'str w10, [x9, #pagefault_disabled]', undefined, [9, 10], 'store', 'current', 4),
];

/** copy_from_kernel_nofault() of 16 bytes: the address checks, then two 8-byte copies. */
export const A64_PROBE_READ_KERNEL: MachineOp[] = [
  ...patchableEntry(),
  ...frameSetup(),
  bl('copy_from_kernel_nofault'),
  ...patchableEntry(),
  // copy_from_kernel_nofault_allowed() (arch/arm64 has none: the generic one, true) and
  // the size loop: copy_from_kernel_nofault_loop(dst, src, size, u64).
  ...pagefault('+'),
  ...[0, 8].flatMap((off) => [
    a('load', `ldr x11, [x2, #${off}]  ; __get_kernel_nofault`, 11, [2], 'load', 'kernel', 8),
    a('store', `str x11, [x0, #${off}]`, undefined, [0, 11], 'store', 'stack', 8),
    a('alu', 'sub x1, x1, #8', 1, [1]),
    acmp('cmp x1, #8', [1]),
    abcond('b.hs .Lloop'),
  ]),
  ...pagefault('-'),
  a('mov-imm', 'mov w0, #0', 0),
  aret(),
  a('branch-cond', 'tbnz w0, #31, .Lclear  ; ret < 0: memset(dst, 0, size)', undefined, [0]),
  frameTeardown(),
  aret(),
];

/** copy_from_user_nofault() of 16 bytes: access_ok(), then raw_copy_from_user(). */
export const A64_PROBE_READ_USER: MachineOp[] = [
  ...patchableEntry(),
  ...frameSetup(),
  bl('copy_from_user_nofault'),
  ...patchableEntry(),
  a('mov-imm', 'mov x12, #TASK_SIZE_MAX', 12),
  acmp('cmp x2, x12  ; __access_ok()', [2, 12]),
  abcond('b.hi .Lefault'),
  ...pagefault('+'),
  bl('__arch_copy_from_user'),
  ...[0, 8].flatMap((off) => [
    a('load', `ldtr x11, [x1, #${off}]  ; unprivileged load`, 11, [1], 'load', 'kernel', 8),
    a('store', `str x11, [x0, #${off}]`, undefined, [0, 11], 'store', 'stack', 8),
  ]),
  a('mov-imm', 'mov x0, #0  ; bytes not copied', 0),
  aret(),
  ...pagefault('-'),
  a('mov-imm', 'mov w0, #0', 0),
  aret(),
  frameTeardown(),
  aret(),
];

/** strncpy_from_kernel_nofault(): a byte loop, 16 bytes with the NUL. */
export const A64_PROBE_READ_KERNEL_STR: MachineOp[] = [
  ...patchableEntry(),
  ...frameSetup(),
  bl('strncpy_from_kernel_nofault'),
  ...patchableEntry(),
  ...pagefault('+'),
  ...Array.from({ length: 16 }, () => [
    a('load', 'ldrb w11, [x1], #1  ; __get_kernel_nofault(u8)', 11, [1], 'load', 'kernel', 1),
    a('store', 'strb w11, [x0], #1', undefined, [0, 11], 'store', 'stack', 1),
    a('branch-cond', 'cbz w11, .Ldone', undefined, [11]),
    acmp('cmp x1, x3', [1, 3]),
    abcond('b.lo .Lbyte'),
  ]).flat(),
  ...pagefault('-'),
  a('alu', 'sub x0, x1, x2  ; src - unsafe_addr', 0, [1, 2]),
  aret(),
  frameTeardown(),
  aret(),
];

/** strncpy_from_user_nofault() → do_strncpy_from_user(): word at a time, 16 bytes. */
export const A64_PROBE_READ_USER_STR: MachineOp[] = [
  ...patchableEntry(),
  ...frameSetup(),
  bl('strncpy_from_user_nofault'),
  ...patchableEntry(),
  ...pagefault('+'),
  ...[0, 8].flatMap((off) => [
    a('load', `ldtr x11, [x1, #${off}]`, 11, [1], 'load', 'kernel', 8),
    // has_zero(): (v - ONEBYTES) & ~v & HIGHBITS
    a('alu', 'sub x12, x11, x13', 12, [11, 13]),
    a('alu', 'bic x12, x12, x11', 12, [12, 11]),
    a('alu', 'ands x12, x12, x14', 12, [12, 14]),
    a('store', `str x11, [x0, #${off}]`, undefined, [0, 11], 'store', 'stack', 8),
    abcond('b.ne .Lzero'),
  ]),
  ...pagefault('-'),
  a('mov-imm', 'mov x0, #16', 0),
  aret(),
  frameTeardown(),
  aret(),
];

/** bpf_get_current_comm(): strscpy_pad(buf, current->comm, 16). */
export const A64_GET_CURRENT_COMM: MachineOp[] = [
  ...patchableEntry(),
  ...frameSetup(),
  mrsCurrent(8),
  a('alu', 'add x1, x8, #comm', 1, [8]),
  bl('sized_strscpy'),
  ...[0, 8].flatMap((off) => [
    a('load', `ldr x11, [x1, #${off}]`, 11, [1], 'load', 'current', 8),
    a('alu', 'sub x12, x11, x13  ; has_zero()', 12, [11, 13]),
    a('alu', 'bic x12, x12, x11', 12, [12, 11]),
    a('alu', 'ands x12, x12, x14', 12, [12, 14]),
    a('store', `str x11, [x0, #${off}]`, undefined, [0, 11], 'store', 'stack', 8),
    abcond('b.ne .Lzero'),
  ]),
  aret(),
  bl('memset  ; the padding after the NUL'),
  a('store', 'stp xzr, xzr, [x0]', undefined, [0], 'store', 'stack', 16),
  aret(),
  a('mov-imm', 'mov w0, #0', 0),
  frameTeardown(),
  aret(),
];

/** bpf_get_current_cgroup_id(): rcu_read_lock(); cgroup_id(task_dfl_cgroup(current)). */
export const A64_CURRENT_CGROUP_ID: MachineOp[] = [
  ...patchableEntry(),
  mrsCurrent(8),
  a('load', 'ldr w9, [x8, #rcu_read_lock_nesting]', 9, [8], 'load', 'current', 4),
  a('alu', 'add w9, w9, #1', 9, [9]),
  a('store', 'str w9, [x8, #rcu_read_lock_nesting]', undefined, [8, 9], 'store', 'current', 4),
  a('load', 'ldr x10, [x8, #cgroups]  ; task->cgroups', 10, [8], 'load', 'current', 8),
  a('load', 'ldr x10, [x10, #dfl_cgrp]', 10, [10], 'load', 'kernel', 8),
  a('load', 'ldr x10, [x10, #kn]  ; cgrp->kn', 10, [10], 'load', 'kernel', 8),
  a('load', 'ldr x0, [x10, #id]  ; kn->id', 0, [10], 'load', 'kernel', 8),
  a('alu', 'sub w9, w9, #1  ; rcu_read_unlock()', 9, [9]),
  a('store', 'str w9, [x8, #rcu_read_lock_nesting]', undefined, [8, 9], 'store', 'current', 4),
  a('load', 'ldr w11, [x8, #rcu_read_unlock_special]', 11, [8], 'load', 'current', 4),
  a('branch-cond', 'cbnz w11, .Lspecial', undefined, [11]),
  aret(),
];

/** bpf_get_numa_node_id(): this_cpu_read(numa_node). */
export const A64_NUMA_NODE_ID: MachineOp[] = [
  ...patchableEntry(),
  mrsPercpu(8),
  a('load', 'ldr w0, [x8, #numa_node]', 0, [8], 'load', 'percpu-offset', 4),
  aret(),
];

/** ktime_get_boot_fast_ns(): ktime_get_mono_fast_ns() + tk_core.timekeeper.offs_boot. */
export const A64_KTIME_GET_BOOT_NS: MachineOp[] = [
  ...A64_KTIME_GET_NS.slice(0, -2),
  a('load', 'ldr x9, [x15, #offs_boot]', 9, [15], 'load', 'kernel', 8),
  a('alu', 'add x0, x0, x9', 0, [0, 9]),
  ...A64_KTIME_GET_NS.slice(-2),
];

/** ktime_get_coarse_ns() → ktime_get_coarse_with_offset(): seqcount, base + offset + coarse_nsec. */
export const A64_KTIME_GET_COARSE_NS: MachineOp[] = [
  ...patchableEntry(),
  ...frameSetup(),
  bl('ktime_get_coarse_with_offset'),
  a('load', 'ldr w8, [x9]  ; read_seqcount_begin(&tk_core.seq)', 8, [9], 'load', 'kernel', 4),
  a('branch-cond', 'tbnz w8, #0, .Lretry', undefined, [8]),
  a('load', 'ldr x10, [x9, #tkr_mono_base]', 10, [9], 'load', 'kernel', 8),
  a('load', 'ldr x11, [x9, #offs_real]', 11, [9], 'load', 'kernel', 8),
  a('load', 'ldr x12, [x9, #coarse_nsec]', 12, [9], 'load', 'kernel', 8),
  a('alu', 'add x10, x10, x11', 10, [10, 11]),
  a('alu', 'add x0, x10, x12', 0, [10, 12]),
  a('load', 'ldr w13, [x9]  ; read_seqcount_retry()', 13, [9], 'load', 'kernel', 4),
  acmp('cmp w13, w8', [13, 8]),
  abcond('b.ne .Lretry'),
  aret(),
  frameTeardown(),
  aret(),
];

/** bpf_xdp_adjust_head(): bounds checks on the new data, no metadata to move. */
export const A64_XDP_ADJUST_HEAD: MachineOp[] = [
  ...patchableEntry(),
  a('load', 'ldp x8, x9, [x0]  ; xdp->data, data_end', 8, [0], 'load', 'kernel', 16),
  a('load', 'ldp x10, x11, [x0, #16]  ; data_meta, data_hard_start', 10, [0], 'load', 'kernel', 16),
  a('alu', 'sub x12, x8, x10  ; metalen', 12, [8, 10]),
  a('alu', 'add x13, x11, #40  ; xdp_frame_end', 13, [11]),
  a('alu', 'add x13, x13, x12  ; data_start', 13, [13, 12]),
  a('alu', 'add x14, x8, w1, sxtw  ; data + offset', 14, [8, 1]),
  acmp('cmp x14, x13', [14, 13]),
  abcond('b.lo .Leinval'),
  a('alu', 'sub x15, x9, #14  ; data_end - ETH_HLEN', 15, [9]),
  acmp('cmp x14, x15', [14, 15]),
  abcond('b.hi .Leinval'),
  a('branch-cond', 'cbnz x12, .Lmemmove', undefined, [12]),
  a('alu', 'add x10, x10, w1, sxtw', 10, [10, 1]),
  a('store', 'stp x14, x9, [x0]', undefined, [0, 14, 9], 'store', 'kernel', 16),
  a('store', 'str x10, [x0, #16]', undefined, [0, 10], 'store', 'kernel', 8),
  a('mov-imm', 'mov w0, #0', 0),
  aret(),
];

/** bpf_xdp_adjust_meta(): the new data_meta's bounds and length checks. */
export const A64_XDP_ADJUST_META: MachineOp[] = [
  ...patchableEntry(),
  a('load', 'ldr x8, [x0]  ; xdp->data', 8, [0], 'load', 'kernel', 8),
  a('load', 'ldp x10, x11, [x0, #16]  ; data_meta, data_hard_start', 10, [0], 'load', 'kernel', 16),
  acmp('cmp x10, x8  ; xdp_data_meta_unsupported()', [10, 8]),
  abcond('b.hi .Lenotsupp'),
  a('alu', 'add x12, x10, w1, sxtw  ; meta', 12, [10, 1]),
  a('alu', 'add x13, x11, #40', 13, [11]),
  acmp('cmp x12, x13', [12, 13]),
  abcond('b.lo .Leinval'),
  acmp('cmp x12, x8', [12, 8]),
  abcond('b.hi .Leinval'),
  a('alu', 'sub x14, x8, x12  ; metalen', 14, [8, 12]),
  acmp('tst x14, #3', [14]),
  abcond('b.ne .Leacces'),
  acmp('cmp x14, #255', [14]),
  abcond('b.hi .Leacces'),
  a('store', 'str x12, [x0, #16]', undefined, [0, 12], 'store', 'kernel', 8),
  a('mov-imm', 'mov w0, #0', 0),
  aret(),
];

/** bpf_xdp_adjust_tail(), linear buffer, shrinking (no memset). */
export const A64_XDP_ADJUST_TAIL: MachineOp[] = [
  ...patchableEntry(),
  a('load', 'ldr w8, [x0, #flags]', 8, [0], 'load', 'kernel', 4),
  a('branch-cond', 'tbnz w8, #XDP_FLAGS_HAS_FRAGS, .Lfrags', undefined, [8]),
  a('load', 'ldp x9, x10, [x0]  ; data, data_end', 9, [0], 'load', 'kernel', 16),
  a('load', 'ldr x11, [x0, #24]  ; data_hard_start', 11, [0], 'load', 'kernel', 8),
  a('load', 'ldr w12, [x0, #frame_sz]', 12, [0], 'load', 'kernel', 4),
  a('alu', 'add x11, x11, x12', 11, [11, 12]),
  a('alu', 'sub x11, x11, #320  ; xdp_data_hard_end()', 11, [11]),
  a('alu', 'add x13, x10, w1, sxtw', 13, [10, 1]),
  acmp('cmp x13, x11', [13, 11]),
  abcond('b.hi .Leinval'),
  a('alu', 'add x14, x9, #14', 14, [9]),
  acmp('cmp x13, x14', [13, 14]),
  abcond('b.lo .Leinval'),
  acmp('cmp w1, #0', [1]),
  abcond('b.gt .Lmemset'),
  a('store', 'str x13, [x0, #8]', undefined, [0, 13], 'store', 'kernel', 8),
  a('mov-imm', 'mov w0, #0', 0),
  aret(),
];

/**
 * bpf_csum_diff() with 4-byte from and to: two do_csum() calls (lib/checksum.c, arm64 has
 * its own arch/arm64/lib/csum.c do_csum()), csum_sub(), csum_from32to16().
 */
export const A64_CSUM_DIFF: MachineOp[] = [
  ...patchableEntry(),
  ...frameSetup(),
  ...['to', 'from'].flatMap((which) => [
    bl(`csum_partial  ; ${which}`),
    a('load', 'ldr w9, [x0]', 9, [0], 'load', 'stack', 4),
    a('alu', 'adds x10, x10, x9', 10, [10, 9]),
    a('alu', 'adc x10, x10, xzr', 10, [10]),
    a('shift', 'ror x11, x10, #32', 11, [10]),
    a('alu', 'add x10, x10, x11', 10, [10, 11]),
    a('shift', 'lsr x0, x10, #32', 0, [10]),
    aret(),
  ]),
  a('alu', 'mvn w9, w0  ; csum_sub()', 9, [0]),
  a('alu', 'adds w10, w19, w9', 10, [19, 9]),
  a('alu', 'cinc w10, w10, cs', 10, [10]),
  a('shift', 'ror w11, w10, #16  ; csum_from32to16()', 11, [10]),
  a('alu', 'add w10, w10, w11', 10, [10, 11]),
  a('shift', 'lsr w0, w10, #16', 0, [10]),
  frameTeardown(),
  aret(),
];

/** bpf_xdp_fib_lookup() on the default namespace: the device, then forwarding off. */
export const A64_FIB_LOOKUP: MachineOp[] = [
  ...patchableEntry(),
  ...frameSetup(),
  acmp('cmp w2, #64  ; plen', [2]),
  abcond('b.lt .Leinval'),
  acmp('tst w3, #~63  ; flags', [3]),
  abcond('b.ne .Leinval'),
  a('load', 'ldrb w8, [x1]  ; params->family', 8, [1], 'load', 'stack', 1),
  acmp('cmp w8, #2', [8]),
  abcond('b.ne .Lipv6'),
  a('load', 'ldr w1, [x1, #8]  ; params->ifindex', 1, [1], 'load', 'stack', 4),
  bl('dev_get_by_index_rcu'),
  ...patchableEntry(),
  a('alu', 'and w9, w1, #0xff  ; dev_index_hash()', 9, [1]),
  a('load', 'ldr x10, [x0, #dev_index_head]', 10, [0], 'load', 'kernel', 8),
  a('load', 'ldr x11, [x10, x9, lsl #3]', 11, [10, 9], 'load', 'kernel', 8),
  a('load', 'ldr w12, [x11, #ifindex]', 12, [11], 'load', 'kernel', 4),
  acmp('cmp w12, w1', [12, 1]),
  abcond('b.ne .Lnext'),
  a('mov-reg', 'mov x0, x11', 0, [11]),
  aret(),
  a('branch-cond', 'cbz x0, .Lenodev', undefined, [0]),
  a('load', 'ldr x9, [x0, #ip_ptr]  ; __in_dev_get_rcu()', 9, [0], 'load', 'kernel', 8),
  a('branch-cond', 'cbz x9, .Lfwd_disabled', undefined, [9]),
  a('load', 'ldr w10, [x9, #cnf_forwarding]  ; IN_DEV_FORWARD()', 10, [9], 'load', 'kernel', 4),
  a('branch-cond', 'cbz w10, .Lfwd_disabled', undefined, [10]),
  a('mov-imm', 'mov w0, #BPF_FIB_LKUP_RET_FWD_DISABLED', 0),
  frameTeardown(),
  aret(),
];

/** bpf_bprintf_prepare() over `chars` format characters: classify, then the % check. */
function a64FormatScan(chars: number): MachineOp[] {
  return Array.from({ length: chars }, () => [
    a('load', 'ldrb w9, [x0], #1', 9, [0], 'load', 'kernel', 1),
    a('load', 'ldrb w10, [x20, x9]  ; _ctype[]', 10, [20, 9], 'load', 'kernel', 1),
    acmp('tst w10, #(_P|_S)', [10]),
    abcond('b.eq .Leinval'),
    acmp('cmp w9, #\'%\'', [9]),
    abcond('b.eq .Lspec'),
  ]).flat();
}

/** bstr_printf() copying `chars` literal characters and formatting one integer. */
function a64Bstr(chars: number): MachineOp[] {
  return [
    bl('bstr_printf'),
    ...frameSetup(),
    ...Array.from({ length: chars }, () => [
      a('load', 'ldrb w9, [x2], #1', 9, [2], 'load', 'kernel', 1),
      acmp('cmp w9, #\'%\'', [9]),
      abcond('b.eq .Lspec'),
      a('store', 'strb w9, [x0], #1', undefined, [0, 9], 'store', 'kernel', 1),
    ]).flat(),
    bl('number'),
    ...Array.from({ length: 3 }, () => [
      a('imul', 'umulh x10, x9, x11  ; / 10', 10, [9, 11]),
      a('alu', 'msub x12, x10, x13, x9', 12, [10, 13, 9]),
      a('store', 'strb w12, [x14], #1', undefined, [14, 12], 'store', 'stack', 1),
    ]).flat(),
    aret(),
    frameTeardown(),
    aret(),
  ];
}

/** bpf_trace_printk() of a 16-character format with one %d: prepare, format, and the
 * bpf_trace_printk trace event written to the ring buffer. */
export const A64_TRACE_PRINTK: MachineOp[] = [
  ...patchableEntry(),
  ...frameSetup(),
  bl('bpf_bprintf_prepare'),
  mrsPercpu(8),
  a('load', 'ldr w9, [x8, #bpf_bprintf_nest_level]', 9, [8], 'load', 'percpu-offset', 4),
  a('alu', 'add w9, w9, #1', 9, [9]),
  a('store', 'str w9, [x8, #bpf_bprintf_nest_level]', undefined, [8, 9], 'store', 'percpu-offset', 4),
  ...a64FormatScan(16),
  aret(),
  ...a64Bstr(14),
  bl('trace_event_buffer_reserve'),
  mrsPercpu(8),
  a('load', 'ldr x9, [x8, #trace_buffered_event]', 9, [8], 'load', 'percpu-offset', 8),
  a('load', 'ldr x10, [x19, #buffer]', 10, [19], 'load', 'kernel', 8),
  a('load', 'ldr x11, [x10, #tail_page]  ; rb_reserve_next_event()', 11, [10], 'load', 'kernel', 8),
  a('atomic-rmw', 'ldadd x12, x13, [x11]  ; local_add_return(length, &tail_page->write)', 13, [11, 12], 'rmw', 'kernel', 8),
  aret(),
  bl('strcpy'),
  ...Array.from({ length: 3 }, () => [
    a('load', 'ldr x9, [x1], #8', 9, [1], 'load', 'stack', 8),
    a('store', 'str x9, [x0], #8', undefined, [0, 9], 'store', 'kernel', 8),
  ]).flat(),
  aret(),
  bl('trace_event_buffer_commit'),
  a('load', 'ldr x9, [x10, #commit_page]', 9, [10], 'load', 'kernel', 8),
  a('store', 'str x13, [x9, #commit]', undefined, [9, 13], 'store', 'kernel', 8),
  aret(),
  mrsPercpu(8),
  a('load', 'ldr w9, [x8, #bpf_bprintf_nest_level]', 9, [8], 'load', 'percpu-offset', 4),
  a('alu', 'sub w9, w9, #1  ; bpf_bprintf_cleanup()', 9, [9]),
  a('store', 'str w9, [x8, #bpf_bprintf_nest_level]', undefined, [8, 9], 'store', 'percpu-offset', 4),
  frameTeardown(),
  aret(),
];

/** bpf_snprintf() of a 16-character format with one %d into the program's buffer. */
export const A64_SNPRINTF: MachineOp[] = [
  ...patchableEntry(),
  ...frameSetup(),
  bl('bpf_bprintf_prepare'),
  mrsPercpu(8),
  a('load', 'ldr w9, [x8, #bpf_bprintf_nest_level]', 9, [8], 'load', 'percpu-offset', 4),
  a('alu', 'add w9, w9, #1', 9, [9]),
  a('store', 'str w9, [x8, #bpf_bprintf_nest_level]', undefined, [8, 9], 'store', 'percpu-offset', 4),
  ...a64FormatScan(16),
  aret(),
  ...a64Bstr(14),
  a('alu', 'add w0, w0, #1', 0, [0]),
  frameTeardown(),
  aret(),
];
