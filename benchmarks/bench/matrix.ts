// What `npm run bench` runs: the task list, built before anything runs so the whole
// matrix is known (for the progress bar, for the report of what finished) and so its
// order, not the order workers finish in, decides the order of the result document.
//
// One task = one workload x CPU model x CPU count x throw rate, every strategy in it
// (runExperiment measures the `none` baseline once per CPU model and compares every
// strategy against it, so strategies belong together).
import { readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { benchCatalog } from '../workloads/catalog.ts';
import { readScenarioFile } from '../../engine/machine/index.ts';
import { CPU_MODELS } from '../../engine/cpus/index.ts';
import { DEFAULT_TIER, type ExecutionTier } from '../../engine/exec/index.ts';
import { STRATEGY_NAMES } from '../../engine/strategies/index.ts';
import {
  DENSITY_POINTS, MACHINE_THROW_RATE, QUICK_DENSITY_POINTS, QUICK_RESET_SWEEP_CPUS, QUICK_RESET_SWEEP_RATES, QUICK_THROW_RATES, RESET_POLICIES, RESET_SWEEP_CPUS, RESET_SWEEP_MODEL,
  RESET_SWEEP_RATE_CPUS, RESET_SWEEP_RATES, RESET_SWEEP_STRATEGIES, RESET_SWEEP_WORKLOAD, THROW_RATES, THROW_SWEEP_WORKLOAD,
} from './sweeps.ts';

export type WorkloadRef = { kind: 'catalog'; name: string } | { kind: 'call-density'; nominalCallsPer100Insns: number };

export type TaskGroup = 'suite' | 'call-density' | 'throw-rate' | 'aux-reset' | 'scenario';

export interface BenchTask {
  /** Unique and stable: `suite/xdp-parse/zen5/cpus=1/p=0`. */
  id: string;
  group: TaskGroup;
  workload: WorkloadRef;
  cpuModel: string;
  cpus: number;
  strategies: string[];
  invocations: number;
  seed: number;
  throwRate: number;
  /** Machine scenario knobs (the aux-reset sweep): the task then runs on the machine
   * whatever its CPU count, and its records carry them as `params`. */
  scenario?: { resetPolicy: 'always' | 'if-set'; invocationRate: number };
  /** A built-in machine scenario (benchmarks/scenarios/<name>.json) run as it is, its
   * records marked `params.scenario`; `invocations` overrides the file's count. */
  scenarioFile?: string;
  /** The executor the worker runs the programs on (not in the id: every tier gives the
   * same runs). */
  tier: ExecutionTier;
  /** Memoise the out-of-order model (not in the id: the runs are identical either way;
   * false is --no-memo, for checking). */
  memo: boolean;
}

/** Measured invocations per strategy (after one warm-up). Chosen so the default run
 * takes under five minutes on a 2-core machine (see benchmarks/bench/README.md):
 *   suite        1000: every built-in workload reaches a steady state well before
 *   deep-assert  5000: also the throw-rate sweep, where p = 0.001 must throw ~5 times
 *   call-density  200: straight-line code with no random draws, steady after one
 *   machine       500: CPU counts above 1 (the multi-CPU machine, all CPUs together)
 *   aux-reset     400: the reset-policy sweep (machine; its figures are per-invocation
 *                      means of a steady stream, and 400 keeps its 14 tasks cheap)
 *   scenario     1000: each built-in scenario x CPU model (task-context invocations;
 *                      interrupts come on top)
 * --quick divides them for CI. */
export const INVOCATIONS = { suite: 1000, throwSweep: 5000, density: 200, machine: 500, resetSweep: 400, scenario: 1000 } as const;
export const QUICK_INVOCATIONS = { suite: 50, throwSweep: 200, density: 20, machine: 50, resetSweep: 50, scenario: 100 } as const;

export const CPU_COUNTS: readonly number[] = [1, 2, 4, 8];

export interface MatrixOptions {
  quick: boolean;
  seed: number;
  /** CPU counts that can run (the multi-CPU machine decides whether > 1 can). */
  cpuCounts: readonly number[];
  /** Default: every model (quick: zen5 and one arm64 model). */
  cpuModels?: readonly string[];
  /** Default: every built-in workload (quick: the same). */
  workloads?: readonly string[];
  /** CPU models the sweeps run on; default every model of the matrix (quick: zen5). */
  sweepModels?: readonly string[];
  sweeps?: boolean;
  /** Built-in scenario names (benchmarks/scenarios/*.json) to run on every sweep model. */
  scenarios?: readonly string[];
  /** Default DEFAULT_TIER. */
  tier?: ExecutionTier;
  /** Default true. */
  memo?: boolean;
}

export const QUICK_CPU_MODELS: readonly string[] = ['zen5'];

export function workloadLabel(w: WorkloadRef): string {
  return w.kind === 'catalog' ? w.name : `call-density-${w.nominalCallsPer100Insns}`;
}

export function buildMatrix(o: MatrixOptions): BenchTask[] {
  const n = o.quick ? QUICK_INVOCATIONS : INVOCATIONS;
  const models = o.cpuModels ?? (o.quick ? QUICK_CPU_MODELS : CPU_MODELS.map((m) => m.id));
  const workloads = o.workloads ?? benchCatalog().map((w) => w.name);
  const sweepModels = o.sweepModels ?? models;
  const strategies = [...STRATEGY_NAMES];
  const tier = o.tier ?? DEFAULT_TIER;
  const memo = o.memo ?? true;
  const tasks: BenchTask[] = [];
  const add = (group: TaskGroup, workload: WorkloadRef, cpuModel: string, cpus: number, invocations: number, throwRate: number) => {
    const id = `${group}/${workloadLabel(workload)}/${cpuModel}/cpus=${cpus}/p=${throwRate}`;
    tasks.push({ id, group, workload, cpuModel, cpus, strategies, invocations, seed: o.seed, throwRate, tier, memo });
  };
  const sweeps = o.sweeps ?? true;
  const throwRates = o.quick ? QUICK_THROW_RATES : THROW_RATES;
  for (const name of workloads) {
    // The throw-rate sweep's rate-0 point is the suite's own run of its workload, so
    // that run takes the sweep's invocation count and is not run twice.
    const sweepsHere = sweeps && name === THROW_SWEEP_WORKLOAD;
    for (const cpuModel of models) {
      for (const cpus of o.cpuCounts) add('suite', { kind: 'catalog', name }, cpuModel, cpus, cpus > 1 ? n.machine : sweepsHere ? n.throwSweep : n.suite, 0);
    }
  }
  if (!sweeps) return tasks;
  if (workloads.includes(THROW_SWEEP_WORKLOAD)) {
    for (const cpuModel of sweepModels) {
      for (const p of throwRates) if (p > 0) add('throw-rate', { kind: 'catalog', name: THROW_SWEEP_WORKLOAD }, cpuModel, 1, n.throwSweep, p);
      for (const cpus of o.cpuCounts) if (cpus > 1) add('throw-rate', { kind: 'catalog', name: THROW_SWEEP_WORKLOAD }, cpuModel, cpus, n.machine, MACHINE_THROW_RATE);
    }
  }
  for (const cpuModel of sweepModels) {
    for (const d of o.quick ? QUICK_DENSITY_POINTS : DENSITY_POINTS) {
      add('call-density', { kind: 'call-density', nominalCallsPer100Insns: d }, cpuModel, 1, n.density, 0);
    }
  }
  if (workloads.includes(RESET_SWEEP_WORKLOAD) && sweepModels.includes(RESET_SWEEP_MODEL)) {
    const rates = o.quick ? QUICK_RESET_SWEEP_RATES : RESET_SWEEP_RATES;
    // Only the CPU counts the run was asked for (--cpus).
    const counts = (o.quick ? QUICK_RESET_SWEEP_CPUS : RESET_SWEEP_CPUS).filter((c) => o.cpuCounts.includes(c));
    const rated = o.cpuCounts.includes(RESET_SWEEP_RATE_CPUS) ? rates.slice(1) : [];
    const points = [...counts.map((cpus) => [cpus, rates[0]]), ...rated.map((rate) => [RESET_SWEEP_RATE_CPUS, rate])];
    // One point draws no curve.
    for (const [cpus, invocationRate] of points.length >= 2 ? points : []) {
      for (const resetPolicy of RESET_POLICIES) {
        const workload = { kind: 'catalog' as const, name: RESET_SWEEP_WORKLOAD };
        const id = `aux-reset/${RESET_SWEEP_WORKLOAD}/${RESET_SWEEP_MODEL}/cpus=${cpus}/p=0/reset=${resetPolicy}/rate=${invocationRate}`;
        tasks.push({ id, group: 'aux-reset', workload, cpuModel: RESET_SWEEP_MODEL, cpus, strategies: [...RESET_SWEEP_STRATEGIES], invocations: n.resetSweep, seed: o.seed, throwRate: 0, scenario: { resetPolicy, invocationRate }, tier, memo });
      }
    }
  }
  for (const name of o.scenarios ?? []) {
    const sc = readScenarioFile(scenarioPath(name));
    for (const cpuModel of sweepModels) {
      const id = `scenario/${name}/${cpuModel}`;
      tasks.push({ id, group: 'scenario', workload: { kind: 'catalog', name: sc.program }, cpuModel, cpus: sc.cpus, strategies, invocations: n.scenario, seed: o.seed, throwRate: sc.throwRate, scenarioFile: name, tier, memo });
    }
  }
  return tasks;
}

const SCENARIO_DIR = fileURLToPath(new URL('../scenarios/', import.meta.url));

export const scenarioPath = (name: string): string => SCENARIO_DIR + name + '.json';

/** The built-in scenarios: every benchmarks/scenarios/*.json, by name. */
export function builtInScenarios(): string[] {
  return readdirSync(SCENARIO_DIR).filter((f) => f.endsWith('.json')).map((f) => f.slice(0, -'.json'.length)).sort();
}
