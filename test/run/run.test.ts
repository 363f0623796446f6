// engine/run.ts: the one entry point the CLI and the bench workers share.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { runExperiment } from '../../engine/experiment/index.ts';
import { machineRunRecords, parseScenario, runMachine, SCENARIO_DEFAULTS } from '../../engine/machine/index.ts';
import { cpuModelById } from '../../engine/cpus/index.ts';
import { run, runsOnMachine, scenarioOf } from '../../engine/run.ts';
import { workloadSpec } from '../experiment/workload-spec.ts';

test('one CPU runs the single-CPU experiment and gives exactly its records', () => {
  const spec = workloadSpec('call-chain', { strategies: ['none', 'stack'], invocations: 20 });
  assert.equal(runsOnMachine(spec), false);
  assert.deepEqual(run(spec), runExperiment(spec));
});

test('several CPUs run the default scenario on the machine, one block of records per CPU model', () => {
  const spec = workloadSpec('deep-assert', { strategies: ['none', 'aux'], cpuModels: ['zen5', 'neoverse-v2'], cpus: 2, invocations: 30 });
  assert.equal(runsOnMachine(spec), true);
  const s = scenarioOf(spec);
  assert.equal(s.name, 'deep-assert on 2 CPUs');
  assert.equal(s.invocationRate, SCENARIO_DEFAULTS.invocationRate);
  const records = run(spec);
  assert.deepEqual(records.map((r) => `${r.cpuModel}/${r.strategy}`), ['zen5/none', 'zen5/aux', 'neoverse-v2/none', 'neoverse-v2/aux']);
  const direct = machineRunRecords(runMachine(s, { strategies: spec.strategies, cpuModel: cpuModelById('zen5')!, seed: 1, workload: { name: 'deep-assert', program: spec.program, ctx: spec.ctx, throwKnob: spec.throwKnob } }), { strategies: spec.strategies });
  assert.deepEqual(records.slice(0, 2), direct);
});

test('a scenario runs on the machine even on one CPU, with the spec deciding CPUs, invocations and throw rate', () => {
  const spec = { ...workloadSpec('deep-assert', { strategies: ['aux'], invocations: 25, throwRate: 0.1 }), scenario: { name: 'sweep', resetPolicy: 'if-set' as const }, recordExtra: { params: { resetPolicy: 'if-set' } } };
  assert.deepEqual(scenarioOf(spec), parseScenario({ name: 'sweep', program: 'deep-assert', cpus: 1, invocations: 25, throwRate: 0.1, resetPolicy: 'if-set' }));
  const [r] = run(spec);
  assert.equal(r.cpus, 1);
  assert.deepEqual(r.params, { resetPolicy: 'if-set' });
  assert.equal((r.machine as { resetPolicy: string }).resetPolicy, 'if-set');
});
