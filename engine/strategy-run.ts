// The steps one strategy's run takes on one CPU (engine/experiment) and on the machine
// (engine/machine) alike: which call sites get checks, the rewrite, the loaded instance,
// and the timing model's per-slot cycles summed per call site and for the entry
// sequences. Each driver adds only what is its own (the warm-up and measured loop; the
// CPUs, the coherence directory and the scenario).
import { instantiate, loadProgram, type ExecutionTier, type HelperRegistry, type ProgramInstance } from './exec/index.ts';
import type { LoadedProgram } from './exec/decoded.ts';
import type { Program } from './program.ts';
import { buildCallGraph } from './strategies/call-graph.ts';
import { defaultRewriteEnv, SLOT_ENTRY, strategyByName, type RewriteEnv, type RewriteResult } from './strategies/index.ts';

export type CheckedSites = 'may-throw' | 'all-calls';

/** 'auto' → may-throw when the program calls bpf_throw anywhere, else all-calls. */
export function resolveSites(spec: { sites: CheckedSites | 'auto'; program: Program }): CheckedSites {
  if (spec.sites !== 'auto') return spec.sites;
  return buildCallGraph(spec.program).calls.some((c) => c.isThrow) ? 'may-throw' : 'all-calls';
}

/** The program rewritten for `strategy`; its tail-call targets are rewritten the same
 * way (each is a program of its own: its entry is a main program's, its exception
 * callback its own), so a throw in one is delivered as the strategy delivers it. */
export function rewriteFor(program: Program, strategy: string, sites: CheckedSites, helpers: HelperRegistry, resetPolicy?: RewriteEnv['resetPolicy']): RewriteResult {
  const s = strategyByName(strategy);
  if (!s) throw new Error(`no strategy '${strategy}'`); // the drivers refused it already
  const env = defaultRewriteEnv({ sites, helperName: (id) => helpers.get(id)?.name, ...(resetPolicy ? { resetPolicy } : {}) });
  const out = s.rewrite(program, env);
  if (!program.tailCallTargets) return out;
  const targets = new Map<string, Program>();
  const boundaries = new Map<string, boolean>();
  for (const [name, target] of program.tailCallTargets) {
    const r = s.rewrite(target, env);
    targets.set(name, r.program);
    boundaries.set(name, r.exceptionBoundary);
  }
  return { ...out, program: { ...out.program, tailCallTargets: targets }, targetExceptionBoundaries: boundaries };
}

export interface StrategySetup {
  rewrite: RewriteResult;
  loaded: LoadedProgram;
  instance: ProgramInstance;
}

export interface StrategySetupOptions {
  program: Program;
  strategy: string;
  sites: CheckedSites;
  helpers: HelperRegistry;
  seed: number;
  /** Simulated CPUs the instance's per-CPU maps serve (default 1). */
  cpus?: number;
  tier?: ExecutionTier;
  resetPolicy?: RewriteEnv['resetPolicy'];
}

/** The program rewritten for `strategy`, loaded and instantiated. */
export function setUpStrategy(o: StrategySetupOptions): StrategySetup {
  const rewrite = rewriteFor(o.program, o.strategy, o.sites, o.helpers, o.resetPolicy);
  const loaded = loadProgram(rewrite.program, { helpers: o.helpers });
  const instance = instantiate(loaded, { seed: o.seed, helpers: o.helpers, cpus: o.cpus, tier: o.tier });
  return { rewrite, loaded, instance };
}

/** Cycles of each call site's inserted slots (index = rewrite.callSites index) and of the
 * entry sequences, from cycles per rewritten slot. */
export function cyclesBySite(rw: RewriteResult, byPc: ArrayLike<number>): { perSite: Float64Array; entry: number } {
  const perSite = new Float64Array(rw.callSites.length);
  let entry = 0;
  for (let slot = 0; slot < rw.slotSite.length; slot++) {
    const k = rw.slotSite[slot];
    if (k >= 0) perSite[k] += byPc[slot];
    else if (k === SLOT_ENTRY) entry += byPc[slot];
  }
  return { perSite, entry };
}
