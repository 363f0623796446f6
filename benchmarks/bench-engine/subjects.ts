// What bench-engine times: the loop program and every built-in workload (under the `none`
// strategy, as `npm run bench` runs it), each on a fresh instance of the chosen tier with
// the chosen cycle accounting attached around every run.
import { zen5 } from '../../engine/cpus/zen5.ts';
import type { CpuModel } from '../../engine/cpus/cpu-model.ts';
import { benchCatalog } from '../workloads/catalog.ts';
import { instantiate, loadProgram, DEFAULT_MAX_INSNS, type ExecutionTier, type HelperRegistry, type LoadedProgram } from '../../engine/exec/index.ts';
import { resolveSites } from '../../engine/experiment/index.ts';
import { helpersFor } from '../../engine/experiment/measure.ts';
import { rewriteFor } from '../../engine/strategy-run.ts';
import { createTimingModel, type MemoStats, type TimingModel } from '../../engine/timing/model.ts';
import { SiteCounter } from '../../engine/experiment/site-counter.ts';
import { resolveWorkload } from '../bench/workloads.ts';
import { loopInsnsExecuted, loopProgram } from './loop-program.ts';

/** off: no observer; additive: the per-instruction static sums (what the compiled tier
 * folds per basic block); additive+sites: the same with each call site's executions
 * counted, as `bpfexc run --model additive` attributes overhead to sites (the loop has
 * no call, so every one of its slots is watched: the counter's worst case); ooo: the
 * out-of-order model as bpfexc runs it (memoised per segment); ooo-nomemo: the same
 * model stepping every op (`--no-memo`), for the memo's gain in the same run. */
export type Accounting = 'off' | 'additive' | 'additive+sites' | 'ooo' | 'ooo-nomemo';
export const ACCOUNTINGS: readonly Accounting[] = ['off', 'additive', 'additive+sites', 'ooo', 'ooo-nomemo'];

/** Accountings that attach the out-of-order model. */
export function isOoo(a: Accounting): boolean {
  return a === 'ooo' || a === 'ooo-nomemo';
}
export const BENCH_CPU: CpuModel = zen5;
/** With the out-of-order model attached the loop runs 5-20 times slower per instruction
 * than with no model (measured on the 2-vCPU Zen 5 host: ~50 ns against 2.6-8.8 ns), so
 * its rows run this many times fewer turns and take about as long as the others. */
export const OOO_LOOP_DIVISOR = 10;

export interface RunOutcome {
  r0: bigint;
  insns: number;
}

/** One instance with its accounting, run again and again; `memo` reads the memo's
 * counters since the runner was made (ooo only). */
export type Runner = (() => RunOutcome) & { memo?: () => MemoStats | undefined };

export interface Subject {
  /** The table's program column. */
  name: string;
  kind: 'loop' | 'workload';
  /** Loop turns per run under this accounting (loop subjects only). */
  loopsFor?(accounting: Accounting): number;
  runner(tier: ExecutionTier, accounting: Accounting): Runner;
  /** How to make the same subject in another process (measure-one.ts). */
  spec?: { kind: 'loop'; loops: number } | { kind: 'workload'; name: string };
}

function runnerFor(loaded: LoadedProgram, tier: ExecutionTier, accounting: Accounting, o: { helpers?: HelperRegistry; ctx?: Uint8Array; maxInsns: number; exceptionBoundary?: boolean; sites: readonly number[] }): Runner {
  const instance = instantiate(loaded, { seed: 1, helpers: o.helpers, tier });
  // As the experiment runs them (engine/experiment/measure.ts): the context a run leaves
  // is not copied out, since nothing reads it.
  const runOpts = { ctx: o.ctx, maxInsns: o.maxInsns, keepContext: false };
  if (accounting === 'off') {
    return () => {
      const r = instance.run(runOpts);
      return { r0: r.r0, insns: r.insnsExecuted };
    };
  }
  const model: TimingModel = createTimingModel(isOoo(accounting) ? 'ooo' : 'additive', BENCH_CPU, loaded, { exceptionBoundary: o.exceptionBoundary, memo: accounting !== 'ooo-nomemo' });
  const observer = accounting === 'additive+sites' ? new SiteCounter(model, loaded, o.sites) : model;
  const timed = { ...runOpts, observer };
  const runner: Runner = () => {
    model.startInvocation();
    const r = instance.run(timed);
    model.endInvocation();
    return { r0: r.r0, insns: r.insnsExecuted };
  };
  runner.memo = () => model.memoStats?.();
  return runner;
}

export function oooLoops(loops: number): number {
  return Math.max(1, Math.round(loops / OOO_LOOP_DIVISOR));
}

export function loopSubject(loops: number): Subject {
  const loopsFor = (a: Accounting): number => (isOoo(a) ? oooLoops(loops) : loops);
  const loaded = new Map<number, LoadedProgram>();
  return {
    name: 'loop',
    kind: 'loop',
    spec: { kind: 'loop', loops },
    loopsFor,
    runner(tier, accounting) {
      const n = loopsFor(accounting);
      let l = loaded.get(n);
      if (!l) loaded.set(n, (l = loadProgram(loopProgram(n))));
      return runnerFor(l, tier, accounting, { maxInsns: 2 * loopInsnsExecuted(n), sites: Array.from({ length: l.slots }, (_, pc) => pc) });
    },
  };
}

export function workloadSubject(name: string): Subject {
  const w = resolveWorkload({ kind: 'catalog', name });
  const helpers = helpersFor(w.helperSet);
  const rewrite = rewriteFor(w.program, 'none', resolveSites({ sites: 'auto', program: w.program }), helpers);
  const loaded = loadProgram(rewrite.program, { helpers });
  return {
    name: w.name,
    kind: 'workload',
    spec: { kind: 'workload', name },
    runner: (tier, accounting) =>
      runnerFor(loaded, tier, accounting, { helpers, ctx: w.ctx, maxInsns: DEFAULT_MAX_INSNS, exceptionBoundary: rewrite.exceptionBoundary, sites: rewrite.callSites.map((c) => c.rewrittenPc) }),
  };
}

export function builtInWorkloadNames(): string[] {
  return benchCatalog().map((w) => w.name);
}
