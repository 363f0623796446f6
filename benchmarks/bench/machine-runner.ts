// CPU counts above 1 run on the multi-CPU machine (engine/machine): a bench task becomes
// a scenario (task context only, the scenario defaults for everything the task does not
// set), and engine/machine's machineRunRecords turns the result into run records, the
// same way `bpfexc run --cpus N --format json` does. Imported statically: a dynamic
// import() of a .ts file fails inside piscina's worker threads.
import { cpuModelById } from '../../engine/cpus/index.ts';
import type { ExperimentSpec } from '../../engine/experiment/index.ts';
import { machineRunRecords, parseScenario, readScenarioFile, runMachine, type MachineRunRecord, type Scenario } from '../../engine/machine/index.ts';
import { scenarioPath, type BenchTask } from './matrix.ts';

/** Scenario fields a task may set beyond CPUs, invocations and throw rate. */
export type ScenarioKnobs = Partial<Pick<Scenario, 'resetPolicy' | 'invocationRate'>>;

export function runOnMachine(spec: ExperimentSpec, knobs: ScenarioKnobs = {}, extra?: Record<string, unknown>): MachineRunRecord[] {
  const cpu = cpuModelById(spec.cpuModels[0]);
  if (!cpu || spec.cpuModels.length !== 1) throw new Error('runOnMachine takes exactly one known CPU model');
  const scenario = parseScenario({ name: `bench ${spec.workloadName} on ${spec.cpus} CPUs`, program: spec.workloadName, cpus: spec.cpus, invocations: spec.invocations, throwRate: spec.throwRate, ...knobs });
  const result = runMachine(scenario, {
    strategies: spec.strategies,
    cpuModel: cpu,
    seed: spec.seed,
    workload: { name: spec.workloadName, program: spec.program, ctx: spec.ctx, throwKnob: spec.throwKnob },
    tier: spec.tier,
  });
  return machineRunRecords(result, { strategies: spec.strategies, extra });
}

/** A built-in scenario as its file says, with the task's invocation count and seed. */
export function runScenarioTask(task: BenchTask, spec: ExperimentSpec): MachineRunRecord[] {
  const name = task.scenarioFile!;
  const cpu = cpuModelById(task.cpuModel);
  if (!cpu) throw new Error(`unknown CPU model ${task.cpuModel}`);
  const scenario = { ...readScenarioFile(scenarioPath(name)), invocations: task.invocations };
  const result = runMachine(scenario, {
    strategies: spec.strategies,
    cpuModel: cpu,
    seed: spec.seed,
    workload: { name: spec.workloadName, program: spec.program, ctx: spec.ctx, throwKnob: spec.throwKnob },
    tier: task.tier,
  });
  return machineRunRecords(result, { strategies: spec.strategies, extra: { params: { scenario: name } } });
}
