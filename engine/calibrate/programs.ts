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
import type { HelperCase } from './helper-cases.ts';
import { defaultRewriteEnv, SLOT_ORIGINAL, strategyByName, type RewriteResult } from '../strategies/index.ts';
import { CHECK_HELPER_ID, FLAG_MAP, percpuAnalog, substitute } from './loadable-form.ts';
import { R0, R1, R6, R7, R8 } from '../strategies/emit.ts';

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
    const a = percpuAnalog(base, env, R6);
    return {
      ...common,
      needsCpu0: true,
      program: { ...base, name, insns: a.insns, maps, symbols: a.symbols },
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
