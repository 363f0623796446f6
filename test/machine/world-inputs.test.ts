// The oracle replays the world inputs a judged invocation read (engine/exec/world.ts);
// that must not hide a strategy that really loses throws.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { readProgramInput } from '../../engine/inputs/program-input.ts';
import { cpuModelById } from '../../engine/cpus/index.ts';
import { parseScenario, readScenarioFile, runMachine, type MachineResult } from '../../engine/machine/index.ts';
import { workload } from './workload.ts';

const zen5 = cpuModelById('zen5')!;
const SCENARIOS = fileURLToPath(new URL('../../benchmarks/scenarios/', import.meta.url));
const by = (r: MachineResult, name: string) => r.runs.find((x) => x.strategy === name)!;
const errors = (r: MachineResult, name: string): number => {
  const c = by(r, name).correctness;
  return c.missed + c.spuriousUnwinds + c.wrongCookie;
};

test('aux on 2 CPUs still loses throws of a program that also returns the time and CPU it read, and only aux does', () => {
  const file = fileURLToPath(new URL('./fixtures/throw-clock.s', import.meta.url));
  const input = readProgramInput(file, {});
  // Busy CPUs and short slices, so invocations on the two CPUs interleave between a call
  // and its check.
  const s = { ...parseScenario({ name: 'throw-clock on 2 CPUs', program: file, cpus: 2 }), invocations: 1000, invocationRate: 2e8, sliceInsns: 4 };
  const r = runMachine(s, { strategies: ['call', 'stack', 'aux', 'percpu', 'unwind'], cpuModel: zen5, seed: 1, workload: { name: 'throw-clock', program: input.program, ctx: input.ctx } });
  for (const x of r.runs) {
    assert.ok(x.correctness.throws > 80, `${x.strategy}: only ${x.correctness.throws} throws`);
    assert.equal(x.historyDependent, 0, `${x.strategy}: every invocation judged on its result`);
    if (x.strategy !== 'aux') assert.equal(errors(r, x.strategy), 0, `${x.strategy}: ${JSON.stringify(x.correctness)}`);
  }
  const aux = by(r, 'aux').correctness;
  assert.ok(aux.missed > 0 && aux.spuriousUnwinds > 0, JSON.stringify(aux));
});

test('aux on 2 CPUs still loses throws of deep-assert', () => {
  const s = { ...readScenarioFile(join(SCENARIOS, 'many-cpus.json')), cpus: 2, throwRate: 0.05, invocations: 2000 };
  const r = runMachine(s, { strategies: ['call', 'aux'], cpuModel: zen5, seed: 1, workload: workload('deep-assert') });
  assert.equal(errors(r, 'call'), 0);
  assert.ok(errors(r, 'aux') > 0, JSON.stringify(by(r, 'aux').correctness));
});
