// The machine's execution tier: every instance it makes (the strategies' and the
// oracle's replays) runs on the tier asked for, and the results do not depend on it.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { cpuModelById } from '../../engine/cpus/index.ts';
import { BpfError } from '../../engine/errors.ts';
import { DEFAULT_TIER, EXECUTION_TIERS, type ExecutionTier } from '../../engine/exec/index.ts';
import { Oracle } from '../../engine/machine/judge.ts';
import { machineRunRecords, readScenarioFile, runMachine, type MachineResult, type Scenario } from '../../engine/machine/index.ts';
import { formatMachineText } from '../../engine/report/run-text.ts';
import { workload } from './workload.ts';
import { compiledTierSettings } from '../../engine/exec/index.ts';

// Generated code from the first instruction, so these runs exercise it (by default a
// program is interpreted until it is hot).
compiledTierSettings.compileAfter = 0;

const SCENARIOS = fileURLToPath(new URL('../../benchmarks/scenarios/', import.meta.url));
const zen5 = cpuModelById('zen5')!;
const deepAssert = workload('deep-assert');
const scenario = (name: string, over: Partial<Scenario> = {}): Scenario => ({ ...readScenarioFile(join(SCENARIOS, `${name}.json`)), ...over });
const run = (s: Scenario, tier?: ExecutionTier): MachineResult => runMachine(s, { strategies: ['call', 'aux', 'percpu'], cpuModel: zen5, seed: 5, workload: deepAssert, tier });

for (const name of ['many-cpus', 'preempt-migrate']) {
  test(`the interpreter and the compiled tier give identical machine results on ${name}`, () => {
    const s = scenario(name, { cpus: 2, invocations: 150, throwRate: 0.1 });
    const interpreted = run(s, 'interpreter');
    const compiled = run(s, 'compiled');
    assert.equal(interpreted.tier, 'interpreter');
    assert.equal(compiled.tier, 'compiled');
    assert.ok(interpreted.runs.some((r) => r.correctness.throws > 0), 'the run throws, so the oracle is exercised');
    assert.deepEqual({ ...compiled, tier: 'interpreter' }, interpreted);
    assert.deepEqual(machineRunRecords(compiled), machineRunRecords(interpreted));
  });
}

test('the machine runs on the default tier unless told otherwise, and its text names the tier', () => {
  const r = run(scenario('many-cpus', { cpus: 2, invocations: 20 }));
  assert.equal(r.tier, DEFAULT_TIER);
  assert.match(formatMachineText(machineRunRecords(r), { tier: r.tier }).split('\n')[0], new RegExp(`, ${DEFAULT_TIER} tier$`));
  assert.ok(!JSON.stringify(machineRunRecords(r)).includes(`"${DEFAULT_TIER}"`), 'the tier is not in the run records');
});

test("the oracle's replays run on the tier they are given", () => {
  for (const tier of EXECUTION_TIERS) assert.equal(new Oracle(deepAssert.program, deepAssert.ctx, 1, 2, tier).tier, tier);
  assert.equal(new Oracle(deepAssert.program, deepAssert.ctx, 1, 2).tier, DEFAULT_TIER);
});

test('an unknown tier is refused before the machine runs', () => {
  assert.throws(
    () => run(scenario('many-cpus', { cpus: 2, invocations: 20 }), 'jit' as ExecutionTier),
    (e: unknown) => e instanceof BpfError && e.kind === 'usage' && /unknown execution tier 'jit'.*interpreter, compiled/.test(e.message),
  );
});
