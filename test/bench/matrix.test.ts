import assert from 'node:assert/strict';
import { test } from 'node:test';
import { buildMatrix, INVOCATIONS } from '../../benchmarks/bench/matrix.ts';
import { THROW_RATES } from '../../benchmarks/bench/sweeps.ts';
import { loadCatalog } from '../../engine/cli/workload-catalog.ts';
import { CPU_MODELS } from '../../engine/cpus/index.ts';
import { STRATEGY_NAMES } from '../../engine/strategies/index.ts';

test('the default matrix covers every workload, CPU model and CPU count with every strategy', () => {
  const tasks = buildMatrix({ quick: false, seed: 1, cpuCounts: [1, 2, 4, 8] });
  const suite = tasks.filter((t) => t.group === 'suite');
  assert.equal(suite.length, loadCatalog().length * CPU_MODELS.length * 4);
  for (const t of tasks) assert.deepEqual(t.strategies, [...STRATEGY_NAMES]);
  assert.equal(new Set(tasks.map((t) => t.id)).size, tasks.length, 'task ids are unique');
});

test('the throw-rate sweep reuses the suite run at rate 0 and covers every other rate', () => {
  const tasks = buildMatrix({ quick: false, seed: 1, cpuCounts: [1], cpuModels: ['zen5'] });
  const deep = tasks.filter((t) => t.workload.kind === 'catalog' && t.workload.name === 'deep-assert');
  assert.deepEqual(deep.map((t) => t.throwRate).sort((a, b) => a - b), [...THROW_RATES]);
  assert.ok(deep.every((t) => t.invocations === INVOCATIONS.throwSweep));
});

test('the call-density sweep has one task per density and CPU model', () => {
  const tasks = buildMatrix({ quick: false, seed: 1, cpuCounts: [1], cpuModels: ['zen5', 'skylake'] });
  const density = tasks.filter((t) => t.group === 'call-density');
  assert.equal(density.length, 7 * 2);
});

test('--no-sweeps leaves only the suite', () => {
  const tasks = buildMatrix({ quick: true, seed: 3, cpuCounts: [1], sweeps: false });
  assert.ok(tasks.every((t) => t.group === 'suite' && t.seed === 3));
});
