// One strategy on one CPU model: rewrite, load, run one warm-up invocation and then the
// measured ones with the timing model attached, and keep what the run records need.
//
// Warm-up: invocation 0 runs with the model attached (it fills the caches, branch
// predictor and return stack) and is then set aside: its cycles, call executions,
// instructions and result are not counted. Every strategy and the `none` baseline take
// the same warm-up, so the PRNG stream and the maps stay aligned across them.
//
// Every invocation, the warm-up included, records the world inputs it read (time, random
// draws, CPU, task: engine/exec/world.ts), for the oracle to replay (replayUntimed).
import type { CpuModel } from '../cpus/cpu-model.ts';
import { conformanceHelpers, defaultHelpers, instantiate, loadProgram, DEFAULT_MAX_INSNS, type ExecutionTier, type HelperRegistry, type RunOptions, type WorldTape } from '../exec/index.ts';
import type { InvocationOutcome } from '../oracle/correctness.ts';
import type { Program } from '../program.ts';
import type { RewriteResult } from '../strategies/index.ts';
import { setUpStrategy } from '../strategy-run.ts';
import { createTimingModel, type TimingModelKind } from '../timing/model.ts';
import { jitCodeBytes, type CodeBytes } from '../timing/code-size.ts';
import type { UnmeasuredCost } from '../timing/program-lowering.ts';
import { SiteCounter } from './site-counter.ts';

export const WARMUP_INVOCATIONS = 1;

export interface Measurement {
  strategy: string;
  rewrite: RewriteResult;
  /** Mean model cycles per measured invocation. */
  cyclesPerInvocation: number;
  /** Model cycles of the warm-up invocation (cold caches and predictors). */
  warmupCycles: number;
  /** Mean cycles per rewritten slot per measured invocation; sums to cyclesPerInvocation. */
  byPc: Float64Array;
  /** Per entry of rewrite.callSites: executions over the measured invocations. */
  siteExecutions: number[];
  outcomes: InvocationOutcome[];
  /** World inputs read per invocation: the warm-up ones first, then the measured ones. */
  worlds: WorldTape[];
  insnsExecuted: number;
  /** Of insnsExecuted, those the interpreter's loop ran rather than the compiled tier's
   * generated code (all of them on the interpreter tier). */
  insnsInterpreted: number;
  /** JIT image bytes of the rewritten program on the CPU model's ISA. */
  codeBytes: CodeBytes;
  /** Front-end events per measured invocation: where a program outgrows the op cache or
   * the L1i, its cost per call site changes for reasons no call site's code explains. */
  frontEnd: FrontEndCounts;
  caveats: readonly string[];
  /** The same, by slot of the rewritten program. */
  unmeasured: readonly UnmeasuredCost[];
  /** The executor that ran it (the instance's, so what was asked for reached it). */
  tier: ExecutionTier;
}

export interface FrontEndCounts {
  /** Code windows fetched and decoded because the op cache did not hold them. */
  decodedWindowsPerInvocation: number;
  /** JIT image lines missed in the L1i. */
  l1iMissesPerInvocation: number;
}

export interface MeasureOptions {
  program: Program;
  ctx?: Uint8Array;
  helperSet: 'linux' | 'conformance';
  strategy: string;
  cpu: CpuModel;
  model: TimingModelKind;
  sites: 'may-throw' | 'all-calls';
  invocations: number;
  seed: number;
  maxInsns?: number;
  /** Default: the instance's default (DEFAULT_TIER). */
  tier?: ExecutionTier;
  /** Memoise the 'ooo' model (default true; identical results either way). */
  memo?: boolean;
}

export function helpersFor(set: 'linux' | 'conformance'): HelperRegistry {
  return set === 'conformance' ? conformanceHelpers : defaultHelpers;
}

export function measureStrategy(o: MeasureOptions): Measurement {
  const { rewrite, loaded, instance } = setUpStrategy({ program: o.program, strategy: o.strategy, sites: o.sites, helpers: helpersFor(o.helperSet), seed: o.seed, tier: o.tier });
  const model = createTimingModel(o.model, o.cpu, loaded, { exceptionBoundary: rewrite.exceptionBoundary, memo: o.memo, ...(rewrite.targetExceptionBoundaries ? { targetExceptionBoundaries: rewrite.targetExceptionBoundaries } : {}) });
  const counter = new SiteCounter(model, loaded, rewrite.callSites.map((s) => s.rewrittenPc));
  // One options object per phase, not one per invocation (instance.run only reads it).
  // Nothing here reads the context a run leaves, so none is copied out.
  const warmupOpts: RunOptions = { ctx: o.ctx, maxInsns: o.maxInsns ?? DEFAULT_MAX_INSNS, observer: model, keepContext: false };
  const measuredOpts: RunOptions = { ...warmupOpts, observer: counter };

  const worlds: WorldTape[] = [];
  for (let i = 0; i < WARMUP_INVOCATIONS; i++) {
    model.startInvocation();
    worlds.push(instance.run(warmupOpts).world);
    model.endInvocation();
  }
  const warmupCycles = model.totalCycles();
  const warmByPc = model.cyclesByPc();
  const warmStats = model.stats();

  const outcomes: InvocationOutcome[] = [];
  let insnsExecuted = 0;
  const interpretedBefore = instance.insnsInterpreted;
  for (let i = 0; i < o.invocations; i++) {
    model.startInvocation();
    counter.restart();
    const res = instance.run(measuredOpts);
    model.endInvocation();
    outcomes.push(res.thrown ? { r0: res.r0, thrownCookie: res.thrown.cookie } : { r0: res.r0 });
    worlds.push(res.world);
    insnsExecuted += res.insnsExecuted;
  }
  const insnsInterpreted = instance.insnsInterpreted - interpretedBefore;
  const byPc = model.cyclesByPc();
  for (let i = 0; i < byPc.length; i++) byPc[i] = (byPc[i] - warmByPc[i]) / o.invocations;
  const stats = model.stats();
  const frontEnd = {
    decodedWindowsPerInvocation: (stats.decodedWindows - warmStats.decodedWindows) / o.invocations,
    l1iMissesPerInvocation: (stats.l1iMisses - warmStats.l1iMisses) / o.invocations,
  };
  return {
    strategy: o.strategy,
    rewrite,
    cyclesPerInvocation: (model.totalCycles() - warmupCycles) / o.invocations,
    warmupCycles,
    byPc,
    siteExecutions: rewrite.callSites.map((s) => counter.counts[s.rewrittenPc] ?? 0),
    outcomes,
    worlds,
    insnsExecuted,
    insnsInterpreted,
    codeBytes: jitCodeBytes(loaded, o.cpu, rewrite),
    frontEnd,
    caveats: model.caveats,
    unmeasured: model.unmeasured,
    tier: instance.tier,
  };
}

/** The same invocations with no timing model, each replaying the world inputs of a
 * measured run (`worlds`, as Measurement.worlds: warm-up first): what the unmodified
 * program (o.program, run as is) returns where that run read the same time, draws, CPU
 * and task. The oracle's results for a strategy, and its normal results when the
 * workload's throws are switched off. Same seed and warm-up as the measured run. */
export function replayUntimed(o: Omit<MeasureOptions, 'cpu' | 'model' | 'strategy' | 'sites'>, worlds: readonly WorldTape[]): InvocationOutcome[] {
  const helpers = helpersFor(o.helperSet);
  const instance = instantiate(loadProgram(o.program, { helpers }), { seed: o.seed, helpers, tier: o.tier });
  // One options object, its world set before each run (instance.run only reads it).
  const runOpts: RunOptions = { ctx: o.ctx, maxInsns: o.maxInsns ?? DEFAULT_MAX_INSNS, world: undefined, keepContext: false };
  for (let i = 0; i < WARMUP_INVOCATIONS; i++) {
    runOpts.world = worlds[i];
    instance.run(runOpts);
  }
  const out: InvocationOutcome[] = [];
  for (let i = 0; i < o.invocations; i++) {
    runOpts.world = worlds[WARMUP_INVOCATIONS + i];
    const res = instance.run(runOpts);
    out.push(res.thrown ? { r0: res.r0, thrownCookie: res.thrown.cookie } : { r0: res.r0 });
  }
  return out;
}
