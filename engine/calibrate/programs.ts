// Kernel-loadable calibration programs: a base program with N call sites, rewritten by
// the strategies engine, then with only the kernel-internal parts of the rewrite replaced
// by loadable equivalents of the same machine-level shape. The bytes built here are the
// bytes the kernel loads AND the bytes the timing model runs, so measured and predicted
// cycles describe one program.
//
// The substitutions, and the `percpu` analog, are those of loadable-form.ts (listed in
// CalibrationVariant.substitutions). The entry code stores 0 to the flag on every run, so
// no check ever fires.

import { BpfError } from '../errors.ts';
import { INSN_SIZE, PSEUDO, type RawInsn } from '../isa/encoding.ts';
import { exit, ins, movImm, program as encode } from '../kernel/insn-builder.ts';
import type { Program } from '../program.ts';
import { defaultRewriteEnv, SLOT_ORIGINAL, strategyByName, type RewriteResult } from '../strategies/index.ts';
import { CHECK_HELPER_ID, FLAG_MAP, percpuAnalog, substitute } from './loadable-form.ts';

export { CHECK_HELPER_ID } from './loadable-form.ts';

const CALIBRATED_STRATEGIES = ['none', 'call', 'stack', 'aux', 'percpu'] as const;
export type CalibratedStrategy = (typeof CALIBRATED_STRATEGIES)[number];
export type SiteKind = 'subprog' | 'helper';
export const SITE_KINDS: readonly SiteKind[] = ['subprog', 'helper'];

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

const mov = (dst: number, src: number): RawInsn => ins('mov', 'dst,src', { dst, src });
const aluImm = (op: string, dst: number, imm: number): RawInsn => ins(op, 'dst,imm', { dst, imm });
const callLocal = (imm: number): RawInsn => ins('call', 'local', { src: PSEUDO.CALL_LOCAL, imm });
const callHelper = (id: number): RawInsn => ins('call', 'helper', { imm: id });

/** The small callee: a few dependent ALU ops on its argument, then return. */
function subprogramBody(): RawInsn[] {
  return [mov(R0, R1), aluImm('add', R0, 7), aluImm('xor', R0, 0x5a), aluImm('lsh', R0, 1), aluImm('and', R0, 0xfffff), exit()];
}

/** N call sites in the main program, each result feeding the next (r7 carries the chain). */
export function baseProgram(kind: SiteKind, n: number): Program {
  if (!Number.isInteger(n) || n < 1 || n > 2048) throw new BpfError('usage', `--sites must be 1..2048, got ${n}`);
  const main: RawInsn[] = [movImm(R7, 1)];
  if (kind === 'subprog') {
    // main is 1 + 3n + 2 slots; site k's call is at 2 + 3k, so the subprogram start
    // (slot 3 + 3n) is 3(n − k) slots past the call.
    for (let k = 0; k < n; k++) main.push(mov(R1, R7), callLocal(3 * (n - k)), mov(R7, R0));
    main.push(mov(R0, R7), exit());
    const insns = encode(main, subprogramBody());
    return { name: `cal_subprog_${n}`, source: `calibrate:subprog×${n}`, insns, maps: [], type: 'socket', symbols: new Map([[0, 'main'], [main.length, 'callee']]) };
  }
  for (let k = 0; k < n; k++) main.push(callHelper(CHECK_HELPER_ID), ins('add', 'dst,src', { dst: R7, src: R0 }));
  main.push(mov(R0, R7), exit());
  return { name: `cal_helper_${n}`, source: `calibrate:helper×${n}`, insns: encode(main), maps: [], type: 'socket', symbols: new Map([[0, 'main']]) };
}

const env = defaultRewriteEnv({ sites: 'all-calls' });

export function buildVariant(strategy: CalibratedStrategy, sites: SiteKind, n: number): CalibrationVariant {
  const base = baseProgram(sites, n);
  const name = `cal_${sites === 'subprog' ? 's' : 'h'}_${strategy}`; // BPF_OBJ_NAME_LEN: 15 chars
  const common = { strategy, sites, n, needsCpu0: false };
  if (strategy === 'none') {
    const slotSite = new Int32Array(base.insns.length / INSN_SIZE).fill(SLOT_ORIGINAL);
    return { ...common, program: { ...base, name, maps: [FLAG_MAP] }, slotSite, faithful: true, substitutions: [] };
  }
  if (strategy === 'percpu') {
    const a = percpuAnalog(base, env, R6);
    return {
      ...common,
      needsCpu0: true,
      program: { ...base, name, insns: a.insns, maps: [FLAG_MAP], symbols: a.symbols },
      slotSite: a.slotSite,
      faithful: false,
      substitutions: [...a.notes],
    };
  }
  const strat = strategyByName(strategy);
  if (!strat) throw new Error(`no strategy ${strategy}`);
  const rewrite = strat.rewrite(base, env);
  const s = substitute(rewrite, env, { flagMap: 0 });
  return {
    ...common,
    program: { ...rewrite.program, name, insns: s.insns, maps: [FLAG_MAP], symbols: s.symbols },
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
