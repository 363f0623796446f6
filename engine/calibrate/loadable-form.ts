// A rewritten program in a form the running kernel loads: only the kernel-internal parts
// of a strategy's rewrite are replaced, by loadable equivalents of the same machine-level
// shape, so the bytes the kernel times are the bytes the timing model runs. Used for the
// calibration base programs and for whole workloads alike.
//
// Substitutions (every one is reported in LoadableForm.notes):
//   internal helper bpf_get_exception      → bpf_get_current_pid_tgid (14): a real `call
//     rel32` into a short function reading `current` (one %gs load, dependent loads, ret).
//     The verifier does not inline it on x86-64 (checked with BPF_OBJ_GET_INFO_BY_FD), so
//     the JIT emits a direct call. pid_tgid is never 0, so the hot-path branch becomes
//     `if r0 != 0 goto +2` (x86: test rax,rax; jne instead of je; still taken). The
//     substituted check therefore never sees a throw: a program that throws cannot run
//     the `call` strategy's loadable form with the executor's r0.
//   internal helper bpf_reset_exception at entry → bpf_get_current_pid_tgid (result unused)
//   internal helper bpf_reset_exception in an unwind block → `r0 = 0` (cold, never run), or
//     for a program that throws, `lddw r0, &flag_map[0]; r0 = *(u64 *)(r0 + cookie)`: it
//     returns the cookie bpf_set_exception stored, as the RFC's reset does.
//   internal helper bpf_get_exception_ptr  → `lddw r0, &flag_map[0]` (BPF_PSEUDO_MAP_VALUE)
//   internal helper bpf_set_exception (only in a program that throws) → `lddw r0,
//     &flag_map[0]; *(u64 *)(r0 + cookie) = r1; *(u8 *)(r0 + 0) = 1`: the RFC's bpf_throw
//     body (set the flag, store the cookie beside it).
//   lddw of the simulated &prog->aux->exception → `lddw rN, &flag_map[0]`
//     (BPF_PSEUDO_MAP_VALUE: the JIT emits the same 10-byte movabs of a kernel address)
// The flag byte lives in a one-entry array map whose value is one cache line (FLAG_MAP),
// appended to the program's maps; the strategies' entry code clears it on every run.
//
// `percpu` has no loadable form: BPF_MOV64_PERCPU_REG is kernel-internal (user bytecode
// with off = BPF_ADDR_PERCPU is rejected). Its analog uses bpf_get_smp_processor_id (8),
// which the verifier inlines on x86-64 (v6.10+) as `mov rax, imm32; add rax,
// gs:[this_cpu_off]; mov eax, [rax]` — the same %gs-relative add and dependent load, but
// into r0, so the call site's r0 is parked around it (in a free register where the
// program leaves one, else in a reserved stack slot), and the load is 32-bit. The branch
// `if r0 == 0` is the hot path only on CPU 0, so a measurement pins itself there.

import { BpfError } from '../errors.ts';
import { INSN_SIZE, PSEUDO, readInsn, writeInsn, type RawInsn } from '../isa/encoding.ts';
import { INTERNAL_HELPER, KFUNC_ID } from '../isa/internal-ids.ts';
import { exit, ins, lddwMapValue, movImm } from '../kernel/insn-builder.ts';
import type { MapDef, Program } from '../program.ts';
import { applyPatches, SLOT_ENTRY, SLOT_ORIGINAL, type RewriteEnv, type RewriteResult } from '../strategies/index.ts';
import { isLddwInsn } from '../strategies/call-graph.ts';
import { rewriteWithChecks } from '../strategies/rewrite.ts';
import { R0, R1, R10 } from '../strategies/emit.ts';

/** bpf_get_current_pid_tgid: the stand-in for the RFC's notrace bpf_get_exception. */
export const CHECK_HELPER_ID = 14;
/** bpf_get_smp_processor_id: inlined into mov imm32 + movpcpu + ldxw on x86-64. */
export const PERCPU_ANALOG_HELPER_ID = 8;

/** The flag (byte 0) and cookie (env.cookieOffset) of every loadable form. */
export const FLAG_MAP: MapDef = { name: 'exc_flag', type: 'array', keySize: 4, valueSize: 64, maxEntries: 1, flags: 0 };

export interface LoadableForm {
  insns: Uint8Array;
  symbols: Program['symbols'];
  /** Per slot: the call-site index of the check it belongs to, SLOT_ORIGINAL or SLOT_ENTRY. */
  slotSite: Int32Array;
  notes: Set<string>;
}

export interface LoadableOptions {
  /** Index of FLAG_MAP in the program's maps (lddw BPF_PSEUDO_MAP_VALUE imm). */
  flagMap: number;
  /** The program throws: bpf_set_exception gets a loadable body and the unwind block's
   * reset returns the stored cookie. Otherwise a bpf_set_exception is an error. */
  throws?: boolean;
}


const mov = (dst: number, src: number): RawInsn => ins('mov', 'dst,src', { dst, src });
const callHelper = (id: number): RawInsn => ins('call', 'helper', { imm: id });
const CALL = callHelper(0).opcode;
const JEQ_IMM = ins('jeq', 'dst,imm,off').opcode;
const JNE_IMM = ins('jne', 'dst,imm,off').opcode;

/** Replaces the kernel-internal parts of a strategy's rewrite; see the file comment. */
export function substitute(r: RewriteResult, env: RewriteEnv, opts: LoadableOptions): LoadableForm {
  const file = r.program.source;
  const src = r.program.insns;
  const n = src.length / INSN_SIZE;
  const out = src.slice();
  const notes = new Set<string>();
  const grow: { at: number; replace: RawInsn[] }[] = [];
  const flag = (dst: number): RawInsn[] => lddwMapValue(dst, opts.flagMap, 0);
  for (let i = 0; i < n; i++) {
    const insn = readInsn(src, i);
    if (isLddwInsn(insn)) {
      const hi = readInsn(src, i + 1).imm;
      const value = (BigInt(hi >>> 0) << 32n) | BigInt(insn.imm >>> 0);
      if (insn.src === PSEUDO.LDDW_IMM && value === env.auxExceptionAddr) {
        const [a, b] = flag(insn.dst);
        writeInsn(out, i, a);
        writeInsn(out, i + 1, b);
        notes.add('lddw &prog->aux->exception (simulated address) → lddw &exc_flag[0] (BPF_PSEUDO_MAP_VALUE; JIT: movabs imm64)');
      }
      i++;
      continue;
    }
    if (insn.opcode !== CALL || insn.src !== PSEUDO.CALL_HELPER) continue;
    const entry = r.slotSite[i] === SLOT_ENTRY;
    switch (insn.imm) {
      case INTERNAL_HELPER.bpf_get_exception: {
        writeInsn(out, i, callHelper(CHECK_HELPER_ID));
        const next = readInsn(src, i + 1);
        if (next.opcode !== JEQ_IMM || next.dst !== R0 || next.imm !== 0) {
          throw new BpfError('load', 'call strategy: expected `if r0 == 0 goto` after bpf_get_exception', { file, pc: i + 1 });
        }
        writeInsn(out, i + 1, { ...next, opcode: JNE_IMM });
        notes.add('call bpf_get_exception → call bpf_get_current_pid_tgid (14); if r0 == 0 goto +k → if r0 != 0 goto +k (pid_tgid is never 0)');
        break;
      }
      case INTERNAL_HELPER.bpf_reset_exception:
        if (entry) {
          writeInsn(out, i, callHelper(CHECK_HELPER_ID));
          notes.add('entry: call bpf_reset_exception → call bpf_get_current_pid_tgid (14), result unused');
        } else if (opts.throws) {
          grow.push({ at: i, replace: [...flag(R0), ins('ldxdw', 'load', { dst: R0, src: R0, off: env.cookieOffset })] });
          notes.add(`unwind block: call bpf_reset_exception → lddw r0, &exc_flag[0]; r0 = *(u64 *)(r0 + ${env.cookieOffset}) (the stored cookie)`);
        } else {
          writeInsn(out, i, movImm(R0, 0));
          notes.add('unwind block: call bpf_reset_exception → r0 = 0 (cold path)');
        }
        break;
      case INTERNAL_HELPER.bpf_get_exception_ptr:
        grow.push({ at: i, replace: flag(R0) });
        notes.add('entry: call bpf_get_exception_ptr → lddw r0, &exc_flag[0] (BPF_PSEUDO_MAP_VALUE)');
        break;
      case INTERNAL_HELPER.bpf_set_exception:
        if (!opts.throws) throw new BpfError('load', 'the program never throws, but the rewrite emitted bpf_set_exception', { file, pc: i });
        grow.push({
          at: i,
          replace: [...flag(R0), ins('stxdw', 'store-reg', { dst: R0, off: env.cookieOffset, src: R1 }), ins('stb', 'store-imm', { dst: R0, off: 0, imm: 1 })],
        });
        notes.add(`throw: call bpf_set_exception → lddw r0, &exc_flag[0]; *(u64 *)(r0 + ${env.cookieOffset}) = r1; *(u8 *)(r0 + 0) = 1`);
        break;
      default:
        break;
    }
  }
  if (grow.length === 0) return { insns: out, symbols: r.program.symbols, slotSite: r.slotSite, notes };
  const patched = applyPatches(
    { ...r.program, insns: out },
    grow.map(({ at, replace }) => ({ at, role: 'site' as const, replace, tag: r.slotSite[at] })),
  );
  const slotSite = Int32Array.from(patched.origin, (o, j) => (o >= 0 ? r.slotSite[o] : patched.tag[j]));
  return { insns: patched.program.insns, symbols: patched.program.symbols, slotSite, notes };
}

/** The percpu analog after every call site `env` selects (bpf_throw stays the kernel's
 * kfunc): park r0; r0 = cpu (inlined); if r0 == 0 goto +2; r0 = 0; exit; restore r0.
 * `park` is a register the program never uses, or 'stack' for a reserved slot per frame. */
export function percpuAnalog(p: Program, env: RewriteEnv, park: number | 'stack' = 'stack'): LoadableForm {
  const r = rewriteWithChecks(p, env, ({ slots }) => {
    const slot = park === 'stack' ? slots.alloc('r0 park') : 0;
    const save = park === 'stack' ? ins('stxdw', 'store-reg', { dst: R10, off: slot, src: R0 }) : mov(park, R0);
    const restore = park === 'stack' ? ins('ldxdw', 'load', { dst: R0, src: R10, off: slot }) : mov(R0, park);
    return {
      entry: () => undefined,
      check: () => [save, callHelper(PERCPU_ANALOG_HELPER_ID), ins('jeq', 'dst,imm,off', { dst: R0, imm: 0, off: 2 }), movImm(R0, 0), exit(), restore],
      throwAt: () => [ins('call', 'kfunc', { src: PSEUDO.CALL_KFUNC, imm: KFUNC_ID.bpf_throw })],
    };
  });
  const where = park === 'stack' ? 'a reserved stack slot' : `r${park}`;
  const notes = new Set([
    `analog, not the strategy: BPF_MOV64_PERCPU_REG is kernel-internal; after each site r0 is parked in ${where}; call bpf_get_smp_processor_id (verifier-inlined: mov imm32, add gs:[this_cpu_off], 32-bit load); if r0 == 0 goto +2 (hot path on CPU 0); r0 = 0; exit; r0 restored`,
  ]);
  return { insns: r.program.insns, symbols: r.program.symbols, slotSite: Int32Array.from(r.slotSite, (t) => (t < 0 ? SLOT_ORIGINAL : t)), notes };
}
