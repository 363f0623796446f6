// Costs of the generic, tracing and XDP helpers (engine/exec/helpers: probe-read.ts,
// current-task.ts, trace-printk.ts, xdp-adjust.ts, csum.ts, fib-lookup.ts, task.ts),
// in the shapes of helper-costs.ts: the x86-64 body behind `call rel32` transcribed from
// the Linux v6.18 C code path the simulated call takes, the arm64 one from
// arm64-generic-helper-bodies.ts, or the verifier's inline rewrite. Helpers whose work
// grows with an argument (bytes copied, format length) are priced at the size named in
// their `unmeasured` note.

import * as A64 from './arm64-generic-helper-bodies.ts';
import type { BpfSeqInsn, HelperCost } from './helper-cost-types.ts';
import { BPF_FUNC } from './helper-ids.ts';
import { fentryNop, k, kret, loadCurrent } from './kernel-ops-x86.ts';
import { X86_REG, type MachineOp } from './op-class.ts';
import { KTIME_GET_NS_X86 } from './x86-clock-bodies.ts';

const R = X86_REG;

const call = (fn: string): MachineOp => k('call-direct', `call ${fn}`, R.rax, [R.rsp], 'store', 'stack', 8);

/** pagefault_disable()/enable() (include/linux/uaccess.h): current->pagefault_disabled ± 1. */
const pagefault = (op: 'inc' | 'dec'): MachineOp[] => [
  loadCurrent(R.rdx),
  k('load', `${op} dword ptr [rdx + pagefault_disabled]  ; the read`, R.r11, [R.rdx], 'load', 'current', 4),
  k('store', `${op} dword ptr [rdx + pagefault_disabled]  ; the write`, undefined, [R.rdx, R.r11], 'store', 'current', 4),
];

/** copy_from_kernel_nofault_allowed() (arch/x86/mm/maccess.c): above TASK_SIZE_MAX +
 * PAGE_SIZE and canonical. */
const kernelAddressCheck: MachineOp[] = [
  k('movabs', 'movabs rax, 0x800000000000', R.rax),
  k('alu', 'cmp rsi, rax', R.flags, [R.rsi, R.rax]),
  k('branch-cond', 'jb .Lerange', undefined, [R.flags]),
  k('mov-reg', 'mov rax, rsi', R.rax, [R.rsi]),
  k('shift', 'shl rax, 16', R.rax, [R.rax]),
  k('shift', 'sar rax, 16  ; __is_canonical_address()', R.rax, [R.rax]),
  k('alu', 'cmp rax, rsi', R.flags, [R.rax, R.rsi]),
  k('branch-cond', 'jne .Lerange', undefined, [R.flags]),
];

/** bpf_probe_read_kernel_common() → copy_from_kernel_nofault() of 16 bytes. */
const PROBE_READ_KERNEL: MachineOp[] = [
  fentryNop(),
  call('copy_from_kernel_nofault'),
  fentryNop(),
  ...kernelAddressCheck,
  ...pagefault('inc'),
  // copy_from_kernel_nofault_loop(dst, src, size, u64, Efault): __get_kernel_nofault()
  // is a plain load with an exception-table entry.
  ...[0, 8].flatMap((off) => [
    k('load', `mov rcx, qword ptr [rsi + ${off}]`, R.rcx, [R.rsi], 'load', 'kernel', 8),
    k('store', `mov qword ptr [rdi + ${off}], rcx`, undefined, [R.rdi, R.rcx], 'store', 'stack', 8),
    k('alu', 'sub rdx, 8', R.rdx, [R.rdx]),
    k('alu', 'cmp rdx, 7', R.flags, [R.rdx]),
    k('branch-cond', 'ja .Lloop', undefined, [R.flags]),
  ]),
  ...pagefault('dec'),
  k('alu', 'xor eax, eax', R.rax),
  kret(),
  k('alu', 'test eax, eax  ; ret < 0: memset(dst, 0, size)', R.flags, [R.rax]),
  k('branch-cond', 'js .Lclear', undefined, [R.flags]),
  kret(),
];

/** bpf_probe_read_user_common() → copy_from_user_nofault() of 16 bytes: __access_ok(),
 * nmi_uaccess_okay(), then copy_user_generic() (FSRM rep movsb between stac and clac). */
const PROBE_READ_USER: MachineOp[] = [
  fentryNop(),
  call('copy_from_user_nofault'),
  fentryNop(),
  k('movabs', 'movabs rax, 0x7ffffffff000', R.rax),
  k('alu', 'cmp rsi, rax  ; __access_ok()', R.flags, [R.rsi, R.rax]),
  k('branch-cond', 'ja .Lefault', undefined, [R.flags]),
  k('gs-load', 'mov rax, qword ptr gs:[cpu_tlbstate + loaded_mm]  ; nmi_uaccess_okay()', R.rax, [], 'load', 'percpu-offset', 8),
  loadCurrent(R.rdx),
  k('load-alu', 'cmp rax, qword ptr [rdx + mm]', R.flags, [R.rax, R.rdx], 'load', 'current', 8),
  k('branch-cond', 'jne .Lefault', undefined, [R.flags]),
  ...pagefault('inc'),
  k('nop', 'stac  ; charged as a nop', undefined, []),
  k('load', 'rep movsb  ; 16 bytes: the load', R.r8, [R.rsi, R.rcx], 'load', 'kernel', 16),
  k('store', 'rep movsb  ; the store', undefined, [R.rdi, R.r8], 'store', 'stack', 16),
  k('nop', 'clac  ; charged as a nop', undefined, []),
  ...pagefault('dec'),
  k('alu', 'xor eax, eax', R.rax),
  kret(),
  k('alu', 'test eax, eax', R.flags, [R.rax]),
  k('branch-cond', 'js .Lclear', undefined, [R.flags]),
  kret(),
];

/** strncpy_from_kernel_nofault(): a byte loop, 16 bytes with the NUL. */
const PROBE_READ_KERNEL_STR: MachineOp[] = [
  fentryNop(),
  call('strncpy_from_kernel_nofault'),
  fentryNop(),
  k('alu', 'test rdx, rdx  ; count <= 0', R.flags, [R.rdx]),
  k('branch-cond', 'jle .Lzero', undefined, [R.flags]),
  ...kernelAddressCheck,
  ...pagefault('inc'),
  ...Array.from({ length: 16 }, (_, i) => [
    k('load', `movzx ecx, byte ptr [rsi + ${i}]  ; __get_kernel_nofault(u8)`, R.rcx, [R.rsi], 'load', 'kernel', 1),
    k('store', `mov byte ptr [rdi + ${i}], cl`, undefined, [R.rdi, R.rcx], 'store', 'stack', 1),
    k('alu', 'test cl, cl', R.flags, [R.rcx]),
    k('branch-cond', 'je .Ldone', undefined, [R.flags]),
  ]).flat(),
  ...pagefault('dec'),
  k('mov-reg', 'mov rax, rsi', R.rax, [R.rsi]),
  kret(),
  k('alu', 'test rax, rax', R.flags, [R.rax]),
  k('branch-cond', 'js .Lclear', undefined, [R.flags]),
  kret(),
];

/** strncpy_from_user_nofault() → do_strncpy_from_user(): 8 bytes at a time, 16 bytes. */
const PROBE_READ_USER_STR: MachineOp[] = [
  fentryNop(),
  call('strncpy_from_user_nofault'),
  fentryNop(),
  ...pagefault('inc'),
  k('nop', 'stac  ; charged as a nop', undefined, []),
  ...[0, 8].flatMap((off) => [
    k('load', `mov rax, qword ptr [rsi + ${off}]  ; unsafe_get_user()`, R.rax, [R.rsi], 'load', 'kernel', 8),
    // has_zero() (include/asm-generic/word-at-a-time.h): (v - ONEBYTES) & ~v & HIGHBITS
    k('lea', 'lea rcx, [rax + r9]', R.rcx, [R.rax, R.r9]),
    k('alu', 'andn rcx, rax, rcx', R.rcx, [R.rax, R.rcx]),
    k('alu', 'and rcx, r10', R.rcx, [R.rcx, R.r10]),
    k('store', `mov qword ptr [rdi + ${off}], rax`, undefined, [R.rdi, R.rax], 'store', 'stack', 8),
    k('branch-cond', 'jne .Lzero', undefined, [R.flags]),
  ]),
  k('nop', 'clac  ; charged as a nop', undefined, []),
  ...pagefault('dec'),
  kret(),
  kret(),
];

/** bpf_probe_read_compat(): x86-64 splits on TASK_SIZE and takes the kernel path. */
const compatSplit: MachineOp[] = [
  k('movabs', 'movabs rax, 0x7ffffffff000', R.rax),
  k('alu', 'cmp rdx, rax  ; unsafe_ptr < TASK_SIZE', R.flags, [R.rdx, R.rax]),
  k('branch-cond', 'jb .Luser', undefined, [R.flags]),
];

/** bpf_get_current_comm() → strscpy_pad(buf, current->comm, 16): sized_strscpy() word at
 * a time, then memset() of the padding. */
const GET_CURRENT_COMM: MachineOp[] = [
  fentryNop(),
  loadCurrent(),
  k('lea', 'lea rsi, [rax + comm]', R.rsi, [R.rax]),
  call('sized_strscpy'),
  fentryNop(),
  ...[0, 8].flatMap((off) => [
    k('load', `mov rax, qword ptr [rsi + ${off}]`, R.rax, [R.rsi], 'load', 'current', 8),
    k('lea', 'lea rcx, [rax + r9]  ; has_zero()', R.rcx, [R.rax, R.r9]),
    k('alu', 'andn rcx, rax, rcx', R.rcx, [R.rax, R.rcx]),
    k('alu', 'and rcx, r10', R.rcx, [R.rcx, R.r10]),
    k('store', `mov qword ptr [rdi + ${off}], rax`, undefined, [R.rdi, R.rax], 'store', 'stack', 8),
    k('branch-cond', 'jne .Lzero', undefined, [R.flags]),
  ]),
  kret(),
  call('memset  ; the padding after the NUL'),
  k('store', 'rep stosb', undefined, [R.rdi, R.rcx], 'store', 'stack', 8),
  kret(),
  k('alu', 'xor eax, eax', R.rax),
  kret(),
];

/** bpf_get_current_cgroup_id(): rcu_read_lock() (PREEMPT_RCU: a nesting counter),
 * task_dfl_cgroup(current)->kn->id, rcu_read_unlock(). */
const CURRENT_CGROUP_ID: MachineOp[] = [
  fentryNop(),
  loadCurrent(R.rdx),
  k('load', 'inc dword ptr [rdx + rcu_read_lock_nesting]  ; the read', R.r11, [R.rdx], 'load', 'current', 4),
  k('store', 'inc dword ptr [rdx + rcu_read_lock_nesting]  ; the write', undefined, [R.rdx, R.r11], 'store', 'current', 4),
  k('load', 'mov rax, qword ptr [rdx + cgroups]  ; task->cgroups', R.rax, [R.rdx], 'load', 'current', 8),
  k('load', 'mov rax, qword ptr [rax + dfl_cgrp]', R.rax, [R.rax], 'load', 'kernel', 8),
  k('load', 'mov rax, qword ptr [rax + kn]  ; cgrp->kn', R.rax, [R.rax], 'load', 'kernel', 8),
  k('load', 'mov rax, qword ptr [rax + id]  ; kn->id', R.rax, [R.rax], 'load', 'kernel', 8),
  k('load', 'dec dword ptr [rdx + rcu_read_lock_nesting]  ; the read', R.r11, [R.rdx], 'load', 'current', 4),
  k('store', 'dec dword ptr [rdx + rcu_read_lock_nesting]  ; the write', undefined, [R.rdx, R.r11], 'store', 'current', 4),
  k('load-alu', 'cmp dword ptr [rdx + rcu_read_unlock_special], 0', R.flags, [R.rdx], 'load', 'current', 4),
  k('branch-cond', 'jne .Lspecial', undefined, [R.flags]),
  kret(),
];

/** ktime_get_boot_fast_ns(): ktime_get_mono_fast_ns() + tk_core.timekeeper.offs_boot. */
const KTIME_GET_BOOT_NS: MachineOp[] = [
  ...KTIME_GET_NS_X86.slice(0, -1),
  k('load-alu', 'add rax, qword ptr [tk_core + offs_boot]', R.rax, [R.rax], 'load', 'kernel', 8),
  kret(),
];

/** ktime_get_coarse_ns() → ktime_get_coarse_with_offset(): no clocksource read. */
const KTIME_GET_COARSE_NS: MachineOp[] = [
  fentryNop(),
  call('ktime_get_coarse_with_offset'),
  fentryNop(),
  k('load', 'mov ecx, dword ptr [tk_core]  ; read_seqcount_begin()', R.rcx, [], 'load', 'kernel', 4),
  k('alu', 'test cl, 1', R.flags, [R.rcx]),
  k('branch-cond', 'jne .Lpause', undefined, [R.flags]),
  k('load', 'mov rax, qword ptr [tk_core + tkr_mono_base]', R.rax, [], 'load', 'kernel', 8),
  k('load-alu', 'add rax, qword ptr [tk_core + offs]', R.rax, [R.rax], 'load', 'kernel', 8),
  k('load-alu', 'add rax, qword ptr [tk_core + coarse_nsec]', R.rax, [R.rax], 'load', 'kernel', 8),
  k('load-alu', 'cmp ecx, dword ptr [tk_core]  ; read_seqcount_retry()', R.flags, [R.rcx], 'load', 'kernel', 4),
  k('branch-cond', 'jne .Lretry', undefined, [R.flags]),
  kret(),
  kret(),
];

/** do_misc_fixups(): bpf_jiffies64() becomes r0 = &jiffies; r0 = *(u64 *)r0 on 64-bit JITs. */
const JIFFIES64_INLINE: BpfSeqInsn[] = [
  ['lddw', 'lddw', 0, 0, 0, 0],
  ['ldxdw', 'load', 0, 0, 0, 0],
];

/** bpf_xdp_adjust_head() with no metadata (the memmove skipped). */
const XDP_ADJUST_HEAD: MachineOp[] = [
  fentryNop(),
  k('load', 'mov rax, qword ptr [rdi]  ; xdp->data', R.rax, [R.rdi], 'load', 'kernel', 8),
  k('load', 'mov rcx, qword ptr [rdi + 16]  ; xdp->data_meta', R.rcx, [R.rdi], 'load', 'kernel', 8),
  k('load', 'mov rdx, qword ptr [rdi + 24]  ; xdp->data_hard_start', R.rdx, [R.rdi], 'load', 'kernel', 8),
  k('mov-reg', 'mov r8, rax', R.r8, [R.rax]),
  k('alu', 'sub r8, rcx  ; metalen', R.r8, [R.r8, R.rcx]),
  k('lea', 'lea rdx, [rdx + r8 + 40]  ; data_start', R.rdx, [R.rdx, R.r8]),
  k('movzx', 'movsxd rsi, esi', R.rsi, [R.rsi]),
  k('lea', 'lea r9, [rax + rsi]  ; data + offset', R.r9, [R.rax, R.rsi]),
  k('alu', 'cmp r9, rdx', R.flags, [R.r9, R.rdx]),
  k('branch-cond', 'jb .Leinval', undefined, [R.flags]),
  k('load', 'mov r10, qword ptr [rdi + 8]  ; xdp->data_end', R.r10, [R.rdi], 'load', 'kernel', 8),
  k('lea', 'lea r11, [r10 - 14]', R.r11, [R.r10]),
  k('alu', 'cmp r9, r11', R.flags, [R.r9, R.r11]),
  k('branch-cond', 'ja .Leinval', undefined, [R.flags]),
  k('alu', 'test r8, r8', R.flags, [R.r8]),
  k('branch-cond', 'jne .Lmemmove', undefined, [R.flags]),
  k('alu', 'add rcx, rsi', R.rcx, [R.rcx, R.rsi]),
  k('store', 'mov qword ptr [rdi + 16], rcx', undefined, [R.rdi, R.rcx], 'store', 'kernel', 8),
  k('store', 'mov qword ptr [rdi], r9', undefined, [R.rdi, R.r9], 'store', 'kernel', 8),
  k('alu', 'xor eax, eax', R.rax),
  kret(),
];

/** bpf_xdp_adjust_meta(). */
const XDP_ADJUST_META: MachineOp[] = [
  fentryNop(),
  k('load', 'mov rax, qword ptr [rdi]  ; xdp->data', R.rax, [R.rdi], 'load', 'kernel', 8),
  k('load', 'mov rcx, qword ptr [rdi + 16]  ; xdp->data_meta', R.rcx, [R.rdi], 'load', 'kernel', 8),
  k('alu', 'cmp rcx, rax  ; xdp_data_meta_unsupported()', R.flags, [R.rcx, R.rax]),
  k('branch-cond', 'ja .Lenotsupp', undefined, [R.flags]),
  k('movzx', 'movsxd rsi, esi', R.rsi, [R.rsi]),
  k('alu', 'add rcx, rsi  ; meta', R.rcx, [R.rcx, R.rsi]),
  k('load', 'mov rdx, qword ptr [rdi + 24]  ; data_hard_start', R.rdx, [R.rdi], 'load', 'kernel', 8),
  k('lea', 'lea rdx, [rdx + 40]  ; xdp_frame_end', R.rdx, [R.rdx]),
  k('alu', 'cmp rcx, rdx', R.flags, [R.rcx, R.rdx]),
  k('branch-cond', 'jb .Leinval', undefined, [R.flags]),
  k('alu', 'cmp rcx, rax', R.flags, [R.rcx, R.rax]),
  k('branch-cond', 'ja .Leinval', undefined, [R.flags]),
  k('alu', 'sub rax, rcx  ; metalen', R.rax, [R.rax, R.rcx]),
  k('alu', 'test al, 3', R.flags, [R.rax]),
  k('branch-cond', 'jne .Leacces', undefined, [R.flags]),
  k('alu', 'cmp rax, 255', R.flags, [R.rax]),
  k('branch-cond', 'ja .Leacces', undefined, [R.flags]),
  k('store', 'mov qword ptr [rdi + 16], rcx', undefined, [R.rdi, R.rcx], 'store', 'kernel', 8),
  k('alu', 'xor eax, eax', R.rax),
  kret(),
];

/** bpf_xdp_adjust_tail() on a linear buffer, shrinking (no memset). */
const XDP_ADJUST_TAIL: MachineOp[] = [
  fentryNop(),
  k('load-alu', 'test byte ptr [rdi + flags], XDP_FLAGS_HAS_FRAGS', R.flags, [R.rdi], 'load', 'kernel', 1),
  k('branch-cond', 'jne .Lfrags', undefined, [R.flags]),
  k('load', 'mov eax, dword ptr [rdi + frame_sz]', R.rax, [R.rdi], 'load', 'kernel', 4),
  k('load-alu', 'add rax, qword ptr [rdi + 24]  ; data_hard_start', R.rax, [R.rax, R.rdi], 'load', 'kernel', 8),
  k('alu', 'sub rax, 320  ; xdp_data_hard_end()', R.rax, [R.rax]),
  k('movzx', 'movsxd rsi, esi', R.rsi, [R.rsi]),
  k('load', 'mov rcx, qword ptr [rdi + 8]  ; data_end', R.rcx, [R.rdi], 'load', 'kernel', 8),
  k('alu', 'add rcx, rsi', R.rcx, [R.rcx, R.rsi]),
  k('alu', 'cmp rcx, rax', R.flags, [R.rcx, R.rax]),
  k('branch-cond', 'ja .Leinval', undefined, [R.flags]),
  k('load', 'mov rdx, qword ptr [rdi]  ; data', R.rdx, [R.rdi], 'load', 'kernel', 8),
  k('lea', 'lea rdx, [rdx + 14]', R.rdx, [R.rdx]),
  k('alu', 'cmp rcx, rdx', R.flags, [R.rcx, R.rdx]),
  k('branch-cond', 'jb .Leinval', undefined, [R.flags]),
  k('alu', 'test esi, esi', R.flags, [R.rsi]),
  k('branch-cond', 'jg .Lmemset', undefined, [R.flags]),
  k('store', 'mov qword ptr [rdi + 8], rcx', undefined, [R.rdi, R.rcx], 'store', 'kernel', 8),
  k('alu', 'xor eax, eax', R.rax),
  kret(),
];

/** csum_partial() (arch/x86/lib/csum-partial_64.c) of 4 bytes: the `len & 7` tail, then
 * csum_finalize_sum(). */
const csumPartial4: MachineOp[] = [
  call('csum_partial'),
  fentryNop(),
  k('load', 'mov rax, qword ptr [rdi]  ; load_unaligned_zeropad()', R.rax, [R.rdi], 'load', 'stack', 8),
  k('shift', 'shl rax, 32', R.rax, [R.rax]),
  k('shift', 'shr rax, 32', R.rax, [R.rax]),
  k('alu', 'add rdx, rax', R.rdx, [R.rdx, R.rax]),
  k('alu', 'adc rdx, 0', R.rdx, [R.rdx, R.flags]),
  k('mov-reg', 'mov rax, rdx', R.rax, [R.rdx]),
  k('shift', 'ror rax, 32', R.rax, [R.rax]),
  k('alu', 'add rax, rdx', R.rax, [R.rax, R.rdx]),
  k('shift', 'shr rax, 32', R.rax, [R.rax]),
  kret(),
];

/** bpf_csum_diff() with 4-byte from and to (an IPv4 address rewrite). */
const CSUM_DIFF: MachineOp[] = [
  fentryNop(),
  k('alu', 'test esi, esi', R.flags, [R.rsi]),
  k('branch-cond', 'je .Lno_from', undefined, [R.flags]),
  k('alu', 'test ecx, ecx', R.flags, [R.rcx]),
  k('branch-cond', 'je .Lno_to', undefined, [R.flags]),
  ...csumPartial4,
  k('mov-reg', 'mov ebx, eax', R.rbx, [R.rax]),
  ...csumPartial4,
  k('alu', 'not eax  ; csum_sub()', R.rax, [R.rax]),
  k('alu', 'add eax, ebx', R.rax, [R.rax, R.rbx]),
  k('alu', 'adc eax, 0', R.rax, [R.rax, R.flags]),
  k('mov-reg', 'mov edx, eax', R.rdx, [R.rax]),
  k('shift', 'ror edx, 16  ; csum_from32to16()', R.rdx, [R.rdx]),
  k('alu', 'add eax, edx', R.rax, [R.rax, R.rdx]),
  k('shift', 'shr eax, 16', R.rax, [R.rax]),
  kret(),
];

/** bpf_xdp_fib_lookup() → bpf_ipv4_fib_lookup() in the default namespace: the device by
 * index (dev_get_by_index_rcu(): a hash-chain walk), then forwarding off. */
const FIB_LOOKUP: MachineOp[] = [
  fentryNop(),
  k('alu', 'cmp edx, 63  ; plen < sizeof(*params)', R.flags, [R.rdx]),
  k('branch-cond', 'jle .Leinval', undefined, [R.flags]),
  k('alu', 'test ecx, -64  ; flags', R.flags, [R.rcx]),
  k('branch-cond', 'jne .Leinval', undefined, [R.flags]),
  k('load', 'movzx eax, byte ptr [rsi]  ; params->family', R.rax, [R.rsi], 'load', 'stack', 1),
  k('alu', 'cmp al, 2', R.flags, [R.rax]),
  k('branch-cond', 'jne .Lipv6', undefined, [R.flags]),
  k('load', 'mov esi, dword ptr [rsi + 8]  ; params->ifindex', R.rsi, [R.rsi], 'load', 'stack', 4),
  call('dev_get_by_index_rcu'),
  fentryNop(),
  k('movzx', 'movzx eax, sil  ; dev_index_hash()', R.rax, [R.rsi]),
  k('load', 'mov rdx, qword ptr [rdi + dev_index_head]', R.rdx, [R.rdi], 'load', 'kernel', 8),
  k('load', 'mov rdx, qword ptr [rdx + rax*8]', R.rdx, [R.rdx, R.rax], 'load', 'kernel', 8),
  k('load-alu', 'cmp esi, dword ptr [rdx + ifindex]', R.flags, [R.rsi, R.rdx], 'load', 'kernel', 4),
  k('branch-cond', 'jne .Lnext', undefined, [R.flags]),
  k('mov-reg', 'mov rax, rdx', R.rax, [R.rdx]),
  kret(),
  k('alu', 'test rax, rax', R.flags, [R.rax]),
  k('branch-cond', 'je .Lenodev', undefined, [R.flags]),
  k('load', 'mov rax, qword ptr [rax + ip_ptr]  ; __in_dev_get_rcu()', R.rax, [R.rax], 'load', 'kernel', 8),
  k('alu', 'test rax, rax', R.flags, [R.rax]),
  k('branch-cond', 'je .Lfwd_disabled', undefined, [R.flags]),
  k('load-alu', 'cmp dword ptr [rax + cnf_forwarding], 0  ; IN_DEV_FORWARD()', R.flags, [R.rax], 'load', 'kernel', 4),
  k('branch-cond', 'je .Lfwd_disabled', undefined, [R.flags]),
  k('mov-imm', 'mov eax, 5  ; BPF_FIB_LKUP_RET_FWD_DISABLED', R.rax),
  kret(),
];

/** bpf_bprintf_prepare() over `chars` format characters: the _ctype[] class test, then
 * the % check (kernel/bpf/helpers.c). */
function formatScan(chars: number): MachineOp[] {
  return Array.from({ length: chars }, (_, i) => [
    k('load', `movzx eax, byte ptr [rdi + ${i}]`, R.rax, [R.rdi], 'load', 'kernel', 1),
    k('load', 'movzx ecx, byte ptr [rax + _ctype]', R.rcx, [R.rax], 'load', 'kernel', 1),
    k('alu', 'test cl, _P | _S', R.flags, [R.rcx]),
    k('branch-cond', 'je .Leinval', undefined, [R.flags]),
    k('alu', 'cmp al, 0x25', R.flags, [R.rax]),
    k('branch-cond', 'je .Lspec', undefined, [R.flags]),
  ]).flat();
}

/** lib/vsprintf.c bstr_printf(): `chars` literal characters copied, one integer through
 * number() (three digits). */
function bstrPrintf(chars: number): MachineOp[] {
  return [
    call('bstr_printf'),
    fentryNop(),
    ...Array.from({ length: chars }, (_, i) => [
      k('load', `movzx eax, byte ptr [rdx + ${i}]`, R.rax, [R.rdx], 'load', 'kernel', 1),
      k('alu', 'cmp al, 0x25', R.flags, [R.rax]),
      k('branch-cond', 'je .Lspec', undefined, [R.flags]),
      k('store', `mov byte ptr [rdi + ${i}], al`, undefined, [R.rdi, R.rax], 'store', 'kernel', 1),
    ]).flat(),
    call('number'),
    ...Array.from({ length: 3 }, () => [
      k('imul', 'imul rdx, rax, 0xcccccccd  ; / 10', R.rdx, [R.rax]),
      k('shift', 'shr rdx, 35', R.rdx, [R.rdx]),
      k('lea', 'lea ecx, [rdx + rdx*4]', R.rcx, [R.rdx]),
      k('alu', 'sub eax, ecx  ; digit', R.rax, [R.rax, R.rcx]),
      k('store', 'mov byte ptr [r8], al', undefined, [R.r8, R.rax], 'store', 'stack', 1),
    ]).flat(),
    kret(),
    kret(),
  ];
}

/** try_get_buffers() / bpf_bprintf_cleanup(): the per-CPU nesting level, preemption off. */
const bprintfNest = (op: 'inc' | 'dec'): MachineOp[] => [
  k('gs-load', `${op} dword ptr gs:[__preempt_count]  ; the read`, R.r11, [], 'load', 'percpu-offset', 4),
  k('store', `${op} dword ptr gs:[__preempt_count]  ; the write`, undefined, [R.r11], 'store', 'percpu-offset', 4),
  k('gs-load', `${op} dword ptr gs:[bpf_bprintf_nest_level]  ; the read`, R.r11, [], 'load', 'percpu-offset', 4),
  k('store', `${op} dword ptr gs:[bpf_bprintf_nest_level]  ; the write`, undefined, [R.r11], 'store', 'percpu-offset', 4),
];

/** bpf_trace_printk(): prepare, format, and the bpf_trace_printk trace event (enabled
 * while a program using the helper is loaded) reserved, filled and committed in the
 * trace ring buffer. */
const TRACE_PRINTK: MachineOp[] = [
  fentryNop(),
  call('bpf_bprintf_prepare'),
  fentryNop(),
  ...bprintfNest('inc'),
  ...formatScan(16),
  kret(),
  ...bstrPrintf(14),
  call('trace_event_buffer_reserve'),
  k('gs-load', 'mov rax, qword ptr gs:[trace_buffered_event]', R.rax, [], 'load', 'percpu-offset', 8),
  k('load', 'mov rdx, qword ptr [rbx + buffer]', R.rdx, [R.rbx], 'load', 'kernel', 8),
  k('load', 'mov rcx, qword ptr [rdx + tail_page]  ; rb_reserve_next_event()', R.rcx, [R.rdx], 'load', 'kernel', 8),
  k('atomic-rmw', 'lock xadd qword ptr [rcx + write], r8  ; local_add_return()', R.r8, [R.rcx, R.r8], 'rmw', 'kernel', 8),
  kret(),
  call('strcpy'),
  ...[0, 8, 16].flatMap((off) => [
    k('load', `mov rax, qword ptr [rsi + ${off}]`, R.rax, [R.rsi], 'load', 'stack', 8),
    k('store', `mov qword ptr [rdi + ${off}], rax`, undefined, [R.rdi, R.rax], 'store', 'kernel', 8),
  ]),
  kret(),
  call('trace_event_buffer_commit'),
  k('load', 'mov rax, qword ptr [rdx + commit_page]', R.rax, [R.rdx], 'load', 'kernel', 8),
  k('store', 'mov qword ptr [rax + commit], r8', undefined, [R.rax, R.r8], 'store', 'kernel', 8),
  kret(),
  ...bprintfNest('dec'),
  kret(),
];

/** bpf_snprintf(): prepare and format into the program's buffer. */
const SNPRINTF: MachineOp[] = [
  fentryNop(),
  call('bpf_bprintf_prepare'),
  fentryNop(),
  ...bprintfNest('inc'),
  ...formatScan(16),
  kret(),
  ...bstrPrintf(14),
  ...bprintfNest('dec'),
  k('alu', 'inc eax', R.rax, [R.rax]),
  kret(),
];

const SIXTEEN = 'priced for 16 bytes (two 8-byte words, or 16 characters); every further word or character repeats its loop body, which the model does not add';
const PRINTF = 'priced for a 16-character format with one %d; longer formats, more or other conversions (strings read with strncpy_from_*_nofault, %pI4 formatted through snprintf) cost more';

export const GENERIC_HELPER_COSTS: readonly HelperCost[] = [
  {
    name: 'bpf_probe_read_kernel', id: BPF_FUNC.probe_read_kernel, kind: 'helper', body: PROBE_READ_KERNEL, bodyArm64: A64.A64_PROBE_READ_KERNEL,
    unmeasured: `${SIXTEEN}; a faulting read takes the page-fault exception and its fixup, not priced`,
    source: 'kernel/trace/bpf_trace.c bpf_probe_read_kernel_common() → mm/maccess.c copy_from_kernel_nofault() (arch/x86/mm/maccess.c copy_from_kernel_nofault_allowed())',
  },
  {
    name: 'bpf_probe_read_user', id: BPF_FUNC.probe_read_user, kind: 'helper', body: PROBE_READ_USER, bodyArm64: A64.A64_PROBE_READ_USER,
    unmeasured: `${SIXTEEN}; rep movsb, stac and clac have no op class of their own; the simulated task maps no user memory, so its reads fault, and the page-fault path is not priced`,
    source: 'kernel/trace/bpf_trace.c bpf_probe_read_user_common() → mm/maccess.c copy_from_user_nofault() → copy_user_generic() (arch/x86/include/asm/uaccess_64.h)',
  },
  {
    name: 'bpf_probe_read_kernel_str', id: BPF_FUNC.probe_read_kernel_str, kind: 'helper', body: PROBE_READ_KERNEL_STR, bodyArm64: A64.A64_PROBE_READ_KERNEL_STR,
    unmeasured: SIXTEEN,
    source: 'kernel/trace/bpf_trace.c bpf_probe_read_kernel_str_common() → mm/maccess.c strncpy_from_kernel_nofault() (a byte loop)',
  },
  {
    name: 'bpf_probe_read_user_str', id: BPF_FUNC.probe_read_user_str, kind: 'helper', body: PROBE_READ_USER_STR, bodyArm64: A64.A64_PROBE_READ_USER_STR,
    unmeasured: `${SIXTEEN}; the simulated task's user reads fault, a path not priced`,
    source: 'kernel/trace/bpf_trace.c bpf_probe_read_user_str_common() → mm/maccess.c strncpy_from_user_nofault() → lib/strncpy_from_user.c do_strncpy_from_user() (word at a time)',
  },
  {
    name: 'bpf_probe_read', id: BPF_FUNC.probe_read, kind: 'helper', body: [...compatSplit, ...PROBE_READ_KERNEL], bodyArm64: A64.A64_PROBE_READ_KERNEL,
    unmeasured: `${SIXTEEN}; priced on the kernel-address path`,
    source: 'kernel/trace/bpf_trace.c bpf_probe_read_compat(): TASK_SIZE split (CONFIG_ARCH_HAS_NON_OVERLAPPING_ADDRESS_SPACE on x86-64), then bpf_probe_read_kernel_common(); arm64 kernels have no compat split and no legacy helper, so its body is the kernel read',
  },
  {
    name: 'bpf_probe_read_str', id: BPF_FUNC.probe_read_str, kind: 'helper', body: [...compatSplit, ...PROBE_READ_KERNEL_STR], bodyArm64: A64.A64_PROBE_READ_KERNEL_STR,
    unmeasured: `${SIXTEEN}; priced on the kernel-address path`,
    source: 'kernel/trace/bpf_trace.c bpf_probe_read_compat_str(), then bpf_probe_read_kernel_str_common()',
  },
  {
    name: 'bpf_get_current_task_btf', id: BPF_FUNC.get_current_task_btf, kind: 'helper',
    body: [fentryNop(), loadCurrent(), kret()],
    inlinedByArm64Jit: true,
    source: 'kernel/trace/bpf_trace.c bpf_get_current_task_btf(): return (unsigned long)current; arm64 build_insn() inlines it as mrs sp_el0',
  },
  {
    name: 'bpf_get_current_comm', id: BPF_FUNC.get_current_comm, kind: 'helper', body: GET_CURRENT_COMM, bodyArm64: A64.A64_GET_CURRENT_COMM,
    unmeasured: 'priced for a 16-byte buffer; rep stosb (the padding memset) has no op class and is charged as one store',
    source: 'kernel/bpf/helpers.c bpf_get_current_comm() → strscpy_pad() (lib/string.c sized_strscpy(), word at a time, then memset())',
  },
  {
    name: 'bpf_get_current_cgroup_id', id: BPF_FUNC.get_current_cgroup_id, kind: 'helper', body: CURRENT_CGROUP_ID, bodyArm64: A64.A64_CURRENT_CGROUP_ID,
    source: 'kernel/bpf/helpers.c bpf_get_current_cgroup_id(): rcu_read_lock() (CONFIG_PREEMPT_RCU nesting counter), task_dfl_cgroup(current), cgroup_id() = cgrp->kn->id',
  },
  {
    name: 'bpf_get_numa_node_id', id: BPF_FUNC.get_numa_node_id, kind: 'helper',
    body: [fentryNop(), k('gs-load', 'mov eax, dword ptr gs:[numa_node]', R.rax, [], 'load', 'percpu-offset', 4), kret()],
    bodyArm64: A64.A64_NUMA_NODE_ID,
    source: 'kernel/bpf/helpers.c bpf_get_numa_node_id() → numa_node_id(): this_cpu_read(numa_node)',
  },
  {
    name: 'bpf_jiffies64', id: BPF_FUNC.jiffies64, kind: 'helper',
    inlineX86: { bpf: JIFFIES64_INLINE, source: 'kernel/bpf/verifier.c do_misc_fixups(): BPF_FUNC_jiffies64 with a 64-bit JIT' },
    inlineArm64: { bpf: JIFFIES64_INLINE, source: 'do_misc_fixups(), before the JIT: arch-independent on 64-bit' },
    source: 'kernel/bpf/verifier.c do_misc_fixups() inlines bpf_jiffies64() as a load of jiffies',
  },
  {
    name: 'bpf_ktime_get_boot_ns', id: BPF_FUNC.ktime_get_boot_ns, kind: 'helper', body: KTIME_GET_BOOT_NS,
    bodyArm64: A64.A64_KTIME_GET_BOOT_NS,
    extraCycles: {
      skylake: { value: 25, source: 'Agner Fog instruction tables (Skylake): RDTSC reciprocal throughput 25 (as bpf_ktime_get_ns)', basis: 'document' },
      icelake: { value: 25, source: 'Agner Fog (Skylake family): RDTSC ≈25 cycles, Ice Lake assumed equal (as bpf_ktime_get_ns)', basis: 'assumption' },
      zen3: null, zen5: null, 'neoverse-n1': null, 'neoverse-v2': null,
    },
    unmeasured: 'the clock-counter read has no measured cost on AMD and Neoverse cores, as for bpf_ktime_get_ns',
    source: 'kernel/bpf/helpers.c bpf_ktime_get_boot_ns() → kernel/time/timekeeping.c ktime_get_boot_fast_ns(): ktime_get_mono_fast_ns() + offs_boot',
  },
  {
    name: 'bpf_ktime_get_coarse_ns', id: BPF_FUNC.ktime_get_coarse_ns, kind: 'helper', body: KTIME_GET_COARSE_NS, bodyArm64: A64.A64_KTIME_GET_COARSE_NS,
    source: 'kernel/bpf/helpers.c bpf_ktime_get_coarse_ns() → kernel/time/timekeeping.c ktime_get_coarse_with_offset(): seqcount, base + offset + the tick-time nanoseconds, no clocksource read',
  },
  {
    name: 'bpf_xdp_adjust_head', id: BPF_FUNC.xdp_adjust_head, kind: 'helper', body: XDP_ADJUST_HEAD, bodyArm64: A64.A64_XDP_ADJUST_HEAD,
    unmeasured: 'priced without metadata; with metadata the memmove() of it adds a call',
    source: 'net/core/filter.c bpf_xdp_adjust_head()',
  },
  {
    name: 'bpf_xdp_adjust_meta', id: BPF_FUNC.xdp_adjust_meta, kind: 'helper', body: XDP_ADJUST_META, bodyArm64: A64.A64_XDP_ADJUST_META,
    source: 'net/core/filter.c bpf_xdp_adjust_meta(), include/net/xdp.h xdp_metalen_invalid()',
  },
  {
    name: 'bpf_xdp_adjust_tail', id: BPF_FUNC.xdp_adjust_tail, kind: 'helper', body: XDP_ADJUST_TAIL, bodyArm64: A64.A64_XDP_ADJUST_TAIL,
    unmeasured: 'priced for a shrink; growing clears the new bytes with memset()',
    source: 'net/core/filter.c bpf_xdp_adjust_tail() (linear buffer; xdp_data_hard_end())',
  },
  {
    name: 'bpf_csum_diff', id: BPF_FUNC.csum_diff, kind: 'helper', body: CSUM_DIFF, bodyArm64: A64.A64_CSUM_DIFF,
    unmeasured: 'priced for 4-byte from and to buffers; csum_partial() adds an adc chain per further 8 bytes',
    source: 'net/core/filter.c bpf_csum_diff() (v6.13+: csum_partial() of each buffer, csum_sub(), csum_from32to16()); arch/x86/lib/csum-partial_64.c',
  },
  {
    name: 'bpf_fib_lookup', id: BPF_FUNC.fib_lookup, kind: 'helper', body: FIB_LOOKUP, bodyArm64: A64.A64_FIB_LOOKUP,
    unmeasured: 'priced on the default namespace\'s path (forwarding off: BPF_FIB_LKUP_RET_FWD_DISABLED); a namespace that forwards also walks the FIB trie (fib_table_lookup()) and the neighbour table',
    source: 'net/core/filter.c bpf_xdp_fib_lookup() → bpf_ipv4_fib_lookup(): dev_get_by_index_rcu(), __in_dev_get_rcu(), IN_DEV_FORWARD()',
  },
  {
    name: 'bpf_trace_printk', id: BPF_FUNC.trace_printk, kind: 'helper', body: TRACE_PRINTK, bodyArm64: A64.A64_TRACE_PRINTK,
    unmeasured: `${PRINTF}; the trace ring-buffer write is costed as its reserve and commit bookkeeping`,
    source: 'kernel/trace/bpf_trace.c bpf_trace_printk() → kernel/bpf/helpers.c bpf_bprintf_prepare(), lib/vsprintf.c bstr_printf(), trace_bpf_trace_printk() (kernel/trace/ring_buffer.c reserve/commit)',
  },
  {
    name: 'bpf_trace_vprintk', id: BPF_FUNC.trace_vprintk, kind: 'helper', body: TRACE_PRINTK, bodyArm64: A64.A64_TRACE_PRINTK,
    unmeasured: `${PRINTF}; priced as bpf_trace_printk, whose path it shares (bpf_bprintf_prepare() reads the arguments from the array instead of registers); the trace ring-buffer write is costed as its reserve and commit bookkeeping`,
    source: 'kernel/trace/bpf_trace.c bpf_trace_vprintk() → kernel/bpf/helpers.c bpf_bprintf_prepare(), lib/vsprintf.c bstr_printf(), trace_bpf_trace_printk()',
  },
  {
    name: 'bpf_snprintf', id: BPF_FUNC.snprintf, kind: 'helper', body: SNPRINTF, bodyArm64: A64.A64_SNPRINTF,
    unmeasured: PRINTF,
    source: 'kernel/bpf/helpers.c bpf_snprintf() → bpf_bprintf_prepare(), lib/vsprintf.c bstr_printf()',
  },
];
