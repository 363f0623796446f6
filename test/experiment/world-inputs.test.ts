// Programs whose result is an input from the world (the simulated clock, random draws, the
// CPU, the task) are judged against a replay of exactly what the judged run read: a
// strategy whose checks take instructions reads a later time, and an invocation on
// CPU 3 reads 3, yet neither unwound.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { readProgramInput } from '../../engine/inputs/program-input.ts';
import { cpuModelById } from '../../engine/cpus/index.ts';
import { runExperiment } from '../../engine/experiment/index.ts';
import { parseScenario, runMachine, type MachineResult } from '../../engine/machine/index.ts';
import { STRATEGY_NAMES } from '../../engine/strategies/index.ts';
import { inputSpec } from './workload-spec.ts';

const fixture = (name: string): string => fileURLToPath(new URL(`./fixtures/${name}.s`, import.meta.url));
const CLEAN = { missed: 0, spuriousUnwinds: 0, wrongCookie: 0 };
const errorsOf = (c: { missed: number; spuriousUnwinds: number; wrongCookie: number }) => ({ missed: c.missed, spuriousUnwinds: c.spuriousUnwinds, wrongCookie: c.wrongCookie });

/** Every strategy on one CPU, as `bpfexc run <file> --strategy all` does. */
function oneCpu(name: string, invocations = 200) {
  return runExperiment(inputSpec(readProgramInput(fixture(name), {}), name, { invocations }));
}

/** Every strategy on the machine, as `bpfexc run <file> --strategy all --cpus N` does. */
function onCpus(name: string, cpus: number, invocations = 300): MachineResult {
  const file = fixture(name);
  const input = readProgramInput(file, {});
  const scenario = { ...parseScenario({ name: `${name} on ${cpus} CPUs`, program: file, cpus }), invocations };
  return runMachine(scenario, { strategies: STRATEGY_NAMES, cpuModel: cpuModelById('zen5')!, seed: 1, workload: { name, program: input.program, ctx: input.ctx } });
}

function assertCleanEverywhere(name: string): void {
  for (const r of oneCpu(name)) assert.deepEqual(errorsOf(r.correctness), CLEAN, `${name}, 1 CPU, ${r.strategy}`);
  const m = onCpus(name, 4);
  assert.deepEqual(m.runs.map((r) => r.strategy), [...STRATEGY_NAMES]);
  for (const r of m.runs) {
    assert.deepEqual(errorsOf(r.correctness), CLEAN, `${name}, 4 CPUs, ${r.strategy}`);
    assert.equal(r.historyDependent, 0, `${name}, 4 CPUs, ${r.strategy}: every invocation judged on its result, not only on whether it unwound`);
  }
}

test('a program returning the clock it read after a subprogram call reports no unwinds under any strategy, on 1 and on 4 CPUs', () => {
  assertCleanEverywhere('kt');
});

test('each strategy reads its own simulated clock, so r0 of a program returning the time differs between strategies', () => {
  const r0s = new Set(oneCpu('kt', 20).map((r) => r.r0));
  assert.ok(r0s.size > 1, `r0 per strategy: ${[...r0s].join(' ')}`);
});

test('a program returning its random draw, CPU id and pid/tgid reports no unwinds under any strategy, on 1 and on 4 CPUs', () => {
  assertCleanEverywhere('world');
});
