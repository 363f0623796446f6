import assert from 'node:assert/strict';
import { test } from 'node:test';
import { CALL_DENSITIES, callDensityProgram } from '../../benchmarks/workloads/generators/call-density.ts';
import { buildCallGraph } from '../../engine/strategies/call-graph.ts';
import { instantiate, loadProgram } from '../../engine/exec/index.ts';

test('each density point has its nominal call density within 0.1', () => {
  for (const n of CALL_DENSITIES) {
    const d = callDensityProgram(n);
    assert.ok(Math.abs(d.callsPer100Insns - n) <= 0.1, `${n}: ${d.callsPer100Insns}`);
    assert.equal(buildCallGraph(d.program).calls.length, d.calls);
  }
});

test('every density point does the same work and returns the same value', () => {
  const results = CALL_DENSITIES.map((n) => instantiate(loadProgram(callDensityProgram(n).program)).run({}).r0);
  assert.ok(results.every((r) => r === results[0]), results.join(' '));
  assert.notEqual(results[0], 0n);
});

test('a higher density executes more calls', () => {
  const executed = CALL_DENSITIES.map((n) => instantiate(loadProgram(callDensityProgram(n).program)).run({}).insnsExecuted);
  for (let i = 1; i < executed.length; i++) assert.ok(executed[i] > executed[i - 1]);
});
