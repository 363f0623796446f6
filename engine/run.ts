// One way through the engine: a run spec goes to the single-CPU experiment
// (engine/experiment) or, when it asks for several CPUs or a scenario, to the multi-CPU
// machine (engine/machine), and comes back either way as run records of the result
// document. The CLI, the bench workers and anything else that runs programs call this.
import { cpuModelById } from './cpus/index.ts';
import { withMitigations } from './cpus/mitigations.ts';
import { BpfError } from './errors.ts';
import { runExperiment, type ExperimentSpec } from './experiment/index.ts';
import { machineRunRecords, parseScenario, runMachine, type Scenario } from './machine/index.ts';
import type { RunRecord } from './results/document.ts';

export interface RunSpec extends ExperimentSpec {
  /** Run on the machine with this scenario even on one CPU. Its CPUs, invocations and
   * throw rate are the spec's; its program is the spec's; what it leaves out takes the
   * scenario defaults. Without it, a spec with cpus > 1 runs the default scenario named
   * `<workload> on <N> CPUs` (task context only). */
  scenario?: Partial<Omit<Scenario, 'cpus' | 'invocations' | 'throwRate' | 'program'>> & { name: string };
  /** Fields copied into every machine record (a sweep's `params`). */
  recordExtra?: Record<string, unknown>;
}

/** Whether a spec runs on the multi-CPU machine. */
export const runsOnMachine = (spec: RunSpec): boolean => spec.scenario !== undefined || spec.cpus > 1;

/** The scenario a machine spec runs. */
export function scenarioOf(spec: RunSpec): Scenario {
  const named = spec.scenario ?? { name: `${spec.workloadName} on ${spec.cpus} CPUs` };
  return parseScenario({ ...named, program: spec.workloadName, cpus: spec.cpus, invocations: spec.invocations, throwRate: spec.throwRate });
}

/** Every strategy x CPU model the spec asks for, as run records (the strategies in the
 * order asked, CPU model by CPU model). */
export function run(spec: RunSpec): RunRecord[] {
  if (!runsOnMachine(spec)) return runExperiment(spec);
  const scenario = scenarioOf(spec);
  return spec.cpuModels.flatMap((id) => {
    const cpu = cpuModelById(id);
    if (!cpu) throw new BpfError('usage', `unknown CPU model '${id}'`);
    const result = runMachine(scenario, {
      strategies: spec.strategies,
      cpuModel: withMitigations(cpu, spec.mitigations ?? 'default'),
      seed: spec.seed,
      workload: { name: spec.workloadName, program: spec.program, ctx: spec.ctx, throwKnob: spec.throwKnob },
      tier: spec.tier,
    });
    return machineRunRecords(result, { strategies: spec.strategies, extra: spec.recordExtra });
  });
}
