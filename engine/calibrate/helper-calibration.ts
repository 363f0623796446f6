// The helpers calibration: for every case of helper-cases.ts, the helper's own cost per
// call site and each strategy's check overhead after it, kernel against the `ooo` model on
// the same bytes.
//
// Per case, on one set of rounds (rounds.ts):
//   scaffold-straight, straight   K sites one after another (and the same program without them)
//   scaffold-loop, loop           a bounded loop over 8 sites, K/8 times (and without the sites)
//   call, stack, aux, percpu      the straight program rewritten by each strategy (programs.ts)
// Reductions, per round (kernel) or per model run:
//   baseline  = (ns(form) − ns(its scaffold)) / K × GHz      target TARGETS.helperBaseline
//   overhead  = (ns(strategy) − ns(straight)) / K × GHz       TARGETS.callOverhead (call),
//                                                             TARGETS.checkOverhead (others)
// The per-site figures include the argument set-up and the use of r0, which the model runs too.

import { withMitigations } from '../cpus/mitigations.ts';
import { cpuModelById } from '../cpus/index.ts';
import { BpfError } from '../errors.ts';
import { INSN_SIZE, readInsn } from '../isa/encoding.ts';
import type { KernelHandle } from '../kernel/bpf-syscall.ts';
import { callHelper } from '../kernel/insn-builder.ts';
import type { Program } from '../program.ts';
import { createTimingModel } from '../timing/model.ts';
import { helperCaseList, type HelperCase } from './helper-cases.ts';
import { runCounted } from './model.ts';
import { baseProgram, buildVariant, type CalibratedStrategy, type HelperForm } from './programs.ts';
import { timeInRounds, type RoundOptions, type TimedProgram } from './rounds.ts';
import { judged, TARGETS, type CalibrationRow, type CalibrationSection, type SectionContext, type Target } from './section.ts';
import { spread } from './spread.ts';

/** Call sites per program (straight) and in all iterations of the loop form. */
export const HELPER_SITES = 64;
export const HELPER_STRATEGIES = ['call', 'stack', 'aux', 'percpu'] as const satisfies readonly CalibratedStrategy[];
type HelperStrategy = (typeof HELPER_STRATEGIES)[number];
export type HelperRole = HelperForm | HelperStrategy;
const ROLES: readonly HelperRole[] = ['scaffold-straight', 'straight', 'scaffold-loop', 'loop', ...HELPER_STRATEGIES];

/**
 * The section's rounds from the context's (the sites calibration's, whose programs are
 * 128 sites of a few cycles). A helper program runs 0.1–11 µs (hash updates are the
 * longest), tens of times a sites program, so repeat is divided by 100; and a round loads
 * ~150 programs, so the section takes half the rounds. At the defaults (20 loads × 15
 * runs × 20000) that is 10 × 15 × 200: about 20 s on the idle 2-vCPU zen3 host
 * (measured, model included), 35 s while other work shared it.
 */
const REPEAT_DIVISOR = 100;
const LOADS_DIVISOR = 2;
/** Ring-buffer bytes per program: the ring is sized to hold every record of a round, up to this. */
const MAX_RING_BYTES = 8 << 20;
const RING_MIN_BYTES = 1 << 16;

export interface HelperProgram {
  role: HelperRole;
  program: Program;
  needsCpu0: boolean;
  substitutions: string[];
}

export interface HelperCaseSet {
  helperCase: HelperCase;
  programs: HelperProgram[];
}

/** The programs of one case with K sites (the strategies' substitutions as buildVariant documents them). */
export function helperCasePrograms(c: HelperCase, k = HELPER_SITES): HelperCaseSet {
  const forms = (['scaffold-straight', 'straight', 'scaffold-loop', 'loop'] as const).map((form): HelperProgram => {
    const p = baseProgram('helper', k, c, form);
    const short = { 'scaffold-straight': 'ss', straight: 's', 'scaffold-loop': 'sl', loop: 'l' }[form];
    return { role: form, program: { ...p, name: `h_${c.tag}_${short}`, type: c.progType }, needsCpu0: false, substitutions: [] };
  });
  const strategies = HELPER_STRATEGIES.map((s): HelperProgram => {
    const v = buildVariant(s, 'helper', k, c);
    return { role: s, program: { ...v.program, type: c.progType }, needsCpu0: v.needsCpu0, substitutions: v.substitutions };
  });
  return { helperCase: c, programs: [...forms, ...strategies] };
}

/** Per role: the figure of one round or one model run (ns or cycles per program run). */
export type RoleFigures = Partial<Record<HelperRole, number>>;

/** Cycles per site of each row a case reports, from per-run figures in cycles. */
export function perSiteCycles(cyclesPerRun: RoleFigures, k: number): { baseline: Partial<Record<'straight' | 'loop', number>>; overhead: Partial<Record<HelperStrategy, number>> } {
  const diff = (a: HelperRole, b: HelperRole): number | undefined => {
    const x = cyclesPerRun[a];
    const y = cyclesPerRun[b];
    return x === undefined || y === undefined ? undefined : (x - y) / k;
  };
  const baseline: Partial<Record<'straight' | 'loop', number>> = {};
  const straight = diff('straight', 'scaffold-straight');
  const loop = diff('loop', 'scaffold-loop');
  if (straight !== undefined) baseline.straight = straight;
  if (loop !== undefined) baseline.loop = loop;
  const overhead: Partial<Record<HelperStrategy, number>> = {};
  for (const s of HELPER_STRATEGIES) {
    const d = diff(s, 'straight');
    if (d !== undefined) overhead[s] = d;
  }
  return { baseline, overhead };
}

/** What the kernel side of one case produced: per role, ns per run by round; GHz by round. */
export interface CaseKernelTimings {
  nsByRound: RoleFigures[];
  ghzByRound: number[];
  /** Roles the kernel refused, with the verifier's reason. */
  rejected: Partial<Record<HelperRole, string>>;
  /** Helper calls left in the xlated straight program (fewer than K: the verifier inlined it). */
  callsLeft?: number;
}

/** What the model side of one case produced: cycles per run by role, or why not. */
export interface CaseModel {
  cyclesPerRun: RoleFigures;
  unavailable?: string;
}

const STRATEGY_TARGET: Record<HelperStrategy, Target> = {
  call: TARGETS.callOverhead,
  stack: TARGETS.checkOverhead,
  aux: TARGETS.checkOverhead,
  percpu: TARGETS.checkOverhead,
};

const ROW_DEPENDS: Record<'straight' | 'loop' | HelperStrategy, HelperRole[]> = {
  straight: ['straight', 'scaffold-straight'],
  loop: ['loop', 'scaffold-loop'],
  call: ['call', 'straight'],
  stack: ['stack', 'straight'],
  aux: ['aux', 'straight'],
  percpu: ['percpu', 'straight'],
};

/** A case's name for a table row: bpf_map_lookup_elem/hash → lookup/hash. */
const shortName = (label: string): string => label.replace(/^bpf_map_(\w+)_elem/, '$1').replace(/^bpf_/, '');

/** The rows of one case from its kernel timings (absent: no kernel, `noKernel` says why) and model. */
export function caseRows(c: HelperCase, k: number, model: CaseModel, kernel: CaseKernelTimings | undefined, noKernel?: string): CalibrationRow[] {
  const m = perSiteCycles(model.cyclesPerRun, k);
  const perRound = kernel?.nsByRound.map((ns, r) => {
    const cyc: RoleFigures = {};
    for (const role of ROLES) if (ns[role] !== undefined) cyc[role] = (ns[role] as number) * kernel.ghzByRound[r];
    return perSiteCycles(cyc, k);
  });
  const row = (what: 'straight' | 'loop' | HelperStrategy, label: string, target: Target, modelFigure: number | undefined, samples: (number | undefined)[] | undefined, note?: string): CalibrationRow => {
    const out: CalibrationRow = { kind: 'helpers', label, unit: 'cycles/site', target };
    if (modelFigure !== undefined) out.model = modelFigure;
    const refused = ROW_DEPENDS[what].map((r) => kernel?.rejected[r]).find((x) => x !== undefined);
    if (!kernel) out.skipped = `no kernel: ${noKernel ?? 'not measured'}`;
    else if (refused) out.skipped = c.mayBeRejected ? `kernel rejected (${c.mayBeRejected}): ${refused}` : `kernel rejected: ${refused}`;
    else if (samples && samples.every((x) => x !== undefined)) out.measured = spread(samples as number[]);
    else out.skipped = 'kernel: no timing for this row';
    const notes = [note, model.unavailable && `model: ${model.unavailable}`].filter(Boolean);
    if (notes.length) out.note = notes.join('; ');
    return judged(out);
  };
  const inl = kernel?.callsLeft !== undefined && kernel.callsLeft < k ? `verifier inlined the call (${kernel.callsLeft} of ${k} calls left in xlated)` : undefined;
  const rows = [
    { ...row('straight', `${c.label} baseline, straight ×${k}`, TARGETS.helperBaseline, m.baseline.straight, perRound?.map((p) => p.baseline.straight), [c.note, inl, c.modelCaveat && `model does not cost: ${c.modelCaveat}`].filter(Boolean).join('; ') || undefined), cell: { row: shortName(c.label), column: `straight×${k}`, table: 'helper cost per site' } },
    { ...row('loop', `${c.label} baseline, loop 8×${k / 8}`, TARGETS.helperBaseline, m.baseline.loop, perRound?.map((p) => p.baseline.loop)), cell: { row: shortName(c.label), column: `loop 8×${k / 8}`, table: 'helper cost per site' } },
  ];
  for (const s of HELPER_STRATEGIES) {
    const note = s === 'percpu' ? 'analog (bpf_get_smp_processor_id inlined), see the sites calibration' : undefined;
    rows.push({ ...row(s, `${s} check after ${c.label}`, STRATEGY_TARGET[s], m.overhead[s], perRound?.map((p) => p.overhead[s]), note), rank: { group: `after ${c.label}`, item: s }, cell: { row: shortName(c.label), column: `+${s}`, table: 'check after the helper' } });
  }
  return rows;
}

/** The model's cycles per run of each program of a case (ooo, steady state). */
export function modelCase(set: HelperCaseSet, ctx: Pick<SectionContext, 'cpuModel' | 'mitigations' | 'tier' | 'memo'>): CaseModel {
  const found = cpuModelById(ctx.cpuModel);
  if (!found) throw new BpfError('usage', `unknown --cpu-model '${ctx.cpuModel}'`);
  const cpu = withMitigations(found, ctx.mitigations);
  const o = { warmRuns: 3, countedRuns: 5, tier: ctx.tier };
  const cyclesPerRun: RoleFigures = {};
  const failures: string[] = [];
  for (const p of set.programs) {
    try {
      cyclesPerRun[p.role] = runCounted({ program: p.program }, 'ooo', cpu, (kind, c, loaded) => createTimingModel(kind === 'ooo' ? 'ooo' : 'additive', c, loaded, { memo: ctx.memo }), o).perRun;
    } catch (e) {
      // A call the executor or the cost tables cannot run is a model gap to report beside
      // the measurement, not a reason to withhold it.
      if (!(e instanceof BpfError)) throw e;
      failures.push(e.message);
    }
  }
  return failures.length ? { cyclesPerRun, unavailable: [...new Set(failures)][0] } : { cyclesPerRun };
}

/** Helper-call instructions left in a program (xlated: after the verifier's rewrites). */
export function helperCallsLeft(insns: Uint8Array): number {
  const opcode = callHelper(0).opcode;
  let n = 0;
  for (let i = 0; i < insns.length / INSN_SIZE; i++) {
    const insn = readInsn(insns, i);
    if (insn.opcode === opcode && insn.src === 0) n++;
  }
  return n;
}

/** The section's kernel options at the context's settings (see REPEAT_DIVISOR). */
export function helperRoundOptions(r: SectionContext['rounds']): Omit<RoundOptions, 'onRound'> {
  return { ...r, loads: Math.max(1, Math.ceil(r.loads / LOADS_DIVISOR)), repeat: Math.max(1, Math.ceil(r.repeat / REPEAT_DIVISOR)) };
}

/** A ring sized for every record one program appends in a round, or undefined when that
 * exceeds MAX_RING_BYTES at `repeat` (then the group's repeat is lowered to fit). */
function ringRepeat(c: HelperCase, k: number, o: Omit<RoundOptions, 'onRound'>): { repeat: number; bytes: number } | undefined {
  if (!c.ringBytesPerCall) return undefined;
  const perRun = k * c.ringBytesPerCall;
  const repeat = Math.max(1, Math.min(o.repeat, Math.floor(MAX_RING_BYTES / (perRun * o.runsPerLoad))));
  let bytes = RING_MIN_BYTES;
  while (bytes < perRun * o.runsPerLoad * repeat) bytes *= 2;
  return { repeat, bytes };
}

function withRing(p: Program, bytes: number): Program {
  return { ...p, maps: p.maps.map((m) => (m.type === 'ringbuf' ? { ...m, maxEntries: bytes } : m)) };
}

async function timeCases(handle: KernelHandle, sets: HelperCaseSet[], o: Omit<RoundOptions, 'onRound'>, onRound?: RoundOptions['onRound']): Promise<CaseKernelTimings[]> {
  const flat = sets.flatMap((s, si) => s.programs.map((p) => ({ si, p })));
  const timed: TimedProgram[] = flat.map(({ si, p }) => ({
    name: p.program.name, insns: p.program.insns, progType: sets[si].helperCase.progType, maps: p.program.maps, needsCpu0: p.needsCpu0, mayBeRejected: true,
  }));
  const t = await timeInRounds(handle, timed, { ...o, onRound });
  return sets.map((_, si) => {
    const idx = (role: HelperRole): number => flat.findIndex((f) => f.si === si && f.p.role === role);
    const rejected: CaseKernelTimings['rejected'] = {};
    for (const sk of t.skipped) if (flat[sk.index].si === si) rejected[flat[sk.index].p.role] = sk.reason.split('\n').slice(-4).join(' ').trim();
    const nsByRound = t.ghzByRound.map((_, r) => {
      const f: RoleFigures = {};
      for (const role of ROLES) {
        const ns = t.nsByRound[idx(role)]?.[r];
        if (ns !== undefined) f[role] = ns;
      }
      return f;
    });
    const straight = t.images[idx('straight')];
    const out: CaseKernelTimings = { nsByRound, ghzByRound: t.ghzByRound, rejected };
    if (straight) out.callsLeft = helperCallsLeft(straight.xlated);
    // A strategy whose check took its unwind path returns another r0: not an overhead figure.
    for (const s of HELPER_STRATEGIES) {
      const a = t.retvals[idx(s)];
      const b = t.retvals[idx('straight')];
      if (a !== undefined && b !== undefined && a !== b) rejected[s] = `returned ${a}, the straight program ${b}: the check took its unwind path`;
    }
    return out;
  });
}

export const calibrateHelpers = async (ctx: SectionContext): Promise<CalibrationSection> => {
  const k = HELPER_SITES;
  const list = helperCaseList();
  const sets = list.cases.map((c) => helperCasePrograms(c, k));
  const models = sets.map((s) => modelCase(s, ctx));
  const o = helperRoundOptions(ctx.rounds);
  const notes = [
    `K = ${k} sites; loop form: a bounded loop over 8 sites, ${k / 8} iterations; per-site figures include the argument set-up and the use of r0`,
    `baseline = (ns(form) − ns(same program without sites)) / K × GHz; check overhead = (ns(strategy) − ns(straight)) / K × GHz; model: ooo on ${ctx.cpuModel}, mitigations ${ctx.mitigations}`,
    ...list.excluded.map((e) => `not timed: ${e.costName} — ${e.reason}`),
  ];
  let timings: (CaseKernelTimings | undefined)[] = sets.map(() => undefined);
  if (ctx.handle) {
    // Ring-buffer cases run in their own rounds with a repeat their ring can hold.
    const plain = sets.filter((s) => !s.helperCase.ringBytesPerCall);
    const ringed = sets.filter((s) => s.helperCase.ringBytesPerCall);
    const groups: { sets: HelperCaseSet[]; o: Omit<RoundOptions, 'onRound'> }[] = [{ sets: plain, o }];
    for (const s of ringed) {
      const ring = ringRepeat(s.helperCase, k, o) as { repeat: number; bytes: number };
      groups.push({ sets: [{ ...s, programs: s.programs.map((p) => ({ ...p, program: withRing(p.program, ring.bytes) })) }], o: { ...o, repeat: ring.repeat } });
      notes.push(`${s.helperCase.label}: repeat ${ring.repeat}, ring ${ring.bytes >> 10} KiB per program, so no round fills the ring`);
    }
    const total = groups.length * o.loads;
    let done = 0;
    for (const g of groups) {
      const got = await timeCases(ctx.handle, g.sets, g.o, () => ctx.onProgress?.('helpers', ++done, total));
      g.sets.forEach((s, i) => {
        timings[sets.findIndex((x) => x.helperCase.label === s.helperCase.label)] = got[i];
      });
    }
  } else {
    timings = sets.map(() => undefined);
  }
  const rows = sets.flatMap((s, i) => caseRows(s.helperCase, k, models[i], timings[i], ctx.handle ? undefined : 'no bpf() handle'));
  const subs = new Set(sets.flatMap((s) => s.programs.flatMap((p) => p.substitutions)));
  notes.push(...[...subs].map((x) => `substitution: ${x}`));
  return { kind: 'helpers', title: 'Helpers and kfuncs: cost per call site and check overhead after it (model vs kernel)', rows, notes };
};
