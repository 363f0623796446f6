// The multi-CPU machine (resumable contexts in small slices, preemption and migration,
// sleeping helpers, nested interrupts, recursion through a helper) and the single-CPU
// experiment give identical results and run records under both tiers.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { cpuModelById } from '../../engine/cpus/index.ts';
import type { CpuModel } from '../../engine/cpus/cpu-model.ts';
import type { ExecutionTier } from '../../engine/exec/index.ts';
import { runExperiment, type ExperimentSpec } from '../../engine/experiment/index.ts';
import { machineRunRecords, readScenarioFile, runMachine, type MachineResult } from '../../engine/machine/index.ts';
import { STRATEGY_NAMES } from '../../engine/strategies/index.ts';
import { workload } from '../machine/workload.ts';
import { compiledTierSettings } from '../../engine/exec/index.ts';

// Generated code from the first instruction, so these runs exercise it (by default a
// program is interpreted until it is hot).
compiledTierSettings.compileAfter = 0;

const SCENARIOS = fileURLToPath(new URL('../../benchmarks/scenarios/', import.meta.url));
const zen5 = cpuModelById('zen5') as CpuModel;
/** none runs always, as the baseline; these four differ most in what they touch. */
const STRATEGIES = ['call', 'aux', 'percpu', 'unwind'];
const exact = (v: unknown): string => JSON.stringify(v, (_k, x: unknown) => (typeof x === 'bigint' ? `0x${x.toString(16)}` : x));

function machine(name: string, tier: ExecutionTier, invocations: number): MachineResult {
  const scenario = { ...readScenarioFile(join(SCENARIOS, `${name}.json`)), invocations };
  return runMachine(scenario, { strategies: STRATEGIES, cpuModel: zen5, seed: 5, workload: workload(scenario.program), tier });
}

/** Everything but which tier ran: cycles, correctness, traces, per-site counts. */
function withoutTier(r: MachineResult): unknown {
  const { tier: _tier, ...rest } = r as MachineResult & { tier?: ExecutionTier };
  void _tier;
  return rest;
}

for (const [name, invocations] of [['preempt-migrate', 60], ['sleepable', 60], ['nested-irq', 50], ['tracing-recursion', 60]] as const) {
  test(`the ${name} scenario gives identical machine results and run records under both tiers`, () => {
    const a = machine(name, 'interpreter', invocations);
    const b = machine(name, 'compiled', invocations);
    assert.equal(a.tier, 'interpreter');
    assert.equal(b.tier, 'compiled');
    assert.ok(a.runs.every((r) => r.invocationsRun >= invocations), 'every strategy ran');
    assert.equal(exact(withoutTier(b)), exact(withoutTier(a)));
    const strategies = ['none', ...STRATEGIES];
    assert.equal(exact(machineRunRecords(b, { strategies })), exact(machineRunRecords(a, { strategies })));
  });
}

test('a machine comparison notices a different run (another seed)', () => {
  const a = machine('preempt-migrate', 'interpreter', 30);
  const scenario = { ...readScenarioFile(join(SCENARIOS, 'preempt-migrate.json')), invocations: 30 };
  const b = runMachine(scenario, { strategies: STRATEGIES, cpuModel: zen5, seed: 6, workload: workload('deep-assert'), tier: 'compiled' });
  assert.notEqual(exact(withoutTier({ ...b, seed: a.seed })), exact(withoutTier(a)));
});

test('the single-CPU experiment gives identical run records under both tiers, throwing or not', () => {
  const w = workload('deep-assert');
  for (const throwRate of [0, 0.4]) {
    const spec = (tier: ExecutionTier): ExperimentSpec => ({
      program: w.program,
      ctx: w.ctx,
      helperSet: 'linux',
      workloadName: 'deep-assert',
      strategies: [...STRATEGY_NAMES],
      cpuModels: ['zen5', 'neoverse-v2'],
      cpus: 1,
      invocations: 8,
      seed: 9,
      throwRate,
      throwKnob: w.throwKnob,
      sites: 'auto',
      model: 'ooo',
      tier,
    });
    const a = runExperiment(spec('interpreter'));
    assert.equal(exact(runExperiment(spec('compiled'))), exact(a), `throw rate ${throwRate}`);
    assert.notEqual(exact(runExperiment({ ...spec('compiled'), seed: 10 })), exact(a), 'another seed differs');
  }
});
