// The x86-64 body of __htab_map_lookup_elem() (kernel/bpf/hashtab.c), shared by every
// cost entry whose verifier rewrite calls it: htab_map_gen_lookup() and its LRU, per-CPU
// and map-in-map siblings (helper-costs.ts, map-type-costs.ts).

import { fentryNop, k, kret } from './kernel-ops-x86.ts';
import { X86_REG, type MachineOp } from './op-class.ts';

const R = X86_REG;

/** A call of lib/string.c memcmp() on `bytes` (< 8) bytes that compare equal: the byte loop. */
function memcmpCall(bytes: number): MachineOp[] {
  return [
    k('lea', 'lea rdi, [r11 + 0x30]  ; &l->key', R.rdi, [R.r11]),
    k('mov-reg', 'mov edx, r12d  ; key_size', R.rdx, [R.r12]),
    k('call-direct', 'call memcmp', R.rax, [R.rsp], 'store', 'stack', 8),
    fentryNop(),
    ...Array.from({ length: bytes }, (_, i) => [
      k('load', `movzx eax, byte ptr [rdi + ${i}]`, R.rax, [R.rdi], 'load', 'kernel', 1),
      k('load', `movzx ecx, byte ptr [rsi + ${i}]`, R.rcx, [R.rsi], 'load', 'insn', 1),
      k('alu', 'sub eax, ecx', R.rax, [R.rax, R.rcx]),
      k('branch-cond', 'jne .Ldone', undefined, [R.flags]),
      k('alu', 'dec rdx', R.rdx, [R.rdx]),
      k('branch-cond', 'jne .Lbyte', undefined, [R.flags]),
    ]).flat(),
    kret(),
  ];
}

// __htab_map_lookup_elem() as the kernel builds it: the compiler keeps htab_map_hash()
// (jhash() inlined into it) and lookup_nulls_elem_raw() out of line, so the look-up is
// three calls deep, each ending in a return. Seen on the calibration host (Linux
// 6.18.44): /proc/kallsyms lists `t htab_map_hash` (656 bytes), `t
// lookup_nulls_elem_raw` (160 bytes) and `t __htab_map_lookup_elem` (80 bytes, the
// two calls) as separate kernel/bpf/hashtab.c functions, each with its __pfx_ padding
// and so traceable (a patched-out __fentry__ call).
export const hashLookup: MachineOp[] = [
  fentryNop(),
  // __htab_map_lookup_elem(): key_size, htab->hashrnd, then htab_map_hash(key, key_size, hashrnd).
  k('load', 'mov edx, dword ptr [rdi + 0x2c]  ; map->key_size', R.rdx, [R.rdi], 'load', 'kernel', 4),
  k('load', 'mov r8d, dword ptr [rdi + 0x100]  ; htab->hashrnd', R.r8, [R.rdi], 'load', 'kernel', 4),
  k('call-direct', 'call htab_map_hash', R.rax, [R.rsp], 'store', 'stack', 8),
  fentryNop(),
  k('load', 'mov eax, dword ptr [rsi]  ; key word', R.rax, [R.rsi], 'load', 'insn', 4),
  // jhash's __jhash_final(): 7 rounds of xor, sub, rol on three words (include/linux/jhash.h)
  ...Array.from({ length: 7 }, (_, i) => [
    k('alu', `xor ecx, edx  ; __jhash_final round ${i + 1}`, R.rcx, [R.rcx, R.rdx]),
    k('shift', 'rol edx, 14', R.rdx, [R.rdx]),
    k('alu', 'sub ecx, edx', R.rcx, [R.rcx, R.rdx]),
  ]).flat(),
  k('mov-reg', 'mov eax, ecx', R.rax, [R.rcx]),
  kret(),
  // select_bucket(), then lookup_nulls_elem_raw(head, hash, key, key_size, n_buckets).
  k('load', 'mov r9d, dword ptr [rdi + 0x104]  ; htab->n_buckets', R.r9, [R.rdi], 'load', 'kernel', 4),
  k('alu', 'dec r9d', R.r9, [R.r9]),
  k('alu', 'and r9d, eax  ; hash & (n_buckets - 1)', R.r9, [R.r9, R.rax]),
  k('load', 'mov r10, qword ptr [rdi + 0x108]  ; htab->buckets', R.r10, [R.rdi], 'load', 'kernel', 8),
  k('lea', 'lea rdi, [r10 + r9*8]  ; head', R.rdi, [R.r10, R.r9]),
  k('call-direct', 'call lookup_nulls_elem_raw', R.rax, [R.rsp], 'store', 'stack', 8),
  fentryNop(),
  k('load', 'mov r11, qword ptr [rdi]  ; bucket head', R.r11, [R.rdi], 'load', 'kernel', 8),
  k('load', 'mov edx, dword ptr [r11 + 0x28]  ; l->hash', R.rdx, [R.r11], 'load', 'kernel', 4),
  k('alu', 'cmp edx, eax', R.flags, [R.rdx, R.rax]),
  k('branch-cond', 'jne .Lnext', undefined, [R.flags]),
  // !memcmp(&l->key, key, key_size) with key_size a run-time value, so a call to
  // memcmp(); x86-64 has no arch memcmp (no __HAVE_ARCH_MEMCMP), so it is lib/string.c
  // memcmp(): under 8 bytes, the byte loop, 4 iterations for a 4-byte key.
  ...memcmpCall(4),
  k('alu', 'test eax, eax', R.flags, [R.rax]),
  k('branch-cond', 'jne .Lnext', undefined, [R.flags]),
  k('mov-reg', 'mov rax, r11', R.rax, [R.r11]),
  kret(),
  kret(),
];
