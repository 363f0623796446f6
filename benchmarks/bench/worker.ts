// The piscina worker: runs one bench task (one workload x CPU model x CPU count x throw
// rate, every strategy) and returns its run records. worker-entry.mjs loads it in each
// pool thread (see there why).
//
// Test hook (used by test/bench, documented in benchmarks/bench/README.md): when
// BPFEXC_BENCH_FAIL_TASK is set, a task whose id contains it fails the way
// BPFEXC_BENCH_FAIL_MODE says: `throw` (default) throws from the task, `exit` ends the
// worker thread as a crash would. The failure goes through the same path as a real one.
import { readScenarioFile } from '../../engine/machine/index.ts';
import type { RunRecord } from '../../engine/results/document.ts';
import { run, type RunSpec } from '../../engine/run.ts';
import { scenarioPath, type BenchTask } from './matrix.ts';
import { resolveWorkload } from './workloads.ts';

export interface TaskResult {
  id: string;
  runs: RunRecord[];
  /** Host wall-clock time of the task, ms (never part of the compared result). */
  elapsedMs: number;
}

function injectedFailure(task: BenchTask): void {
  const match = process.env.BPFEXC_BENCH_FAIL_TASK;
  if (!match || !task.id.includes(match)) return;
  if (process.env.BPFEXC_BENCH_FAIL_MODE === 'exit') process.exit(70);
  throw new Error(`injected failure (BPFEXC_BENCH_FAIL_TASK=${match})`);
}

export function runTask(task: BenchTask): TaskResult {
  const start = performance.now();
  injectedFailure(task);
  const w = resolveWorkload(task.workload);
  const spec: RunSpec = {
    program: w.program,
    ctx: w.ctx,
    helperSet: w.helperSet,
    workloadName: w.name,
    strategies: task.strategies,
    cpuModels: [task.cpuModel],
    cpus: task.cpus,
    invocations: task.invocations,
    seed: task.seed,
    throwRate: task.throwRate,
    throwKnob: w.throwKnob,
    sites: 'auto',
    model: 'ooo',
    tier: task.tier,
    memo: task.memo,
  };
  if (task.scenarioFile) {
    // A built-in scenario as its file says, with the task's invocation count.
    const { cpus, throwRate, invocations: _n, program: _p, ...scenario } = readScenarioFile(scenarioPath(task.scenarioFile));
    const runs = run({ ...spec, cpus, throwRate, scenario, recordExtra: { params: { scenario: task.scenarioFile } } });
    return { id: task.id, runs, elapsedMs: performance.now() - start };
  }
  const onMachine: Partial<RunSpec> = task.scenario
    ? { scenario: { name: benchScenarioName(spec), ...task.scenario }, recordExtra: { params: { ...task.scenario } } }
    : task.cpus > 1
      ? { scenario: { name: benchScenarioName(spec) } }
      : {};
  const runs = run({ ...spec, ...onMachine });
  const withParams = w.params ? runs.map((r) => ({ ...r, params: { ...w.params } })) : runs;
  return { id: task.id, runs: withParams, elapsedMs: performance.now() - start };
}

const benchScenarioName = (spec: RunSpec): string => `bench ${spec.workloadName} on ${spec.cpus} CPUs`;

/** How this thread loaded the engine: 'es module', or 'commonjs' when a loader compiled
 * it to CommonJS (the module then sees CommonJS's `require`), which runs the tasks about
 * 1.5x slower (see worker-entry.mjs). The pool's test asks a worker. */
export function engineModuleFormat(): 'es module' | 'commonjs' {
  return typeof require === 'undefined' ? 'es module' : 'commonjs';
}
