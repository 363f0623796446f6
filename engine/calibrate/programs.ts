// Kernel-loadable calibration programs: a base program with N call sites, rewritten by
// the strategies engine, then with only the kernel-internal parts of the rewrite replaced
// by loadable equivalents of the same machine-level shape. The bytes built here are the
// bytes the kernel loads AND the bytes the timing model runs, so measured and predicted
// cycles describe one program.
//
// Substitutions (every one is listed in CalibrationVariant.substitutions):
//   internal helper bpf_get_exception      → bpf_get_current_pid_tgid (14): a real `call
//     rel32` into a short function reading `current` (one %gs load, dependent loads, ret).
//     The verifier does not inline it on x86-64 (checked with BPF_OBJ_GET_INFO_BY_FD), so
//     the JIT emits a direct call. pid_tgid is never 0, so the hot-path branch becomes
//     `if r0 != 0 goto +2` (x86: test rax,rax; jne instead of je; still taken).
//   internal helper bpf_reset_exception at entry → bpf_get_current_pid_tgid (result unused)
//   internal helper bpf_reset_exception in an unwind block → `r0 = 0` (cold, never run)
//   internal helper bpf_get_exception_ptr  → `lddw r0, &flag_map[0]` (BPF_PSEUDO_MAP_VALUE)
//   lddw of the simulated &prog->aux->exception → `lddw rN, &flag_map[0]`
//     (BPF_PSEUDO_MAP_VALUE: the JIT emits the same 10-byte movabs of a kernel address)
// The flag byte lives in a one-entry array map whose value is one cache line; the entry
// code stores 0 to it on every run, so no check ever fires.
//
// `percpu` has no loadable form: BPF_MOV64_PERCPU_REG is kernel-internal (user bytecode
// with off = BPF_ADDR_PERCPU is rejected). Its analog uses bpf_get_smp_processor_id (8),
// which the verifier inlines on x86-64 (v6.10+) as `mov rax, imm32; add rax,
// gs:[this_cpu_off]; mov eax, [rax]` — the same %gs-relative add and dependent load, but
// into r0, so the call site's r0 is parked in r6 around it, and the load is 32-bit. The
// branch `if r0 == 0` is the hot path only on CPU 0, so the measurement pins itself there.

import { BpfError } from '../errors.ts';
import { INSN_SIZE, PSEUDO, readInsn, writeInsn, type RawInsn } from '../isa/encoding.ts';
import { INTERNAL_HELPER } from '../isa/internal-ids.ts';
import { exit, ins, lddwMapValue, movImm, program as encode } from '../kernel/insn-builder.ts';
import type { MapDef, Program } from '../program.ts';
import type { HelperCase } from './helper-cases.ts';
import { applyPatches, defaultRewriteEnv, SLOT_ENTRY, SLOT_ORIGINAL, strategyByName, type RewriteResult } from '../strategies/index.ts';
import { isLddwInsn } from '../strategies/call-graph.ts';

const CALIBRATED_STRATEGIES = ['none', 'call', 'stack', 'aux', 'percpu'] as const;
export type CalibratedStrategy = (typeof CALIBRATED_STRATEGIES)[number];
export type SiteKind = 'subprog' | 'helper';
export const SITE_KINDS: readonly SiteKind[] = ['subprog', 'helper'];

/** bpf_get_current_pid_tgid: the stand-in for the RFC's notrace bpf_get_exception. */
export const CHECK_HELPER_ID = 14;
/** bpf_get_smp_processor_id: inlined into mov imm32 + movpcpu + ldxw on x86-64. */
const PERCPU_ANALOG_HELPER_ID = 8;

const FLAG_MAP: MapDef = { name: 'exc_flag', type: 'array', keySize: 4, valueSize: 64, maxEntries: 1, flags: 0 };

export interface CalibrationVariant {
  strategy: CalibratedStrategy;
  sites: SiteKind;
  /** Call sites in the main program. */
  n: number;
  /** The exact program loaded into the kernel and run by the model. */
  program: Program;
  /** The strategies engine's rewrite of the base program (before substitution); absent
   * for `none` and the `percpu` analog. */
  rewrite?: RewriteResult;
  /** Per slot of `program`: the call-site index of the check it belongs to, -1 original,
   * -2 entry (as RewriteResult.slotSite). */
  slotSite: Int32Array;
  /** True where the check is the strategy's sequence with only documented substitutions;
   * false for an analog with a different shape. */
  faithful: boolean;
  substitutions: string[];
  /** The program needs to run on CPU 0 (the percpu analog's branch). */
  needsCpu0: boolean;
}

const R0 = 0;
const R1 = 1;
const R6 = 6;
const R7 = 7;
const R8 = 8;

const mov = (dst: number, src: number): RawInsn => ins('mov', 'dst,src', { dst, src });
const aluImm = (op: string, dst: number, imm: number): RawInsn => ins(op, 'dst,imm', { dst, imm });
const callLocal = (imm: number): RawInsn => ins('call', 'local', { src: PSEUDO.CALL_LOCAL, imm });
const callHelper = (id: number): RawInsn => ins('call', 'helper', { imm: id });

/** The small callee: a few dependent ALU ops on its argument, then return. */
function subprogramBody(): RawInsn[] {
  return [mov(R0, R1), aluImm('add', R0, 7), aluImm('xor', R0, 0x5a), aluImm('lsh', R0, 1), aluImm('and', R0, 0xfffff), exit()];
}

/** The helper sites of the 128-site calibration: bpf_get_current_pid_tgid, no arguments,
 * results chained into r7. */
export const PID_TGID_SITE: HelperSite = { tag: 'pidtg', helperId: CHECK_HELPER_ID, maps: [], prologue: [], args: () => [], result: 'accumulate' };

/** What a helper call site is: HelperCase (helper-cases.ts) without its labels. */
export type HelperSite = Pick<HelperCase, 'tag' | 'helperId' | 'maps' | 'prologue' | 'args' | 'result' | 'callback'>;

/** Straight: N sites one after another. Loop: a bounded loop (r8 counts down) over
 * LOOP_BODY_SITES sites, N / LOOP_BODY_SITES times. The scaffolds are the same programs
 * with no sites, so (ns(form) − ns(its scaffold)) / N is one site. */
export type HelperForm = 'straight' | 'loop' | 'scaffold-straight' | 'scaffold-loop';
export const LOOP_BODY_SITES = 8;

function helperMain(site: HelperSite, n: number, form: HelperForm, callbackAt: number): RawInsn[] {
  const main: RawInsn[] = [...site.prologue, movImm(R7, 1)];
  const sites = (count: number): void => {
    for (let k = 0; k < count; k++) {
      main.push(...site.args(main.length, callbackAt), callHelper(site.helperId));
      if (site.result === 'accumulate') main.push(ins('add', 'dst,src', { dst: R7, src: R0 }));
    }
  };
  if (form === 'straight') sites(n);
  if (form === 'loop' || form === 'scaffold-loop') {
    if (n % LOOP_BODY_SITES !== 0) throw new BpfError('usage', `loop form needs sites in multiples of ${LOOP_BODY_SITES}, got ${n}`);
    main.push(movImm(R8, n / LOOP_BODY_SITES));
    const top = main.length;
    if (form === 'loop') sites(LOOP_BODY_SITES);
    main.push(aluImm('sub', R8, 1));
    main.push(ins('jne', 'dst,imm,off', { dst: R8, imm: 0, off: top - (main.length + 1) }));
  }
  main.push(mov(R0, R7), exit());
  return main;
}

/** N call sites in the main program, each result feeding the next (r7 carries the chain).
 * Helper sites are bpf_get_current_pid_tgid unless `site` says otherwise; a site's maps
 * are program maps 1.. (map 0 is the flag map buildVariant adds). */
export function baseProgram(kind: SiteKind, n: number, site: HelperSite = PID_TGID_SITE, form: HelperForm = 'straight'): Program {
  if (!Number.isInteger(n) || n < 1 || n > 2048) throw new BpfError('usage', `--sites must be 1..2048, got ${n}`);
  if (kind === 'subprog') {
    const main: RawInsn[] = [movImm(R7, 1)];
    // main is 1 + 3n + 2 slots; site k's call is at 2 + 3k, so the subprogram start
    // (slot 3 + 3n) is 3(n − k) slots past the call.
    for (let k = 0; k < n; k++) main.push(mov(R1, R7), callLocal(3 * (n - k)), mov(R7, R0));
    main.push(mov(R0, R7), exit());
    const insns = encode(main, subprogramBody());
    return { name: `cal_subprog_${n}`, source: `calibrate:subprog×${n}`, insns, maps: [], type: 'socket', symbols: new Map([[0, 'main'], [main.length, 'callee']]) };
  }
  // The callback's slot depends on the main program's length: build once to measure it.
  const length = helperMain(site, n, form, 0).length;
  const main = helperMain(site, n, form, length);
  const symbols = new Map([[0, 'main']]);
  // A scaffold has no call referencing the callback, and the verifier rejects unreachable code.
  const callback = form === 'straight' || form === 'loop' ? site.callback : undefined;
  if (callback) symbols.set(length, 'callback');
  const what = site === PID_TGID_SITE ? 'helper' : `helper:${site.tag}`;
  const suffix = form === 'straight' ? '' : `:${form}`;
  return {
    name: site === PID_TGID_SITE ? `cal_helper_${n}` : `cal_${site.tag}_${n}`,
    source: `calibrate:${what}×${n}${suffix}`,
    insns: callback ? encode(main, callback) : encode(main),
    maps: site.maps.length ? [FLAG_MAP, ...site.maps] : [],
    type: 'socket',
    symbols,
  };
}

const env = defaultRewriteEnv({ sites: 'all-calls' });
const INTERNAL = INTERNAL_HELPER;

interface Substituted {
  insns: Uint8Array;
  symbols: Program['symbols'];
  slotSite: Int32Array;
  notes: Set<string>;
}

/** Replaces the kernel-internal parts of a rewritten program; see the file comment. */
function substitute(r: RewriteResult, file: string): Substituted {
  const src = r.program.insns;
  const n = src.length / INSN_SIZE;
  const out = src.slice();
  const notes = new Set<string>();
  const growAt: number[] = [];
  for (let i = 0; i < n; i++) {
    const insn = readInsn(src, i);
    if (isLddwInsn(insn)) {
      const hi = readInsn(src, i + 1).imm;
      const value = (BigInt(hi >>> 0) << 32n) | BigInt(insn.imm >>> 0);
      if (insn.src === PSEUDO.LDDW_IMM && value === env.auxExceptionAddr) {
        const [a, b] = lddwMapValue(insn.dst, 0, 0);
        writeInsn(out, i, a);
        writeInsn(out, i + 1, b);
        notes.add('lddw &prog->aux->exception (simulated address) → lddw &exc_flag[0] (BPF_PSEUDO_MAP_VALUE; JIT: movabs imm64)');
      }
      i++;
      continue;
    }
    if (insn.opcode !== callHelper(0).opcode || insn.src !== PSEUDO.CALL_HELPER) continue;
    const entry = r.slotSite[i] === SLOT_ENTRY;
    switch (insn.imm) {
      case INTERNAL.bpf_get_exception: {
        writeInsn(out, i, callHelper(CHECK_HELPER_ID));
        const next = readInsn(src, i + 1);
        if (next.opcode !== ins('jeq', 'dst,imm,off').opcode || next.dst !== R0 || next.imm !== 0) {
          throw new BpfError('load', 'call strategy: expected `if r0 == 0 goto` after bpf_get_exception', { file, pc: i + 1 });
        }
        writeInsn(out, i + 1, { ...next, opcode: ins('jne', 'dst,imm,off').opcode });
        notes.add('call bpf_get_exception → call bpf_get_current_pid_tgid (14); if r0 == 0 goto +k → if r0 != 0 goto +k (pid_tgid is never 0)');
        break;
      }
      case INTERNAL.bpf_reset_exception:
        if (entry) {
          writeInsn(out, i, callHelper(CHECK_HELPER_ID));
          notes.add('entry: call bpf_reset_exception → call bpf_get_current_pid_tgid (14), result unused');
        } else {
          writeInsn(out, i, movImm(R0, 0));
          notes.add('unwind block: call bpf_reset_exception → r0 = 0 (cold path)');
        }
        break;
      case INTERNAL.bpf_get_exception_ptr:
        growAt.push(i);
        notes.add('entry: call bpf_get_exception_ptr → lddw r0, &exc_flag[0] (BPF_PSEUDO_MAP_VALUE)');
        break;
      case INTERNAL.bpf_set_exception:
        throw new BpfError('load', 'calibration programs never throw, but the rewrite emitted bpf_set_exception', { file, pc: i });
      default:
        break;
    }
  }
  if (growAt.length === 0) return { insns: out, symbols: r.program.symbols, slotSite: r.slotSite, notes };
  const patched = applyPatches(
    { ...r.program, insns: out },
    growAt.map((at) => ({ at, role: 'site' as const, replace: lddwMapValue(R0, 0, 0), tag: r.slotSite[at] })),
  );
  const slotSite = Int32Array.from(patched.origin, (o, j) => (o >= 0 ? r.slotSite[o] : patched.tag[j]));
  return { insns: patched.program.insns, symbols: patched.program.symbols, slotSite, notes };
}

/** The percpu analog after every call site: r6 = r0; r0 = cpu (inlined); branch; r0 = r6. */
function percpuAnalog(base: Program): { insns: Uint8Array; symbols: Program['symbols']; slotSite: Int32Array } {
  const src = base.insns;
  const n = src.length / INSN_SIZE;
  const patches = [];
  let site = 0;
  for (let i = 0; i < n; i++) {
    const insn = readInsn(src, i);
    if (isLddwInsn(insn)) {
      i++;
      continue;
    }
    // Every call in these programs is in the main program (the callee makes none).
    if (insn.opcode !== callHelper(0).opcode) continue;
    const check = [mov(R6, R0), callHelper(PERCPU_ANALOG_HELPER_ID), ins('jeq', 'dst,imm,off', { dst: R0, imm: 0, off: 2 }), movImm(R0, 0), exit(), mov(R0, R6)];
    patches.push({ at: i, role: 'site' as const, after: check, tag: site++ });
  }
  const r = applyPatches(base, patches);
  return { insns: r.program.insns, symbols: r.program.symbols, slotSite: Int32Array.from(r.tag, (t) => (t < 0 ? SLOT_ORIGINAL : t)) };
}

export function buildVariant(strategy: CalibratedStrategy, sites: SiteKind, n: number, site: HelperSite = PID_TGID_SITE): CalibrationVariant {
  const base = baseProgram(sites, n, site);
  const custom = sites === 'helper' && site !== PID_TGID_SITE;
  // BPF_OBJ_NAME_LEN: 15 chars
  const name = custom ? `h_${site.tag}_${strategy}` : `cal_${sites === 'subprog' ? 's' : 'h'}_${strategy}`;
  const maps = [FLAG_MAP, ...(sites === 'helper' ? site.maps : [])];
  const common = { strategy, sites, n, needsCpu0: false };
  if (strategy === 'none') {
    const slotSite = new Int32Array(base.insns.length / INSN_SIZE).fill(SLOT_ORIGINAL);
    return { ...common, program: { ...base, name, maps }, slotSite, faithful: true, substitutions: [] };
  }
  if (strategy === 'percpu') {
    const a = percpuAnalog(base);
    return {
      ...common,
      needsCpu0: true,
      program: { ...base, name, insns: a.insns, maps, symbols: a.symbols },
      slotSite: a.slotSite,
      faithful: false,
      substitutions: [
        'analog, not the strategy: BPF_MOV64_PERCPU_REG is kernel-internal; after each site r6 = r0; call bpf_get_smp_processor_id (verifier-inlined: mov imm32, add gs:[this_cpu_off], 32-bit load); if r0 == 0 goto +2 (hot path on CPU 0); r0 = 0; exit; r0 = r6',
      ],
    };
  }
  const strat = strategyByName(strategy);
  if (!strat) throw new Error(`no strategy ${strategy}`);
  const rewrite = strat.rewrite(base, env);
  const s = substitute(rewrite, base.source);
  return {
    ...common,
    program: { ...rewrite.program, name, insns: s.insns, maps, symbols: s.symbols },
    rewrite,
    slotSite: s.slotSite,
    faithful: true,
    substitutions: [...s.notes],
  };
}

export function buildVariants(n: number, sites: readonly SiteKind[] = SITE_KINDS, strategies: readonly CalibratedStrategy[] = CALIBRATED_STRATEGIES): CalibrationVariant[] {
  return sites.flatMap((k) => strategies.map((s) => buildVariant(s, k, n)));
}

/** Slots [start, end) of check block `site` (the instructions inserted after that call). */
export function checkBlock(slotSite: Int32Array, site: number): { start: number; end: number } {
  const start = slotSite.indexOf(site);
  if (start < 0) throw new RangeError(`no check block for call site ${site}`);
  let end = start;
  while (end < slotSite.length && slotSite[end] === site) end++;
  return { start, end };
}

export function slots(insns: Uint8Array, start: number, end: number): Uint8Array {
  return insns.subarray(start * INSN_SIZE, end * INSN_SIZE);
}
