// runMachine: a scenario on N simulated CPUs under each strategy, with the oracle's
// verdict on every invocation. Per strategy: the program is rewritten, loaded once and
// shared by all CPUs (one memory, so prog->aux, the per-CPU areas and the tasks are the
// same bytes everywhere); each CPU has its own out-of-order timing model (private L1/L2,
// one LLC shared by all) and the coherence directory charges cross-core transfers.
//
// The oracle (judge.ts) replays each invocation alone under `none` with the same context,
// PRNG seed and world inputs (what its time, random, CPU and task helpers returned on the
// machine): whether it threw, with which cookie, and what r0 it returns (and, with the
// throw rate at 0, what it returns when it does not throw).
//
// `none` always runs, first, as the baseline of the cycle overheads, whether asked for or
// not. Call-site overheads are the cycles the timing models of all CPUs charged to the
// slots a site's rewrite inserted, plus the coherence transfers those slots' accesses
// paid, over every invocation the machine ran.

import type { CpuModel } from '../cpus/cpu-model.ts';
import { returnThunkLabel } from '../cpus/mitigations.ts';
import { BpfError } from '../errors.ts';
import { DEFAULT_TIER, defaultHelpers, EXECUTION_TIERS, isExecutionTier, withHelpers, type ExecutionTier, type HelperDef, type HelperRegistry } from '../exec/index.ts';
import type { InvocationOutcome } from '../oracle/correctness.ts';
import { applyThrowRate, type ThrowKnob } from '../inputs/throw-knob.ts';
import { hex } from '../hex.ts';
import type { Program } from '../program.ts';
import type { CallSiteResult, Correctness } from '../results/document.ts';
import { strategyByName, type RewriteResult } from '../strategies/index.ts';
import { cyclesBySite, resolveSites, setUpStrategy } from '../strategy-run.ts';
import { createSharedCaches } from '../timing/cache.ts';
import { createTimingModels, type TimingModel } from '../timing/model.ts';
import { jitCodeBytes, type CodeBytes } from '../timing/code-size.ts';
import { lowerProgram } from '../timing/program-lowering.ts';
import { CoherenceDirectory } from './coherence.ts';
import { accessKinds, CpuObserver } from './cpu-observer.ts';
import { traceLines } from './invocation-trace.ts';
import { judgeInvocations, Oracle, type OracleOutcome, type Verdict } from './judge.ts';
import type { Scenario } from './scenario.ts';
import { MachineSimulation, watchExceptionState, type SimulationResult } from './simulate.ts';

/** The scenario's program, resolved by the caller (the engine does not read the catalog). */
export interface MachineWorkload {
  name: string;
  program: Program;
  ctx?: Uint8Array;
  /** Required when the scenario's throwRate > 0. */
  throwKnob?: ThrowKnob;
}

export interface MachineOptions {
  strategies: readonly string[];
  cpuModel: CpuModel;
  seed: number;
  workload: MachineWorkload;
  /** Most failure traces kept per strategy (default 20). */
  maxTraces?: number;
  /** Executor of every instance: the strategies' and the oracle's (default DEFAULT_TIER). */
  tier?: ExecutionTier;
}

export type { Verdict } from './judge.ts';

export interface FailureTrace {
  invocation: number;
  verdict: Verdict;
  level: number;
  cpus: string;
  expected: string;
  got: string;
  events: string[];
}

/** Cycles per invocation by cause. The CPUs run different schedules under different
 * strategies (a slower program shifts when invocations overlap), so the coherence terms
 * of an overhead can be negative: fewer transfers of the program's own shared lines than
 * under `none`, not a faster check. */
export interface CycleParts {
  /** The timing models' cycles: the program and the checks on each core. */
  core: number;
  /** Cross-core transfers of exception-state lines (aux flag, per-CPU flags, task flags). */
  exceptionStateCoherence: number;
  /** Cross-core transfers of every other line (map values, globals, stacks). */
  otherCoherence: number;
}

export interface MachineStrategyResult {
  strategy: string;
  cycles: {
    /** Mean over CPUs of (busy cycles / invocations completed on that CPU). */
    perInvocation: number;
    perInvocationByCpu: number[];
    /** Of which cross-core cache-line transfers (any line: map values, stacks, ...). */
    coherencePerInvocation: number;
    /** Of those, transfers of exception-state lines (aux flag, per-CPU flags, task flags). */
    exceptionStateCoherencePerInvocation: number;
    /** perInvocation split by where the cycles went, averaged the same way (mean over
     * CPUs of cycles / invocations completed there), so the three add up to it. */
    parts: CycleParts;
    /** Under `none` on the same machine, when `none` was among the strategies. */
    baselinePerInvocation?: number;
    overheadPerInvocation?: number;
    /** parts minus the baseline's: adds up to overheadPerInvocation. */
    overheadParts?: CycleParts;
  };
  correctness: Correctness;
  /** Invocations whose result depends on earlier invocations' map state: judged only on
   * whether they unwound (see judge.ts). */
  historyDependent: number;
  /** r0 (hex) of the first task-context invocation to start (id `firstTaskInvocation`). */
  r0: string;
  firstTaskInvocation: number;
  /** Slots of the program and of the rewrite, and instructions executed by every
   * invocation the machine ran (`invocationsRun`, interrupts and nested ones included). */
  insns: { original: number; rewritten: number; executed: number };
  /** JIT image bytes of the rewritten program on this CPU model's ISA. */
  codeBytes: CodeBytes;
  invocationsRun: number;
  sites: 'may-throw' | 'all-calls';
  /** Per call site, totals over every invocation run (see the header). */
  callSites: CallSiteResult[];
  /** Cycles of the entry sequences per invocation run. */
  entryPerInvocation: number;
  invocationsByLevel: number[];
  nestedInvocations: number;
  coherenceTransfers: number;
  failures: FailureTrace[];
  failuresTotal: number;
}

export interface MachineResult {
  scenario: Scenario;
  workload: string;
  cpuModel: string;
  /** The return thunk the CPU model put on every return ('none': plain ret). */
  returnThunk: string;
  seed: number;
  /** The executor that ran the strategies and the oracle. Not part of the run records:
   * every tier gives the same results. */
  tier: ExecutionTier;
  /** Every strategy asked for, after `none` (run always, as the baseline). */
  runs: MachineStrategyResult[];
  /** Why the baseline is missing: `none` was not asked for and could not finish (it
   * overloaded the scenario). Overheads are then undefined. */
  baselineError?: string;
}

function helperIdByName(name: string): number {
  for (const [id, d] of defaultHelpers) if (d.name === name) return id;
  throw new BpfError('usage', `scenario names helper '${name}', which the executor does not have`);
}

/** The default helpers with the scenario's sleep and recursion points hooked. */
function hookedHelpers(s: Scenario, sim: () => MachineSimulation | undefined): HelperRegistry {
  const hooks = new Map<number, { sleep: boolean; recurse: boolean }>();
  for (const n of s.sleep?.helpers ?? []) hooks.set(helperIdByName(n), { sleep: true, recurse: false });
  for (const n of s.tracingRecursion?.helpers ?? []) {
    const id = helperIdByName(n);
    hooks.set(id, { sleep: hooks.get(id)?.sleep ?? false, recurse: true });
  }
  const defs: HelperDef[] = [];
  for (const [id, h] of hooks) {
    const orig = defaultHelpers.get(id)!;
    defs.push({
      ...orig,
      fn: (env) => {
        orig.fn(env);
        const m = sim();
        if (!m) return;
        if (h.recurse) m.maybeRecurse();
        if (h.sleep) m.maybeSleep();
      },
    });
  }
  return defs.length ? withHelpers(defaultHelpers, defs) : defaultHelpers;
}

const describe = (o: InvocationOutcome): string => (o.thrownCookie !== undefined ? `throws, returns cookie ${hex(o.r0)}` : `returns ${hex(o.r0)}`);

export function runMachine(scenario: Scenario, opts: MachineOptions): MachineResult {
  const s = scenario;
  const w = opts.workload;
  if (s.throwRate > 0 && !w.throwKnob) throw new BpfError('usage', `scenario '${s.name}': throwRate ${s.throwRate} but '${w.name}' has no throw-rate knob`);
  for (const n of opts.strategies) if (!strategyByName(n)) throw new BpfError('usage', `unknown strategy '${n}'`);
  if (opts.tier !== undefined && !isExecutionTier(opts.tier)) throw new BpfError('usage', `unknown execution tier '${String(opts.tier)}' (known: ${EXECUTION_TIERS.join(', ')})`);
  const strategies = ['none', ...opts.strategies.filter((n) => n !== 'none')];
  const noneAsked = opts.strategies.includes('none');
  let baselineError: string | undefined;
  const program = w.throwKnob ? applyThrowRate(w.program, w.throwKnob, s.throwRate) : w.program;
  const sites = resolveSites({ sites: 'auto', program });
  const tier = opts.tier ?? DEFAULT_TIER;
  const oracle = new Oracle(program, w.ctx, opts.seed, s.cpus, tier);
  // The no-throw replays are only wanted when the knob is set: no instance for them otherwise.
  const normal = s.throwRate > 0 ? new Oracle(applyThrowRate(w.program, w.throwKnob!, 0), w.ctx, opts.seed, s.cpus, tier) : undefined;

  const runs: MachineStrategyResult[] = [];
  for (const name of strategies) {
    let sim: MachineSimulation | undefined;
    const helpers = hookedHelpers(s, () => sim);
    const { rewrite: rw, loaded, instance } = setUpStrategy({ program, strategy: name, sites, helpers, seed: opts.seed, cpus: s.cpus, tier, resetPolicy: s.resetPolicy });
    const cpu = opts.cpuModel;
    const shared = createSharedCaches(cpu);
    const transfer = Math.max(0, Math.round(cpu.coreToCore.sameCluster.value * cpu.frequencyGHz.value) - cpu.l1d.latency.value);
    const directory = new CoherenceDirectory(s.cpus, cpu.lineBytes.value, transfer);
    watchExceptionState(directory, s.cpus);
    const kinds = accessKinds(loaded);
    // One lowering for every core's model and for the code size.
    const lowered = lowerProgram(loaded, cpu, { exceptionBoundary: rw.exceptionBoundary });
    const models = createTimingModels('ooo', cpu, loaded, s.cpus, { exceptionBoundary: rw.exceptionBoundary, caches: shared, lowered });
    const observers = models.map((m, c) => new CpuObserver(c, m, directory, kinds, instance.mem));
    const insns0 = instance.state.insnsTotal;
    sim = new MachineSimulation({ scenario: s, cpuModel: cpu, instance, models, observers, directory, ctx: w.ctx, seed: opts.seed });
    let res: ReturnType<MachineSimulation['run']>;
    try {
      res = sim.run();
    } catch (e) {
      // A baseline nobody asked for must not sink the strategies that were: `none`
      // unwinds on every throw, which can overload a scenario its checks cope with.
      if (name !== 'none' || noneAsked || !(e instanceof BpfError)) throw e;
      baselineError = e.message;
      continue;
    } finally {
      sim = undefined;
    }
    runs.push(
      summarise(name, res, {
        oracle,
        normal,
        maxTraces: opts.maxTraces ?? 20,
        models,
        observers,
        rewrite: rw,
        sites,
        insns: { original: program.insns.length / 8, rewritten: rw.program.insns.length / 8, executed: instance.state.insnsTotal - insns0 },
        codeBytes: jitCodeBytes(loaded, cpu, rw, lowered),
      }),
    );
  }
  const base = runs.find((r) => r.strategy === 'none');
  if (base) {
    for (const r of runs) {
      r.cycles.baselinePerInvocation = base.cycles.perInvocation;
      r.cycles.overheadPerInvocation = r.cycles.perInvocation - base.cycles.perInvocation;
      const p = r.cycles.parts;
      const b = base.cycles.parts;
      r.cycles.overheadParts = { core: p.core - b.core, exceptionStateCoherence: p.exceptionStateCoherence - b.exceptionStateCoherence, otherCoherence: p.otherCoherence - b.otherCoherence };
    }
  }
  return { scenario: s, workload: w.name, cpuModel: opts.cpuModel.id, returnThunk: returnThunkLabel(opts.cpuModel), seed: opts.seed, tier, runs, ...(baselineError ? { baselineError } : {}) };
}

/** CycleParts averaged as perInvocation is: a CPU's busy cycles are its model's cycles
 * plus the transfers its observer charged. */
function cycleParts(busy: readonly number[], completedOn: readonly number[], observers: readonly CpuObserver[]): CycleParts {
  const parts: CycleParts = { core: 0, exceptionStateCoherence: 0, otherCoherence: 0 };
  let active = 0;
  for (let c = 0; c < busy.length; c++) {
    const n = completedOn[c];
    if (n <= 0) continue;
    active++;
    const o = observers[c];
    parts.core += (busy[c] - o.penalty) / n;
    parts.exceptionStateCoherence += o.watchedPenalty / n;
    parts.otherCoherence += (o.penalty - o.watchedPenalty) / n;
  }
  const k = Math.max(1, active);
  return { core: parts.core / k, exceptionStateCoherence: parts.exceptionStateCoherence / k, otherCoherence: parts.otherCoherence / k };
}

/** Cycles (model plus coherence) of each call site's inserted slots and of the entry
 * sequences, summed over the CPUs; executions of each site's call slot. */
function attributeSites(rw: RewriteResult, models: readonly TimingModel[], observers: readonly CpuObserver[], invocations: number): Pick<MachineStrategyResult, 'callSites' | 'entryPerInvocation'> {
  const slots = rw.slotSite.length;
  const byPc = new Float64Array(slots);
  const executions = new Float64Array(slots);
  for (let c = 0; c < models.length; c++) {
    const m = models[c].cyclesByPc();
    const o = observers[c];
    for (let pc = 0; pc < slots; pc++) {
      byPc[pc] += (m[pc] ?? 0) + o.penaltyByPc[pc];
      executions[pc] += o.executions[pc];
    }
  }
  const { perSite: siteCycles, entry } = cyclesBySite(rw, byPc);
  const callSites = rw.callSites.map((site, k): CallSiteResult => {
    const n = executions[site.rewrittenPc] ?? 0;
    return { pc: site.pc, kind: site.kind, target: site.target, frame: site.frame, executions: n, overheadCycles: siteCycles[k], overheadPerExecution: n > 0 ? siteCycles[k] / n : 0 };
  });
  return { callSites, entryPerInvocation: entry / Math.max(1, invocations) };
}

/** What summarise needs beside the simulation's result. */
interface SummaryParts {
  oracle: Oracle;
  /** The oracle with the throw rate at 0, when the workload's knob is set: judge
   * against the no-throw replays too. */
  normal: Oracle | undefined;
  maxTraces: number;
  models: readonly TimingModel[];
  observers: readonly CpuObserver[];
  rewrite: RewriteResult;
  sites: 'may-throw' | 'all-calls';
  insns: MachineStrategyResult['insns'];
  codeBytes: CodeBytes;
}

/** One strategy's result from its simulation: cycles, correctness, call sites; the
 * baseline and overhead are filled in once `none` has run too. */
function summarise(strategy: string, res: SimulationResult, p: SummaryParts): MachineStrategyResult {
  const { invocations: invs, busyCycles: busy, completedOn } = res;
  const { oracle, normal, maxTraces, observers } = p;
  const expected: OracleOutcome[] = invs.map((i) => oracle.outcome(i.level, i.prngSeed, i.world));
  const normalOut = normal ? invs.map((i) => normal.outcome(i.level, i.prngSeed, i.world)) : undefined;
  const got: InvocationOutcome[] = invs.map((i) => (i.thrownCookie !== undefined ? { r0: i.r0!, thrownCookie: i.thrownCookie } : { r0: i.r0! }));
  const judged = judgeInvocations(expected, got, normalOut);
  const failures: FailureTrace[] = [];
  let failuresTotal = 0;
  invs.forEach((inv, k) => {
    const verdict = judged.verdicts[k];
    if (!verdict) return;
    failuresTotal++;
    if (failures.length >= maxTraces) return;
    failures.push({
      invocation: inv.id,
      verdict,
      level: inv.level,
      cpus: inv.firstCpu === inv.lastCpu ? `cpu ${inv.firstCpu}` : `cpu ${inv.firstCpu} -> cpu ${inv.lastCpu}`,
      expected: describe(expected[k]),
      got: describe(got[k]),
      events: traceLines(inv.trace),
    });
  });
  const byCpu = busy.map((b, c) => (completedOn[c] > 0 ? b / completedOn[c] : 0));
  const active = byCpu.filter((_, c) => completedOn[c] > 0);
  const coherence = invs.reduce((a, i) => a + i.coherenceCycles, 0);
  const byLevel = [0, 0, 0, 0];
  for (const i of invs) byLevel[i.level]++;
  const first = invs.find((i) => i.level === 0 && i.nestedIn === undefined) ?? invs[0];
  return {
    strategy,
    cycles: {
      perInvocation: active.reduce((a, b) => a + b, 0) / Math.max(1, active.length),
      perInvocationByCpu: byCpu,
      coherencePerInvocation: coherence / Math.max(1, invs.length),
      exceptionStateCoherencePerInvocation: observers.reduce((a, o) => a + o.watchedPenalty, 0) / Math.max(1, invs.length),
      parts: cycleParts(busy, completedOn, observers),
    },
    correctness: judged.correctness,
    historyDependent: judged.historyDependent,
    r0: first ? hex(first.r0!) : 'n/a',
    firstTaskInvocation: first?.id ?? -1,
    insns: p.insns,
    codeBytes: p.codeBytes,
    invocationsRun: invs.length,
    sites: p.sites,
    ...attributeSites(p.rewrite, p.models, observers, invs.length),
    invocationsByLevel: byLevel,
    nestedInvocations: invs.filter((i) => i.nestedIn !== undefined).length,
    coherenceTransfers: res.coherenceTransfers,
    failures,
    failuresTotal,
  };
}
