// Every strategy × CPU model of one workload, as run records of the result document.
//
// Cycle accounting (all figures are model cycles per measured invocation):
//   overheadPerInvocation = perInvocation − baselinePerInvocation (`none`, same seed)
//   Σ callSites[k].overheadCycles / invocations      cycles of the slots a site's
//                                                    rewrite inserted (slotSite = k)
//   + entryPerInvocation                             slots of the entry sequences
//   + unattributedPerInvocation                      the rest: what the inserted code
//                                                    changed in the original slots
//                                                    (overlap lost or gained, cache
//                                                    and predictor effects, the
//                                                    exception boundary's pushes)
//   = overheadPerInvocation, exactly (the last term is defined as the remainder).
import { disassembleSlot } from '../asm/disassembler.ts';
import { cpuModelById } from '../cpus/index.ts';
import { returnThunkLabel, withMitigations } from '../cpus/mitigations.ts';
import { hex } from '../hex.ts';
import type { CallSiteResult, RunRecord } from '../results/document.ts';
import { SLOT_ENTRY, type RewriteResult } from '../strategies/index.ts';
import type { UnmeasuredCost } from '../timing/program-lowering.ts';
import { judgeCorrectness, type InvocationOutcome } from '../oracle/correctness.ts';
import { measureStrategy, replayUntimed, WARMUP_INVOCATIONS, type FrontEndCounts, type Measurement } from './measure.ts';
import { validateSpec, type ExperimentSpec } from './spec.ts';
import { applyThrowRate } from '../inputs/throw-knob.ts';
import { cyclesBySite, resolveSites } from '../strategy-run.ts';
import { WorldTape } from '../exec/index.ts';

export interface ExperimentCallSite extends CallSiteResult {
  /** Slot of the call (or of the throw's replacement) in the rewritten program. */
  rewrittenPc: number;
  /** What the strategy did at this site: a check after it, bpf_throw replaced, nothing. */
  rewrite: 'check' | 'throw' | 'none';
}

/** An original instruction whose share of the cycles changed under the strategy. A
 * negative change is the usual out-of-order case: the instruction used to wait (for an
 * atomic on the same line, a load, a return) and the inserted code now retires during
 * that wait, so the wait is charged to the inserted slots and this one retires sooner. */
export interface UnattributedInsn {
  /** pc in the program as given. */
  pc: number;
  insn: string;
  /** Cycles per invocation under the strategy minus under none. */
  cyclesPerInvocation: number;
}

/** Instructions are listed when the unattributed share reaches this many cycles per
 * invocation either way, and each listed one changed by at least UNATTRIBUTED_MIN. */
const UNATTRIBUTED_EXPLAINED = 1;
const UNATTRIBUTED_MIN = 0.25;
const UNATTRIBUTED_LISTED = 3;

export interface ExperimentRunRecord extends RunRecord {
  cycles: RunRecord['cycles'] & {
    /** Cycles of the entry sequences (slotSite = entry) per invocation. */
    entryPerInvocation: number;
    /** overheadPerInvocation minus the call sites' and the entry's share. */
    unattributedPerInvocation: number;
    /** The original instructions whose cycles changed most (what `unattributed` is made
     * of), largest change first. */
    unattributedByInsn: UnattributedInsn[];
    /** Cycles of the warm-up invocation, which no other figure includes. */
    warmupInvocation: number;
  };
  callSites: ExperimentCallSite[];
  timingModel: string;
  /** The return thunk the model put on every JITed and kernel return ('none': plain ret). */
  returnThunk: string;
  sites: 'may-throw' | 'all-calls';
  warmupInvocations: number;
  /** Op-cache and L1i misses per measured invocation (measure.ts FrontEndCounts). */
  frontEnd?: FrontEndCounts;
  /** The workload's throw-rate variable, when it has one: throwRate is what it was set
   * to. correctness.throws counts the invocations that threw, knob or not. */
  throwKnob?: string;
  /** Costs the timing model had no measured figure for, one line each (caveatLine). */
  caveats: string[];
  /** The same, with where each applies in the program as given. */
  caveatSites: RunCaveat[];
}

/** A call whose cost the timing model had no measured figure for, placed in the program
 * the user gave (not the rewritten one the model ran). */
export interface RunCaveat {
  /** `<call>: <why>`. */
  text: string;
  /** Slots of the program as given that make the call, ascending, once each. */
  pcs: number[];
  /** Call sites (their slot in the program as given) whose inserted check or throw
   * replacement makes the call, ascending, once each. */
  inserted: number[];
  /** An entry sequence the strategy inserted makes the call. */
  entry: boolean;
}


export function runExperiment(spec: ExperimentSpec): ExperimentRunRecord[] {
  validateSpec(spec);
  const program = spec.throwKnob ? applyThrowRate(spec.program, spec.throwKnob, spec.throwRate) : spec.program;
  const sites = resolveSites(spec);
  const common = { ctx: spec.ctx, helperSet: spec.helperSet, invocations: spec.invocations, seed: spec.seed, maxInsns: spec.maxInsns, tier: spec.tier, memo: spec.memo };
  // The oracle of a strategy's run is the program under `none` replaying, invocation by
  // invocation, the world inputs that run read (time, draws, CPU, task); with a throw rate,
  // also with throws off (what a missed throw returns). Runs that read the same inputs
  // share one replay, and the `none` run is its own oracle: the world inputs do not depend
  // on the CPU model, so a workload that never reads the clock replays nothing.
  const normalProgram = spec.throwKnob && spec.throwRate > 0 ? applyThrowRate(spec.program, spec.throwKnob, 0) : undefined;
  // A task has a handful of measurements, so the replays are found by comparing their
  // world lists outright (no key string of thousands of tapes per measurement).
  const oracles: Replay[] = [];
  const normals: Replay[] = [];
  const replayed = (cache: Replay[], p: typeof program, m: Measurement): InvocationOutcome[] => {
    const hit = cache.find((r) => WorldTape.sameLists(r.worlds, m.worlds));
    if (hit) return hit.outcomes;
    const outcomes = replayUntimed({ ...common, program: p }, m.worlds);
    cache.push({ worlds: m.worlds, outcomes });
    return outcomes;
  };

  const records: ExperimentRunRecord[] = [];
  for (const cpuId of spec.cpuModels) {
    const cpu = withMitigations(cpuModelById(cpuId)!, spec.mitigations ?? 'default');
    const measure = (strategy: string): Measurement => measureStrategy({ ...common, program, strategy, cpu, model: spec.model, sites });
    const baseline = measure('none');
    const same = oracles.find((r) => WorldTape.sameLists(r.worlds, baseline.worlds));
    if (same) same.outcomes = baseline.outcomes;
    else oracles.push({ worlds: baseline.worlds, outcomes: baseline.outcomes });
    for (const strategy of spec.strategies) {
      const m = strategy === 'none' ? baseline : measure(strategy);
      const oracle = replayed(oracles, program, m);
      const normal = normalProgram ? replayed(normals, normalProgram, m) : undefined;
      records.push(toRecord(spec, cpuId, returnThunkLabel(cpu), sites, program.insns.length / 8, m, baseline, oracle, normal));
    }
  }
  return records;
}

/** Per original instruction: its cycles under the strategy (through the rewrite's slot
 * origins) minus under none; the largest changes. */
function unattributedByInsn(insns: Uint8Array, origin: Int32Array, byPc: Float64Array, baseline: Float64Array): UnattributedInsn[] {
  const delta = Float64Array.from(baseline, (v) => -v);
  for (let slot = 0; slot < origin.length; slot++) if (origin[slot] >= 0) delta[origin[slot]] += byPc[slot];
  const out: UnattributedInsn[] = [];
  for (let pc = 0; pc < delta.length; pc++) {
    if (Math.abs(delta[pc]) >= UNATTRIBUTED_MIN) out.push({ pc, insn: disassembleSlot(insns, pc), cyclesPerInvocation: delta[pc] });
  }
  return out.sort((a, b) => Math.abs(b.cyclesPerInvocation) - Math.abs(a.cyclesPerInvocation) || a.pc - b.pc).slice(0, UNATTRIBUTED_LISTED);
}

/** The outcomes of the untimed program replaying one measurement's world inputs. */
interface Replay {
  worlds: readonly WorldTape[];
  outcomes: InvocationOutcome[];
}

function toRecord(
  spec: ExperimentSpec,
  cpuId: string,
  returnThunk: string,
  sites: 'may-throw' | 'all-calls',
  originalSlots: number,
  m: Measurement,
  baseline: Measurement,
  oracle: InvocationOutcome[],
  normal?: InvocationOutcome[],
): ExperimentRunRecord {
  const n = spec.invocations;
  const rw = m.rewrite;
  const { perSite: siteCycles, entry } = cyclesBySite(rw, m.byPc);
  const overhead = m.cyclesPerInvocation - baseline.cyclesPerInvocation;
  const atSites = siteCycles.reduce((a, b) => a + b, 0);
  const caveatSites = placeCaveats(m.unmeasured, rw);
  const callSites: ExperimentCallSite[] = rw.callSites.map((s, k) => {
    const executions = m.siteExecutions[k];
    const overheadCycles = siteCycles[k] * n;
    return {
      pc: s.pc,
      kind: s.kind,
      target: s.target,
      frame: s.frame,
      executions,
      overheadCycles,
      overheadPerExecution: executions > 0 ? overheadCycles / executions : 0,
      rewrittenPc: s.rewrittenPc,
      rewrite: s.rewrite,
    };
  });
  return {
    workload: spec.workloadName,
    strategy: m.strategy,
    cpuModel: cpuId,
    cpus: spec.cpus,
    invocations: n,
    seed: spec.seed,
    throwRate: spec.throwRate,
    ...(spec.throwKnob ? { throwKnob: spec.throwKnob.variable } : {}),
    r0: hex(m.outcomes[0].r0),
    cycles: {
      perInvocation: m.cyclesPerInvocation,
      baselinePerInvocation: baseline.cyclesPerInvocation,
      overheadPerInvocation: overhead,
      entryPerInvocation: entry,
      unattributedPerInvocation: overhead - atSites - entry,
      unattributedByInsn: m === baseline || Math.abs(overhead - atSites - entry) < UNATTRIBUTED_EXPLAINED ? [] : unattributedByInsn(spec.program.insns, rw.origin, m.byPc, baseline.byPc),
      warmupInvocation: m.warmupCycles,
    },
    callSites,
    correctness: judgeCorrectness(oracle, m.outcomes, normal),
    insns: { original: originalSlots, rewritten: rw.program.insns.length / 8, executed: m.insnsExecuted },
    codeBytes: { ...m.codeBytes },
    timingModel: spec.model,
    returnThunk,
    sites,
    warmupInvocations: WARMUP_INVOCATIONS,
    frontEnd: m.frontEnd,
    caveats: caveatSites.map(caveatLine),
    caveatSites,
  };
}

/** The model's unmeasured costs, by slot of the rewritten program, mapped back to the
 * program as given through the rewrite's origin map: one entry per distinct text. */
export function placeCaveats(unmeasured: readonly UnmeasuredCost[], rw: Pick<RewriteResult, 'origin' | 'slotSite' | 'callSites'>): RunCaveat[] {
  const byText = new Map<string, RunCaveat>();
  for (const u of unmeasured) {
    let c = byText.get(u.text);
    if (!c) byText.set(u.text, (c = { text: u.text, pcs: [], inserted: [], entry: false }));
    const original = rw.origin[u.pc] ?? -1;
    const site = rw.slotSite[u.pc] ?? SLOT_ENTRY;
    if (original >= 0) c.pcs.push(original);
    else if (site >= 0) c.inserted.push(rw.callSites[site].pc);
    else c.entry = true;
  }
  const ascending = (xs: number[]) => [...new Set(xs)].sort((a, b) => a - b);
  return [...byText.values()].map((c) => ({ ...c, pcs: ascending(c.pcs), inserted: ascending(c.inserted) }));
}

const insns = (pcs: readonly number[]): string => `${pcs.length === 1 ? 'insn' : 'insns'} ${pcs.join(', ')}`;

/** "insns 1, 5, the entry sequence: bpf_ktime_get_ns: ...": where, then what. */
export function caveatLine(c: RunCaveat): string {
  const where: string[] = [];
  if (c.pcs.length) where.push(insns(c.pcs));
  if (c.inserted.length) where.push(`the code inserted at ${insns(c.inserted)}`);
  if (c.entry) where.push('the entry sequence');
  return `${where.join(', ')}: ${c.text}`;
}
