import assert from 'node:assert/strict';
import { test } from 'node:test';
import { buildMatrix, INVOCATIONS } from '../../benchmarks/bench/matrix.ts';
import { MACHINE_THROW_RATE, RESET_SWEEP_CPUS, RESET_SWEEP_RATE_CPUS, RESET_SWEEP_RATES, THROW_RATES } from '../../benchmarks/bench/sweeps.ts';
import { loadCatalog } from '../../engine/cli/workload-catalog.ts';
import { CPU_MODELS } from '../../engine/cpus/index.ts';
import { STRATEGY_NAMES } from '../../engine/strategies/index.ts';

test('the default matrix covers every workload, CPU model and CPU count with every strategy', () => {
  const tasks = buildMatrix({ quick: false, seed: 1, cpuCounts: [1, 2, 4, 8] });
  const suite = tasks.filter((t) => t.group === 'suite');
  assert.equal(suite.length, loadCatalog().length * CPU_MODELS.length * 4);
  for (const t of tasks.filter((x) => x.group !== 'aux-reset')) assert.deepEqual(t.strategies, [...STRATEGY_NAMES]);
  assert.equal(new Set(tasks.map((t) => t.id)).size, tasks.length, 'task ids are unique');
});

test('the throw-rate sweep reuses the suite run at rate 0 and covers every other rate', () => {
  const tasks = buildMatrix({ quick: false, seed: 1, cpuCounts: [1], cpuModels: ['zen5'] });
  const deep = tasks.filter((t) => t.workload.kind === 'catalog' && t.workload.name === 'deep-assert' && t.group !== 'aux-reset');
  assert.deepEqual(deep.map((t) => t.throwRate).sort((a, b) => a - b), [...THROW_RATES]);
  const multi = buildMatrix({ quick: false, seed: 1, cpuCounts: [1, 2, 4, 8], cpuModels: ['zen5'] }).filter((t) => t.group === 'throw-rate' && t.cpus > 1);
  assert.deepEqual(multi.map((t) => [t.cpus, t.throwRate]), [[2, MACHINE_THROW_RATE], [4, MACHINE_THROW_RATE], [8, MACHINE_THROW_RATE]]);
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

test('the aux-reset sweep covers each CPU count and each invocation rate under both reset policies, once per point', () => {
  const tasks = buildMatrix({ quick: false, seed: 1, cpuCounts: [1, 2, 4, 8] }).filter((t) => t.group === 'aux-reset');
  const points = tasks.map((t) => `${t.cpus}/${t.scenario!.invocationRate}/${t.scenario!.resetPolicy}`);
  assert.equal(new Set(points).size, points.length, 'no point twice');
  for (const policy of ['always', 'if-set']) {
    const mine = tasks.filter((t) => t.scenario!.resetPolicy === policy);
    assert.deepEqual([...new Set(mine.filter((t) => t.scenario!.invocationRate === RESET_SWEEP_RATES[0]).map((t) => t.cpus))].sort((a, b) => a - b), [...RESET_SWEEP_CPUS]);
    assert.deepEqual(mine.filter((t) => t.cpus === RESET_SWEEP_RATE_CPUS).map((t) => t.scenario!.invocationRate).sort((a, b) => a - b), [...RESET_SWEEP_RATES].sort((a, b) => a - b));
  }
  assert.ok(tasks.every((t) => t.throwRate === 0 && t.strategies.includes('none') && t.strategies.includes('aux')));
  const two = buildMatrix({ quick: false, seed: 1, cpuCounts: [1, 2] }).filter((t) => t.group === 'aux-reset');
  assert.deepEqual([...new Set(two.map((t) => t.cpus))], [1, 2], '--cpus limits the sweep too');
  assert.equal(buildMatrix({ quick: false, seed: 1, cpuCounts: [1] }).filter((t) => t.group === 'aux-reset').length, 0, 'a single point is not run');
});
