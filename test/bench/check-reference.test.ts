import assert from 'node:assert/strict';
import { test } from 'node:test';
import { differences } from '../../benchmarks/check-reference.ts';

const run = (strategy: string, cycles: number) => ({ workload: 'deep-assert', strategy, cpuModel: 'zen5', cpus: 1, throwRate: 0, cycles: { perInvocation: cycles } });

test('the reference check names the run and the field that changed, and nothing when all runs agree', () => {
  const ref = { schema: 'bpfexc/result@1', runs: [run('none', 10), run('call', 12)] };
  assert.deepEqual(differences(ref, structuredClone(ref)), []);
  const changed = structuredClone(ref);
  changed.runs[1].cycles.perInvocation = 12.5;
  assert.deepEqual(differences(ref, changed), ['run 1 (deep-assert call zen5 cpus=1 throw=0): cycles differ']);
  assert.match(differences(ref, { ...ref, runs: ref.runs.slice(0, 1) })[0], /^2 runs in the reference, 1 now$/);
});
