// Run records carry the front end's events per measured invocation, so a chart can say
// where a rewritten program stops fitting the op cache.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { runExperiment } from '../../engine/experiment/index.ts';
import { callDensityProgram } from '../../benchmarks/workloads/generators/call-density.ts';

const decoded = (nominal: number) => {
  const runs = runExperiment({ program: callDensityProgram(nominal).program, helperSet: 'linux', workloadName: 'call-density', strategies: ['none', 'stack'], cpuModels: ['zen3'], cpus: 1, invocations: 10, seed: 1, throwRate: 0, sites: 'auto', model: 'ooo' });
  for (const r of runs) {
    assert.ok(r.frontEnd, `${r.strategy}: no frontEnd`);
    for (const v of Object.values(r.frontEnd)) assert.ok(Number.isFinite(v) && v >= 0, `${r.strategy}: ${JSON.stringify(r.frontEnd)}`);
  }
  const by = Object.fromEntries(runs.map((r) => [r.strategy, r.frontEnd!.decodedWindowsPerInvocation]));
  return by.stack - by.none;
};

test('a checked program that outgrows zen3\'s op cache decodes many more windows per invocation than one that fits', { timeout: 300_000 }, () => {
  const small = decoded(4);
  const large = decoded(32);
  assert.ok(small < 5, `density 4: ${small} more windows decoded than none`);
  assert.ok(large > 20, `density 32: ${large} more windows decoded than none`);
});
