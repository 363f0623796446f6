import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { cpuModelById } from '../../engine/cpus/index.ts';
import { InstanceState } from '../../engine/exec/state.ts';
import { machineRunRecords, parseScenario, readScenarioFile, runMachine } from '../../engine/machine/index.ts';
import { workload } from './workload.ts';

const zen5 = cpuModelById('zen5')!;
const SCENARIOS = fileURLToPath(new URL('../../benchmarks/scenarios/', import.meta.url));

test('machine run records: one per strategy asked for, against the none baseline that always runs', () => {
  const s = parseScenario({ name: 't', program: 'deep-assert', cpus: 2, invocations: 300, throwRate: 0.1 });
  const result = runMachine(s, { strategies: ['stack', 'aux'], cpuModel: zen5, seed: 3, workload: workload('deep-assert') });
  assert.deepEqual(result.runs.map((r) => r.strategy), ['none', 'stack', 'aux']);
  const recs = machineRunRecords(result, { strategies: ['stack', 'aux'] });
  assert.deepEqual(recs.map((r) => r.strategy), ['stack', 'aux']);
  const none = result.runs[0];
  for (const r of recs) {
    assert.equal(r.cpus, 2);
    assert.equal(r.cycles.baselinePerInvocation, none.cycles.perInvocation);
    assert.equal(r.cycles.overheadPerInvocation, r.cycles.perInvocation - none.cycles.perInvocation);
    assert.equal(r.insns.original, none.insns.original);
    assert.ok(r.insns.rewritten > r.insns.original);
    assert.ok(r.machine.failures.length <= 3);
    assert.equal(r.machine.invocationsRun, 300);
  }
  // The first task-context invocation's r0 is the same under every correct strategy.
  assert.equal(recs[0].r0, none.r0);
  // Checks after calls are attributed to their sites and executed once per call.
  const stack = recs[0];
  assert.ok(stack.callSites.length > 0);
  assert.ok(stack.callSites.every((c) => c.executions > 0 && c.overheadCycles > 0));
});

test('a program whose result depends on its map history is judged only on unwinding, and is clean under every strategy', () => {
  const s = parseScenario({ name: 't', program: 'loop-callback', cpus: 4, invocations: 200 });
  const result = runMachine(s, { strategies: ['call', 'stack', 'aux', 'percpu', 'unwind'], cpuModel: zen5, seed: 1, workload: workload('loop-callback') });
  for (const r of result.runs) {
    assert.ok(r.historyDependent > 0, `${r.strategy}: loop-callback's sum was not seen to depend on history`);
    assert.deepEqual(r.correctness, { throws: 0, handled: 0, missed: 0, spuriousUnwinds: 0, wrongCookie: 0 }, r.strategy);
  }
});

test('a baseline that cannot finish, when none was not asked for, leaves overheads undefined and says why', () => {
  // nmi-only at rates where `none`, paying bpf_throw's unwinding for half its
  // invocations, cannot keep up with the NMIs while `call` can.
  const s = readScenarioFile(join(SCENARIOS, 'nmi-only.json'));
  const overloaded = { ...s, invocations: 300, invocationRate: 8e6, interrupts: { ...s.interrupts, nmi: 6e6 } };
  const result = runMachine(overloaded, { strategies: ['call'], cpuModel: zen5, seed: 1, workload: workload('deep-assert') });
  assert.notEqual(result.runs[0].strategy, 'none', 'none finished: pick rates it cannot keep up with');
  assert.match(result.baselineError!, /overloads its CPUs/);
  const [rec] = machineRunRecords(result, { strategies: ['call'] });
  assert.ok(Number.isNaN(rec.cycles.overheadPerInvocation));
  assert.equal(JSON.parse(JSON.stringify(rec)).cycles.baselinePerInvocation, null);
});

test('small seeds give well-mixed first draws (the PRNG does not start from the raw seed)', () => {
  const first: number[] = [];
  for (let seed = 1; seed <= 16; seed++) {
    const st = new InstanceState(seed);
    first.push(st.nextRandom() / 2 ** 32, st.nextRandom() / 2 ** 32);
  }
  // Raw xorshift32 from seed 1 draws 0.00006, then 0.016.
  assert.ok(first[0] > 0.016 || first[1] > 0.016, `seed 1 draws ${first[0]}, ${first[1]}`);
  const mean = first.reduce((a, b) => a + b, 0) / first.length;
  assert.ok(mean > 0.35 && mean < 0.65, `mean of the first draws of seeds 1..16: ${mean}`);
  assert.ok(first.filter((x) => x < 0.05).length <= 4, first.join(' '));
});
