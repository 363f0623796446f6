// How long a bench task is expected to take, relative to the others, so the pool can
// start the longest first: tasks queue in the order given, and a long task started last
// keeps one worker busy while the others have nothing left (in matrix order the
// call-density-64 and scenario tasks, among the longest, come last). Only the order of
// starting depends on this, never a result.
//
// The estimate: instructions the timing model will step, i.e. invocations x strategies x
// instructions per invocation (measured: the workload at the task's throw rate run a few
// times untimed, unrewritten), times a factor for the multi-CPU machine. All of a task's
// cost model is in taskCost(), so a model that makes some tasks cheaper (a memoised
// out-of-order model speeds up single-CPU runs more than the machine's) changes one place.
import { instantiate, loadProgram } from '../../engine/exec/index.ts';
import { helpersFor } from '../../engine/experiment/measure.ts';
import { applyThrowRate } from '../../engine/inputs/throw-knob.ts';
import { readScenarioFile } from '../../engine/machine/index.ts';
import { scenarioPath, workloadLabel, type BenchTask } from './matrix.ts';
import { resolveWorkload } from './workloads.ts';

/** Cost per invocation on the multi-CPU machine over a single-CPU run of the same
 * workload: the machine steps every op (slicing, the coherence directory and the
 * scheduler come on top), single-CPU runs mostly replay the memo. Source: every task of
 * the default matrix run one after the other in one process (7 Dec 2026, 2-vCPU EPYC,
 * Zen 3), wall time over this file's estimate without the factor: the median of the 158
 * machine tasks over the median of the 114 single-CPU ones was 4.99 and 5.21 in two runs
 * (by group, machine 832-2,847 and single-CPU 158-351 ns a unit). Before the memo it was
 * 1.6. */
export const MACHINE_COST_FACTOR = 5;
/** Untimed invocations run to measure instructions per invocation. */
const PROBE_INVOCATIONS = 16;

export interface TaskShape {
  invocations: number;
  strategies: number;
  insnsPerInvocation: number;
  /** Runs on the multi-CPU machine (cpus > 1, the reset sweep, scenarios). */
  onMachine: boolean;
  /** Invocations in interrupt context per task-context one (scenarios). */
  interruptsPerInvocation: number;
}

/** The one place the relative cost of a task is decided. */
export function taskCost(s: TaskShape): number {
  return s.invocations * (1 + s.interruptsPerInvocation) * s.strategies * s.insnsPerInvocation * (s.onMachine ? MACHINE_COST_FACTOR : 1);
}

/** Estimated cost of every task, by id. Synchronous, about a second for the default
 * matrix: the bench calls it before it starts the pool and handles SIGINT (tsx kills a
 * child whose event loop does not answer a relayed signal within 30 ms). */
export function estimateTaskCosts(tasks: readonly BenchTask[]): Map<string, number> {
  const insns = new Map<string, number>();
  const out = new Map<string, number>();
  for (const t of tasks) {
    const scenario = t.scenarioFile ? readScenarioFile(scenarioPath(t.scenarioFile)) : undefined;
    const throwRate = scenario ? scenario.throwRate : t.throwRate;
    const key = `${workloadLabel(t.workload)} ${throwRate}`;
    let perInvocation = insns.get(key);
    if (perInvocation === undefined) insns.set(key, (perInvocation = insnsPerInvocation(t, throwRate)));
    const irq = scenario ? (scenario.interrupts.softirq + scenario.interrupts.hardirq + scenario.interrupts.nmi) / scenario.invocationRate : 0;
    out.set(
      t.id,
      taskCost({ invocations: t.invocations, strategies: t.strategies.length, insnsPerInvocation: perInvocation, onMachine: t.cpus > 1 || !!t.scenario || !!scenario, interruptsPerInvocation: irq }),
    );
  }
  return out;
}

/** A workload that fails here fails in its task too, which reports it with the task's id
 * (an estimate must not stop the bench): it gets the least cost. */
function insnsPerInvocation(t: BenchTask, throwRate: number): number {
  try {
    return measuredInsnsPerInvocation(t, throwRate);
  } catch {
    return 1;
  }
}

function measuredInsnsPerInvocation(t: BenchTask, throwRate: number): number {
  const w = resolveWorkload(t.workload);
  const program = w.throwKnob ? applyThrowRate(w.program, w.throwKnob, throwRate) : w.program;
  const helpers = helpersFor(w.helperSet);
  const instance = instantiate(loadProgram(program, { helpers }), { seed: t.seed, helpers, tier: 'interpreter' });
  let total = 0;
  for (let i = 0; i < PROBE_INVOCATIONS; i++) total += instance.run({ ctx: w.ctx }).insnsExecuted;
  return Math.max(1, total / PROBE_INVOCATIONS);
}
