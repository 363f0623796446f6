// Kernel bodies of the skb helpers (engine/exec/helpers/skb.ts) for the timing model, on
// x86-64 and arm64: transcriptions of net/core/filter.c's fast path on a linear skb (the
// shape BPF_PROG_TEST_RUN and most tc hooks give: no clone to unshare, no GSO, checksum
// not offloaded) as loads of the sk_buff fields each path reads, the compares it makes,
// and the copy or checksum arithmetic it does. Copies are costed for 16 bytes (two 8-byte
// moves, what lib/string.c / arch memcpy do for a header-sized copy); longer copies are
// undercounted, which the source strings say. Field offsets are struct sk_buff's on
// x86-64 v6.x (len 0x70, data_len 0x74, data 0xc8, head 0xc0); they set displacement
// sizes only, never a latency.

import { X86_REG, type MachineOp } from './op-class.ts';
import { a, abcond, acmp, aret, patchableEntry } from './kernel-ops-arm64.ts';
import { fentryNop, k, kret } from './kernel-ops-x86.ts';
import type { HelperCost } from './helper-cost-types.ts';

const R = X86_REG;

/** skb->len - skb->data_len (skb_headlen()) compared with offset + len: the bound every
 * skb helper checks before it touches bytes (skb_header_pointer, pskb_may_pull). */
const boundX86 = (): MachineOp[] => [
  k('load', 'mov eax, dword ptr [rdi + 0x70]  ; skb->len', R.rax, [R.rdi], 'load', 'kernel', 4),
  k('load-alu', 'sub eax, dword ptr [rdi + 0x74]  ; - skb->data_len', R.rax, [R.rax, R.rdi], 'load', 'kernel', 4),
  k('lea', 'lea r8d, [rsi + rcx]  ; offset + len', R.r8, [R.rsi, R.rcx]),
  k('alu', 'cmp eax, r8d', R.flags, [R.rax, R.r8]),
  k('branch-cond', 'jb .Lslow', undefined, [R.flags]),
  k('load', 'mov rax, qword ptr [rdi + 0xc8]  ; skb->data', R.rax, [R.rdi], 'load', 'kernel', 8),
  k('alu', 'add rax, rsi  ; skb->data + offset', R.rax, [R.rax, R.rsi]),
];

const boundArm64 = (): MachineOp[] => [
  a('load', 'ldr w8, [x0, #0x70]  ; skb->len', 8, [0], 'load', 'kernel', 4),
  a('load', 'ldr w9, [x0, #0x74]  ; skb->data_len', 9, [0], 'load', 'kernel', 4),
  a('alu', 'sub w8, w8, w9  ; skb_headlen()', 8, [8, 9]),
  a('alu', 'add w10, w1, w3  ; offset + len', 10, [1, 3]),
  acmp('cmp w8, w10', [8, 10]),
  abcond('b.lo .Lslow'),
  a('load', 'ldr x11, [x0, #0xc8]  ; skb->data', 11, [0], 'load', 'kernel', 8),
  a('alu', 'add x11, x11, w1, uxtw  ; skb->data + offset', 11, [11, 1]),
];

/** memcpy of 16 bytes: two 8-byte load/store pairs, from `src` to `dst`. */
const copy16X86 = (dst: string, src: string, dstReg: number, srcReg: number): MachineOp[] => [
  k('load', `mov r9, qword ptr [${src}]`, R.r9, [srcReg], 'load', 'kernel', 8),
  k('load', `mov r10, qword ptr [${src} + 8]`, R.r10, [srcReg], 'load', 'kernel', 8),
  k('store', `mov qword ptr [${dst}], r9`, undefined, [dstReg, R.r9], 'store', 'kernel', 8),
  k('store', `mov qword ptr [${dst} + 8], r10`, undefined, [dstReg, R.r10], 'store', 'kernel', 8),
];

const copy16Arm64 = (dst: number, src: number): MachineOp[] => [
  a('load', `ldp x12, x13, [x${src}]`, 12, [src], 'load', 'kernel', 16),
  a('store', `stp x12, x13, [x${dst}]`, undefined, [dst, 12, 13], 'store', 'kernel', 16),
];

/** csum_replace4(): ~sum, subtract from, add to, fold to 16 bits, store. */
const csumReplaceX86 = (): MachineOp[] => [
  k('load', 'movzx r9d, word ptr [rax]  ; *sum', R.r9, [R.rax], 'load', 'kernel', 2),
  k('alu', 'not r9d', R.r9, [R.r9]),
  k('alu', 'not edx  ; ~from', R.rdx, [R.rdx]),
  k('alu', 'add r9d, edx', R.r9, [R.r9, R.rdx]),
  k('alu', 'adc r9d, ecx  ; + to, end-around carry', R.r9, [R.r9, R.rcx, R.flags]),
  k('alu', 'adc r9d, 0', R.r9, [R.r9, R.flags]),
  k('mov-reg', 'mov r10d, r9d', R.r10, [R.r9]),
  k('shift', 'shr r10d, 16', R.r10, [R.r10]),
  k('alu', 'add r9w, r10w  ; csum_fold()', R.r9, [R.r9, R.r10]),
  k('alu', 'adc r9w, 0', R.r9, [R.r9, R.flags]),
  k('alu', 'not r9d', R.r9, [R.r9]),
  k('store', 'mov word ptr [rax], r9w', undefined, [R.rax, R.r9], 'store', 'kernel', 2),
];

const csumReplaceArm64 = (): MachineOp[] => [
  a('load', 'ldrh w12, [x11]  ; *sum', 12, [11], 'load', 'kernel', 2),
  a('alu', 'mvn w12, w12', 12, [12]),
  a('alu', 'mvn w2, w2  ; ~from', 2, [2]),
  a('alu', 'adds w12, w12, w2', 12, [12, 2]),
  a('alu', 'adcs w12, w12, w3  ; + to, end-around carry', 12, [12, 3]),
  a('alu', 'adc w12, w12, wzr', 12, [12]),
  a('alu', 'add w12, w12, w12, ror #16  ; csum_fold()', 12, [12]),
  a('alu', 'mvn w12, w12', 12, [12]),
  a('shift', 'lsr w12, w12, #16', 12, [12]),
  a('store', 'strh w12, [x11]', undefined, [11, 12], 'store', 'kernel', 2),
];

/** bpf_try_make_writable(): skb_cloned() test on a linear, unshared skb. */
const writableX86 = (): MachineOp[] => [
  k('load-alu', 'test byte ptr [rdi + 0x7e], 1  ; skb->cloned', R.flags, [R.rdi], 'load', 'kernel', 1),
  k('branch-cond', 'jne .Lunclone', undefined, [R.flags]),
];
const writableArm64 = (): MachineOp[] => [
  a('load', 'ldrb w14, [x0, #0x7e]  ; skb->cloned', 14, [0], 'load', 'kernel', 1),
  a('branch-cond', 'tbnz w14, #0, .Lunclone', undefined, [14]),
];

/** bpf_compute_data_pointers(): data_end = skb->data + skb_headlen() into the cb. */
const dataPointersX86 = (): MachineOp[] => [
  k('load', 'mov rax, qword ptr [rdi + 0xc8]  ; skb->data', R.rax, [R.rdi], 'load', 'kernel', 8),
  k('load', 'mov edx, dword ptr [rdi + 0x70]  ; skb->len', R.rdx, [R.rdi], 'load', 'kernel', 4),
  k('load-alu', 'sub edx, dword ptr [rdi + 0x74]', R.rdx, [R.rdx, R.rdi], 'load', 'kernel', 4),
  k('alu', 'add rax, rdx', R.rax, [R.rax, R.rdx]),
  k('store', 'mov qword ptr [rdi + 0x50], rax  ; cb->data_end', undefined, [R.rdi, R.rax], 'store', 'kernel', 8),
];
const dataPointersArm64 = (): MachineOp[] => [
  a('load', 'ldr x8, [x0, #0xc8]  ; skb->data', 8, [0], 'load', 'kernel', 8),
  a('load', 'ldp w9, w10, [x0, #0x70]  ; skb->len, skb->data_len', 9, [0], 'load', 'kernel', 8),
  a('alu', 'sub w9, w9, w10', 9, [9, 10]),
  a('alu', 'add x8, x8, x9', 8, [8, 9]),
  a('store', 'str x8, [x0, #0x50]  ; cb->data_end', undefined, [0, 8], 'store', 'kernel', 8),
];

/** A read-modify-write of an sk_buff field as the compiler emits it: load, op, store. */
const rmwX86 = (op: string, field: string, bytes: number, note: string): MachineOp[] => [
  k('load', `mov r11, ${field}`, R.r11, [R.rdi], 'load', 'kernel', bytes),
  k('alu', `${op} r11, rsi  ; ${note}`, R.r11, [R.r11, R.rsi]),
  k('store', `mov ${field}, r11`, undefined, [R.rdi, R.r11], 'store', 'kernel', bytes),
];

const retZeroX86 = (): MachineOp[] => [k('alu', 'xor eax, eax', R.rax, []), kret()];
const retZeroArm64 = (): MachineOp[] => [a('mov-reg', 'mov w0, wzr', 0, []), aret()];

/** Moving the bytes after the insertion point (memmove of the packet's tail): costed for
 * one 16-byte block, like the copies. */
const memmoveX86 = (): MachineOp[] => [k('call-direct', 'call memmove', R.rax, [R.rsp], 'store', 'stack', 8), ...copy16X86('rdi', 'rsi', R.rdi, R.rsi), kret()];
const memmoveArm64 = (): MachineOp[] => [a('call-direct', 'bl memmove', 0, [0, 1, 2]), ...copy16Arm64(0, 1), aret()];

const COPY_NOTE = 'copies costed for 16 bytes; longer copies are undercounted';

const SKB_HELPER_COSTS_BASE: readonly HelperCost[] = [
  {
    name: 'bpf_skb_load_bytes', id: 26, kind: 'helper',
    body: [fentryNop(), k('alu', 'cmp esi, 0x7fffffff', R.flags, [R.rsi]), k('branch-cond', 'ja .Lerr', undefined, [R.flags]), ...boundX86(), ...copy16X86('rdx', 'rax', R.rdx, R.rax), ...retZeroX86()],
    bodyArm64: [...patchableEntry(), a('branch-cond', 'tbnz w1, #31, .Lerr', undefined, [1]), ...boundArm64(), ...copy16Arm64(2, 11), ...retZeroArm64()],
    source: `net/core/filter.c bpf_skb_load_bytes(): skb_header_pointer() on the linear part, then memcpy(); ${COPY_NOTE}`,
  },
  {
    name: 'bpf_skb_store_bytes', id: 9, kind: 'helper',
    body: [fentryNop(), k('alu', 'test r8, -4  ; flags', R.flags, [R.r8]), k('branch-cond', 'jne .Linval', undefined, [R.flags]), ...boundX86(), ...writableX86(), ...copy16X86('rax', 'rdx', R.rax, R.rdx), ...dataPointersX86(), ...retZeroX86()],
    bodyArm64: [...patchableEntry(), a('branch-cond', 'tst x4, #~3 ; b.ne .Linval', undefined, [4]), ...boundArm64(), ...writableArm64(), ...copy16Arm64(11, 2), ...dataPointersArm64(), ...retZeroArm64()],
    source: `net/core/filter.c bpf_skb_store_bytes(): bpf_try_make_writable(), memcpy(), bpf_compute_data_pointers(); ${COPY_NOTE}`,
  },
  {
    name: 'bpf_l3_csum_replace', id: 10, kind: 'helper',
    body: [fentryNop(), k('alu', 'test esi, 0xffff0001  ; offset > 0xffff || offset & 1', R.flags, [R.rsi]), k('branch-cond', 'jne .Lefault', undefined, [R.flags]), ...boundX86(), ...writableX86(), ...csumReplaceX86(), ...retZeroX86()],
    bodyArm64: [...patchableEntry(), acmp('tst w1, #0xffff0001', [1]), abcond('b.ne .Lefault'), ...boundArm64(), ...writableArm64(), ...csumReplaceArm64(), ...retZeroArm64()],
    source: 'net/core/filter.c bpf_l3_csum_replace(): csum_replace4() (include/net/checksum.h)',
  },
  {
    name: 'bpf_l4_csum_replace', id: 11, kind: 'helper',
    body: [fentryNop(), k('alu', 'test esi, 0xffff0001  ; offset > 0xffff || offset & 1', R.flags, [R.rsi]), k('branch-cond', 'jne .Lefault', undefined, [R.flags]), ...boundX86(), ...writableX86(), k('load-alu', 'cmp byte ptr [rdi + 0x80], 0x60  ; skb->ip_summed', R.flags, [R.rdi], 'load', 'kernel', 1), k('branch-cond', 'je .Lpartial', undefined, [R.flags]), ...csumReplaceX86(), ...retZeroX86()],
    bodyArm64: [...patchableEntry(), acmp('tst w1, #0xffff0001', [1]), abcond('b.ne .Lefault'), ...boundArm64(), ...writableArm64(), a('load', 'ldrb w14, [x0, #0x80]  ; skb->ip_summed', 14, [0], 'load', 'kernel', 1), acmp('cmp w14, #0x60', [14]), abcond('b.eq .Lpartial'), ...csumReplaceArm64(), ...retZeroArm64()],
    source: 'net/core/filter.c bpf_l4_csum_replace(): inet_proto_csum_replace4() (net/core/utils.c), ip_summed not CHECKSUM_PARTIAL',
  },
  {
    name: 'bpf_skb_set_tunnel_key', id: 21, kind: 'helper',
    body: [
      fentryNop(),
      k('alu', 'cmp edx, 44  ; size == sizeof(struct bpf_tunnel_key)', R.flags, [R.rdx]),
      k('branch-cond', 'jne .Lcompat', undefined, [R.flags]),
      k('gs-load', 'mov rax, qword ptr gs:[md_dst]  ; this_cpu_ptr(md_dst)', R.rax, [], 'load', 'percpu-offset', 8),
      k('load', 'mov rdx, qword ptr [rdi + 0x58]  ; skb->_skb_refdst', R.rdx, [R.rdi], 'load', 'kernel', 8),
      k('alu', 'test rdx, rdx', R.flags, [R.rdx]),
      k('branch-cond', 'jne .Ldst_drop', undefined, [R.flags]),
      k('store', 'mov qword ptr [rdi + 0x58], rax  ; skb_dst_set()', undefined, [R.rdi, R.rax], 'store', 'kernel', 8),
      k('load', 'mov edx, dword ptr [rsi]  ; from->tunnel_id', R.rdx, [R.rsi], 'load', 'kernel', 4),
      k('bswap', 'bswap rdx  ; key32_to_tunnel_id()', R.rdx, [R.rdx]),
      k('store', 'mov qword ptr [rax + 0x70], rdx  ; info->key.tun_id', undefined, [R.rax, R.rdx], 'store', 'kernel', 8),
      k('load', 'mov ecx, dword ptr [rsi + 4]  ; remote_ipv4', R.rcx, [R.rsi], 'load', 'kernel', 4),
      k('bswap', 'bswap ecx', R.rcx, [R.rcx]),
      k('store', 'mov dword ptr [rax + 0x7c], ecx  ; info->key.u.ipv4.dst', undefined, [R.rax, R.rcx], 'store', 'kernel', 4),
      k('load', 'movzx ecx, word ptr [rsi + 20]  ; tos, ttl', R.rcx, [R.rsi], 'load', 'kernel', 2),
      k('store', 'mov word ptr [rax + 0xa0], cx  ; info->key.tos, ttl', undefined, [R.rax, R.rcx], 'store', 'kernel', 2),
      k('store', 'mov byte ptr [rax + 0xa8], 1  ; info->mode = IP_TUNNEL_INFO_TX', undefined, [R.rax], 'store', 'kernel', 1),
      ...retZeroX86(),
    ],
    bodyArm64: [
      ...patchableEntry(),
      acmp('cmp w2, #44  ; size == sizeof(struct bpf_tunnel_key)', [2]),
      abcond('b.ne .Lcompat'),
      a('sysreg-read', 'mrs x8, tpidr_el1  ; __my_cpu_offset', 8, [], 'none', 'percpu-offset'),
      a('load', 'ldr x8, [x8, #:lo12:md_dst]  ; this_cpu_ptr(md_dst)', 8, [8], 'load', 'percpu-offset', 8),
      a('load', 'ldr x9, [x0, #0x58]  ; skb->_skb_refdst', 9, [0], 'load', 'kernel', 8),
      a('branch-cond', 'cbnz x9, .Ldst_drop', undefined, [9]),
      a('store', 'str x8, [x0, #0x58]  ; skb_dst_set()', undefined, [0, 8], 'store', 'kernel', 8),
      a('load', 'ldr w10, [x1]  ; from->tunnel_id', 10, [1], 'load', 'kernel', 4),
      a('bswap', 'rev x10, x10  ; key32_to_tunnel_id()', 10, [10]),
      a('store', 'str x10, [x8, #0x70]  ; info->key.tun_id', undefined, [8, 10], 'store', 'kernel', 8),
      a('load', 'ldr w11, [x1, #4]  ; remote_ipv4', 11, [1], 'load', 'kernel', 4),
      a('bswap', 'rev w11, w11', 11, [11]),
      a('store', 'str w11, [x8, #0x7c]  ; info->key.u.ipv4.dst', undefined, [8, 11], 'store', 'kernel', 4),
      a('load', 'ldrh w12, [x1, #20]  ; tos, ttl', 12, [1], 'load', 'kernel', 2),
      a('store', 'strh w12, [x8, #0xa0]', undefined, [8, 12], 'store', 'kernel', 2),
      a('mov-imm', 'mov w13, #1  ; IP_TUNNEL_INFO_TX', 13, []),
      a('store', 'strb w13, [x8, #0xa8]  ; info->mode', undefined, [8, 13], 'store', 'kernel', 1),
      ...retZeroArm64(),
    ],
    source: 'net/core/filter.c bpf_skb_set_tunnel_key(): the per-CPU metadata dst (md_dst) set as the skb\'s dst and its ip_tunnel_info filled from the key (IPv4 path)',
  },
  {
    name: 'bpf_redirect', id: 23, kind: 'helper',
    body: [
      fentryNop(),
      k('alu', 'test rsi, -2  ; flags & ~BPF_F_INGRESS', R.flags, [R.rsi]),
      k('branch-cond', 'jne .Lshot', undefined, [R.flags]),
      k('gs-load', 'mov rax, qword ptr gs:[current_task]', R.rax, [], 'load', 'percpu-offset', 8),
      k('load', 'mov rax, qword ptr [rax + 0x9a8]  ; current->bpf_net_context', R.rax, [R.rax], 'load', 'current', 8),
      k('store', 'mov dword ptr [rax + 0x8], esi  ; ri->flags', undefined, [R.rax, R.rsi], 'store', 'kernel', 4),
      k('store', 'mov dword ptr [rax + 0xc], edi  ; ri->tgt_index', undefined, [R.rax, R.rdi], 'store', 'kernel', 4),
      k('mov-imm', 'mov eax, 7  ; TC_ACT_REDIRECT', R.rax, []),
      kret(),
    ],
    bodyArm64: [
      ...patchableEntry(),
      a('branch-cond', 'tst x1, #~1 ; b.ne .Lshot', undefined, [1]),
      a('sysreg-read', 'mrs x8, sp_el0  ; current', 8, [], 'none', 'current'),
      a('load', 'ldr x8, [x8, #0x9a8]  ; current->bpf_net_context', 8, [8], 'load', 'current', 8),
      a('store', 'stp w1, w0, [x8, #8]  ; ri->flags, ri->tgt_index', undefined, [8, 0, 1], 'store', 'kernel', 8),
      a('mov-imm', 'mov w0, #7  ; TC_ACT_REDIRECT', 0, []),
      aret(),
    ],
    source: 'net/core/filter.c bpf_redirect() (bpf_net_ctx_get_ri(): current->bpf_net_context, v6.11+)',
  },
  {
    name: 'bpf_skb_ecn_set_ce', id: 97, kind: 'helper',
    body: [
      fentryNop(),
      k('load', 'movzx eax, word ptr [rdi + 0xb4]  ; skb->protocol', R.rax, [R.rdi], 'load', 'kernel', 2),
      k('alu', 'cmp ax, 0x8  ; htons(ETH_P_IP)', R.flags, [R.rax]),
      k('branch-cond', 'jne .Lipv6', undefined, [R.flags]),
      k('load', 'movzx edx, word ptr [rdi + 0xb6]  ; skb->network_header', R.rdx, [R.rdi], 'load', 'kernel', 2),
      k('load', 'mov rcx, qword ptr [rdi + 0xc0]  ; skb->head', R.rcx, [R.rdi], 'load', 'kernel', 8),
      k('load', 'mov esi, dword ptr [rdi + 0xbc]  ; skb->tail', R.rsi, [R.rdi], 'load', 'kernel', 4),
      k('lea', 'lea r8, [rdx + 20]', R.r8, [R.rdx]),
      k('alu', 'cmp r8, rsi  ; header within the linear data', R.flags, [R.r8, R.rsi]),
      k('branch-cond', 'ja .Lzero', undefined, [R.flags]),
      k('load', 'movzx r9d, byte ptr [rcx + rdx + 1]  ; iph->tos', R.r9, [R.rcx, R.rdx], 'load', 'kernel', 1),
      k('lea', 'lea eax, [r9 + 1]', R.rax, [R.r9]),
      k('alu', 'and eax, 3  ; ecn', R.rax, [R.rax]),
      k('branch-cond', 'test al, 2 ; je .Lnot_ect', undefined, [R.rax]),
      k('load', 'movzx r10d, word ptr [rcx + rdx + 10]  ; iph->check', R.r10, [R.rcx, R.rdx], 'load', 'kernel', 2),
      k('alu', 'add r10d, check_add  ; csum16_add()', R.r10, [R.r10, R.rax]),
      k('alu', 'adc r10w, 0', R.r10, [R.r10]),
      k('store', 'mov word ptr [rcx + rdx + 10], r10w', undefined, [R.rcx, R.rdx, R.r10], 'store', 'kernel', 2),
      k('store', 'or byte ptr [rcx + rdx + 1], 3  ; INET_ECN_CE', undefined, [R.rcx, R.rdx], 'store', 'kernel', 1),
      k('mov-imm', 'mov eax, 1', R.rax, []),
      kret(),
    ],
    bodyArm64: [
      ...patchableEntry(),
      a('load', 'ldrh w8, [x0, #0xb4]  ; skb->protocol', 8, [0], 'load', 'kernel', 2),
      acmp('cmp w8, #0x8  ; htons(ETH_P_IP)', [8]),
      abcond('b.ne .Lipv6'),
      a('load', 'ldrh w9, [x0, #0xb6]  ; skb->network_header', 9, [0], 'load', 'kernel', 2),
      a('load', 'ldr x10, [x0, #0xc0]  ; skb->head', 10, [0], 'load', 'kernel', 8),
      a('load', 'ldr w11, [x0, #0xbc]  ; skb->tail', 11, [0], 'load', 'kernel', 4),
      a('alu', 'add x12, x9, #20', 12, [9]),
      acmp('cmp x12, x11  ; header within the linear data', [12, 11]),
      abcond('b.hi .Lzero'),
      a('alu', 'add x10, x10, x9  ; iph', 10, [10, 9]),
      a('load', 'ldrb w13, [x10, #1]  ; iph->tos', 13, [10], 'load', 'kernel', 1),
      a('alu', 'add w14, w13, #1', 14, [13]),
      a('alu', 'and w14, w14, #3  ; ecn', 14, [14]),
      a('branch-cond', 'tbz w14, #1, .Lnot_ect', undefined, [14]),
      a('load', 'ldrh w15, [x10, #10]  ; iph->check', 15, [10], 'load', 'kernel', 2),
      a('alu', 'add w15, w15, w16  ; csum16_add()', 15, [15, 16]),
      a('alu', 'add w15, w15, w15, lsr #16', 15, [15]),
      a('store', 'strh w15, [x10, #10]', undefined, [10, 15], 'store', 'kernel', 2),
      a('alu', 'orr w13, w13, #3  ; INET_ECN_CE', 13, [13]),
      a('store', 'strb w13, [x10, #1]', undefined, [10, 13], 'store', 'kernel', 1),
      a('mov-imm', 'mov w0, #1', 0, []),
      aret(),
    ],
    unmeasured: 'priced on the IPv4 ECT path (the one that writes); IPv6 rewrites the first header word instead, and the skb field offsets are the x86-64 6.18 layout\'s, used for both architectures',
    source: 'net/core/filter.c bpf_skb_ecn_set_ce() → include/net/inet_ecn.h INET_ECN_set_ce(), IP_ECN_set_ce()',
  },
  {
    name: 'bpf_redirect_neigh', id: 152, kind: 'helper',
    body: [
      fentryNop(),
      k('alu', 'test rcx, rcx  ; flags', R.flags, [R.rcx]),
      k('branch-cond', 'jne .Lshot', undefined, [R.flags]),
      k('alu', 'test edx, edx  ; plen', R.flags, [R.rdx]),
      k('branch-cond', 'jne .Lnexthop', undefined, [R.flags]),
      k('gs-load', 'mov rax, qword ptr gs:[current_task]', R.rax, [], 'load', 'percpu-offset', 8),
      k('load', 'mov rax, qword ptr [rax + 0x9a8]  ; current->bpf_net_context', R.rax, [R.rax], 'load', 'current', 8),
      k('store', 'mov dword ptr [rax + 0x8], 0x10000  ; ri->flags = BPF_F_NEIGH', undefined, [R.rax], 'store', 'kernel', 4),
      k('store', 'mov dword ptr [rax + 0xc], edi  ; ri->tgt_index', undefined, [R.rax, R.rdi], 'store', 'kernel', 4),
      k('mov-imm', 'mov eax, 7  ; TC_ACT_REDIRECT', R.rax, []),
      kret(),
    ],
    bodyArm64: [
      ...patchableEntry(),
      a('branch-cond', 'cbnz x3, .Lshot', undefined, [3]),
      a('branch-cond', 'cbnz w2, .Lnexthop', undefined, [2]),
      a('sysreg-read', 'mrs x8, sp_el0  ; current', 8, [], 'none', 'current'),
      a('load', 'ldr x8, [x8, #0x9a8]  ; current->bpf_net_context', 8, [8], 'load', 'current', 8),
      a('mov-imm', 'mov w9, #0x10000  ; BPF_F_NEIGH', 9, []),
      a('store', 'stp w9, w0, [x8, #8]  ; ri->flags, ri->tgt_index', undefined, [8, 0, 9], 'store', 'kernel', 8),
      a('mov-imm', 'mov w0, #7  ; TC_ACT_REDIRECT', 0, []),
      aret(),
    ],
    unmeasured: 'priced without a next hop (plen 0); with one, the 20-byte struct bpf_redir_neigh is copied into ri->nh',
    source: 'net/core/filter.c bpf_redirect_neigh() (bpf_net_ctx_get_ri(): current->bpf_net_context, v6.11+)',
  },
  {
    name: 'bpf_skb_change_tail', id: 38, kind: 'helper',
    body: [fentryNop(), k('alu', 'test rdx, rdx  ; flags', R.flags, [R.rdx]), k('branch-cond', 'jne .Linval', undefined, [R.flags]), ...writableX86(), k('load', 'mov eax, dword ptr [rdi + 0x70]  ; skb->len', R.rax, [R.rdi], 'load', 'kernel', 4), k('alu', 'cmp esi, eax', R.flags, [R.rsi, R.rax]), k('branch-cond', 'jb .Ltrim', undefined, [R.flags]), k('call-direct', 'call __skb_pad', R.rax, [R.rsp], 'store', 'stack', 8), ...copy16X86('rdi', 'rsi', R.rdi, R.rsi), kret(), ...dataPointersX86(), ...retZeroX86()],
    bodyArm64: [...patchableEntry(), a('branch-cond', 'cbnz x2, .Linval', undefined, [2]), ...writableArm64(), a('load', 'ldr w8, [x0, #0x70]  ; skb->len', 8, [0], 'load', 'kernel', 4), acmp('cmp w1, w8', [1, 8]), abcond('b.lo .Ltrim'), a('call-direct', 'bl __skb_pad', 0, [0, 1]), ...copy16Arm64(0, 1), aret(), ...dataPointersArm64(), ...retZeroArm64()],
    source: `net/core/filter.c bpf_skb_change_tail(): __bpf_skb_change_tail() grows through __skb_pad() (zeroing) or trims; ${COPY_NOTE}`,
  },
  {
    name: 'bpf_skb_pull_data', id: 39, kind: 'helper',
    body: [fentryNop(), k('load', 'mov eax, dword ptr [rdi + 0x70]  ; skb->len', R.rax, [R.rdi], 'load', 'kernel', 4), k('load-alu', 'sub eax, dword ptr [rdi + 0x74]  ; skb_headlen()', R.rax, [R.rax, R.rdi], 'load', 'kernel', 4), k('alu', 'cmp esi, eax', R.flags, [R.rsi, R.rax]), k('branch-cond', 'ja .Lpull', undefined, [R.flags]), ...writableX86(), ...dataPointersX86(), ...retZeroX86()],
    bodyArm64: [...patchableEntry(), a('load', 'ldp w8, w9, [x0, #0x70]  ; skb->len, data_len', 8, [0], 'load', 'kernel', 8), a('alu', 'sub w8, w8, w9', 8, [8, 9]), acmp('cmp w1, w8', [1, 8]), abcond('b.hi .Lpull'), ...writableArm64(), ...dataPointersArm64(), ...retZeroArm64()],
    source: 'net/core/filter.c bpf_skb_pull_data(): bpf_try_make_writable() on an skb whose bytes are already linear',
  },
  {
    name: 'bpf_skb_change_head', id: 43, kind: 'helper',
    body: [fentryNop(), k('alu', 'test rdx, rdx  ; flags', R.flags, [R.rdx]), k('branch-cond', 'jne .Linval', undefined, [R.flags]), k('load', 'mov rax, qword ptr [rdi + 0xc8]  ; skb->data', R.rax, [R.rdi], 'load', 'kernel', 8), k('load-alu', 'sub rax, qword ptr [rdi + 0xc0]  ; skb_headroom()', R.rax, [R.rax, R.rdi], 'load', 'kernel', 8), k('alu', 'cmp eax, esi', R.flags, [R.rax, R.rsi]), k('branch-cond', 'jb .Lexpand', undefined, [R.flags]), ...rmwX86('sub', 'qword ptr [rdi + 0xc8]', 8, '__skb_push()'), ...rmwX86('add', 'dword ptr [rdi + 0x70]', 4, 'skb->len'), k('call-direct', 'call memset', R.rax, [R.rsp], 'store', 'stack', 8), k('store', 'mov qword ptr [rdi], 0', undefined, [R.rdi], 'store', 'kernel', 8), k('store', 'mov qword ptr [rdi + 8], 0', undefined, [R.rdi], 'store', 'kernel', 8), kret(), ...dataPointersX86(), ...retZeroX86()],
    bodyArm64: [...patchableEntry(), a('branch-cond', 'cbnz x2, .Linval', undefined, [2]), a('load', 'ldp x8, x9, [x0, #0xc0]  ; skb->head, skb->data', 8, [0], 'load', 'kernel', 16), a('alu', 'sub x10, x9, x8  ; skb_headroom()', 10, [9, 8]), acmp('cmp w10, w1', [10, 1]), abcond('b.lo .Lexpand'), a('alu', 'sub x9, x9, x1  ; __skb_push()', 9, [9, 1]), a('store', 'str x9, [x0, #0xc8]', undefined, [0, 9], 'store', 'kernel', 8), a('call-direct', 'bl memset', 0, [0, 1, 2]), a('store', 'stp xzr, xzr, [x0]', undefined, [0], 'store', 'kernel', 16), aret(), ...dataPointersArm64(), ...retZeroArm64()],
    source: 'net/core/filter.c bpf_skb_change_head(): skb_cow() with headroom to spare, __skb_push(), memset() of the new head (16 bytes costed)',
  },
  {
    name: 'bpf_skb_adjust_room', id: 50, kind: 'helper',
    body: [
      fentryNop(),
      k('load', 'movzx eax, word ptr [rdi + 0xb4]  ; skb->protocol', R.rax, [R.rdi], 'load', 'kernel', 2),
      k('alu', 'cmp eax, 0x8  ; htons(ETH_P_IP)', R.flags, [R.rax]),
      k('branch-cond', 'jne .Lipv6', undefined, [R.flags]),
      k('load', 'movzx ecx, word ptr [rdi + 0xb6]  ; skb->network_header', R.rcx, [R.rdi], 'load', 'kernel', 2),
      k('load-alu', 'sub cx, word ptr [rdi + 0xb8]  ; - skb->mac_header', R.rcx, [R.rcx, R.rdi], 'load', 'kernel', 2),
      k('load', 'mov edx, dword ptr [rdi + 0x70]  ; skb->len', R.rdx, [R.rdi], 'load', 'kernel', 4),
      k('alu', 'cmp edx, 0x3ec0  ; BPF_SKB_MAX_LEN', R.flags, [R.rdx]),
      k('branch-cond', 'ja .Lnotsupp', undefined, [R.flags]),
      ...writableX86(),
      k('load', 'mov rax, qword ptr [rdi + 0xc8]  ; skb->data', R.rax, [R.rdi], 'load', 'kernel', 8),
      k('load-alu', 'sub rax, qword ptr [rdi + 0xc0]  ; skb_headroom()', R.rax, [R.rax, R.rdi], 'load', 'kernel', 8),
      k('alu', 'cmp eax, esi', R.flags, [R.rax, R.rsi]),
      k('branch-cond', 'jb .Lexpand', undefined, [R.flags]),
      ...rmwX86('sub', 'qword ptr [rdi + 0xc8]', 8, 'skb_push()'),
      ...rmwX86('add', 'dword ptr [rdi + 0x70]', 4, 'skb->len'),
      ...memmoveX86(),
      k('call-direct', 'call memset', R.rax, [R.rsp], 'store', 'stack', 8),
      k('store', 'mov qword ptr [rdi], 0', undefined, [R.rdi], 'store', 'kernel', 8),
      kret(),
      ...rmwX86('sub', 'word ptr [rdi + 0xb8]', 2, 'skb->mac_header -= len_diff'),
      ...rmwX86('sub', 'word ptr [rdi + 0xb6]', 2, 'skb->network_header -= len_diff'),
      k('load', 'movzx r11d, byte ptr [rdi + 0x80]  ; skb->ip_summed', R.r11, [R.rdi], 'load', 'kernel', 1),
      k('alu', 'and r11d, 0x9f  ; __skb_reset_checksum_unnecessary()', R.r11, [R.r11]),
      k('store', 'mov byte ptr [rdi + 0x80], r11b', undefined, [R.rdi, R.r11], 'store', 'kernel', 1),
      ...dataPointersX86(),
      ...retZeroX86(),
    ],
    bodyArm64: [
      ...patchableEntry(),
      a('load', 'ldrh w8, [x0, #0xb4]  ; skb->protocol', 8, [0], 'load', 'kernel', 2),
      acmp('cmp w8, #0x8  ; htons(ETH_P_IP)', [8]),
      abcond('b.ne .Lipv6'),
      a('load', 'ldrh w9, [x0, #0xb6]  ; skb->network_header', 9, [0], 'load', 'kernel', 2),
      a('load', 'ldrh w10, [x0, #0xb8]  ; skb->mac_header', 10, [0], 'load', 'kernel', 2),
      a('alu', 'sub w9, w9, w10', 9, [9, 10]),
      a('load', 'ldr w11, [x0, #0x70]  ; skb->len', 11, [0], 'load', 'kernel', 4),
      acmp('cmp w11, #0x3ec0  ; BPF_SKB_MAX_LEN', [11]),
      abcond('b.hi .Lnotsupp'),
      ...writableArm64(),
      a('load', 'ldp x12, x13, [x0, #0xc0]  ; skb->head, skb->data', 12, [0], 'load', 'kernel', 16),
      a('alu', 'sub x14, x13, x12  ; skb_headroom()', 14, [13, 12]),
      acmp('cmp w14, w1', [14, 1]),
      abcond('b.lo .Lexpand'),
      a('alu', 'sub x13, x13, x1  ; skb_push()', 13, [13, 1]),
      a('store', 'str x13, [x0, #0xc8]', undefined, [0, 13], 'store', 'kernel', 8),
      a('alu', 'add w11, w11, w1', 11, [11, 1]),
      a('store', 'str w11, [x0, #0x70]  ; skb->len', undefined, [0, 11], 'store', 'kernel', 4),
      ...memmoveArm64(),
      a('call-direct', 'bl memset', 0, [0, 1, 2]),
      a('store', 'str xzr, [x0]', undefined, [0], 'store', 'kernel', 8),
      aret(),
      a('alu', 'sub w10, w10, w1', 10, [10, 1]),
      a('store', 'strh w10, [x0, #0xb8]  ; skb->mac_header', undefined, [0, 10], 'store', 'kernel', 2),
      a('load', 'ldrb w15, [x0, #0x80]  ; skb->ip_summed', 15, [0], 'load', 'kernel', 1),
      a('alu', 'and w15, w15, #0x9f  ; __skb_reset_checksum_unnecessary()', 15, [15]),
      a('store', 'strb w15, [x0, #0x80]', undefined, [0, 15], 'store', 'kernel', 1),
      ...dataPointersArm64(),
      ...retZeroArm64(),
    ],
    source: `net/core/filter.c bpf_skb_adjust_room() growing through bpf_skb_net_grow() / bpf_skb_net_hdr_push() (skb_cow_head() with headroom to spare, memmove of the MAC/L3 header, memset of the gap); ${COPY_NOTE}`,
  },
];

/** bpf_skb_change_proto() takes bpf_skb_adjust_room()'s grow path: the same skb_cow(),
 * skb_push() and memmove of the MAC header (bpf_skb_net_hdr_push() at the network header),
 * so its entry reuses that body. */
const ADJUST_ROOM = SKB_HELPER_COSTS_BASE.find((e) => e.name === 'bpf_skb_adjust_room');
if (!ADJUST_ROOM) throw new Error('skb-helper-costs: bpf_skb_adjust_room has no entry');

export const SKB_HELPER_COSTS: readonly HelperCost[] = [
  ...SKB_HELPER_COSTS_BASE,
  {
    name: 'bpf_skb_change_proto', id: 31, kind: 'helper',
    body: ADJUST_ROOM.body, bodyArm64: ADJUST_ROOM.bodyArm64,
    unmeasured: 'priced as bpf_skb_adjust_room\'s grow path (IPv4→IPv6); the IPv6→IPv4 pop moves the same MAC header the other way',
    source: 'net/core/filter.c bpf_skb_change_proto() → bpf_skb_proto_xlat(), bpf_skb_proto_4_to_6() → bpf_skb_net_hdr_push(), bpf_skb_proto_6_to_4() → bpf_skb_net_hdr_pop()',
  },
];
