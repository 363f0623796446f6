// The bench starts its tasks longest first, by task-cost.ts's estimate: the order decides
// only when each task runs (test/bench/workers.test.ts checks the results do not move).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { buildMatrix, builtInScenarios, type BenchTask } from '../../benchmarks/bench/matrix.ts';
import { longestFirst } from '../../benchmarks/bench/pool.ts';
import { estimateTaskCosts, MACHINE_COST_FACTOR, taskCost } from '../../benchmarks/bench/task-cost.ts';

const tasks = buildMatrix({ quick: false, seed: 1, cpuCounts: [1, 2], cpuModels: ['zen5'], scenarios: builtInScenarios() });
const costs = estimateTaskCosts(tasks);
const find = (id: string): BenchTask => {
  const t = tasks.find((x) => x.id === id);
  assert.ok(t, id);
  return t;
};

test('every task gets a positive, finite cost estimate', () => {
  assert.equal(costs.size, tasks.length);
  for (const t of tasks) assert.ok(Number.isFinite(costs.get(t.id)) && costs.get(t.id)! > 0, `${t.id}: ${costs.get(t.id)}`);
});

test('a denser call-density program, more invocations and interrupts on top of each invocation cost more', () => {
  const c = (id: string) => costs.get(find(id).id)!;
  assert.ok(c('call-density/call-density-64/zen5/cpus=1/p=0') > 4 * c('call-density/call-density-1/zen5/cpus=1/p=0'));
  // deep-assert at rate 0: 5000 invocations (the throw sweep's count) against 500 on the machine.
  assert.ok(c('suite/deep-assert/zen5/cpus=1/p=0') > c('suite/deep-assert/zen5/cpus=2/p=0'));
  // nested-irq adds three interrupt invocations per task one; many-cpus adds none.
  assert.ok(c('scenario/nested-irq/zen5') > 2 * c('scenario/many-cpus/zen5'));
});

test('the cost is linear in invocations, strategies and instructions, with one factor for the machine', () => {
  const base = { invocations: 100, strategies: 6, insnsPerInvocation: 50, onMachine: false, interruptsPerInvocation: 0 };
  assert.equal(taskCost({ ...base, invocations: 200 }), 2 * taskCost(base));
  assert.equal(taskCost({ ...base, strategies: 3 }), taskCost(base) / 2);
  assert.equal(taskCost({ ...base, onMachine: true }), MACHINE_COST_FACTOR * taskCost(base));
  assert.equal(taskCost({ ...base, interruptsPerInvocation: 3 }), 4 * taskCost(base));
});

test('longestFirst starts the costliest task first and keeps the matrix order between equal costs', () => {
  const [a, b, c, d] = tasks;
  const order = longestFirst([a, b, c, d], new Map([[a.id, 1], [b.id, 5], [c.id, 1], [d.id, 3]]));
  assert.deepEqual(order.map((t) => t.id), [b.id, d.id, a.id, c.id]);
  const all = longestFirst(tasks, costs);
  assert.equal(all.length, tasks.length);
  for (let i = 1; i < all.length; i++) assert.ok(costs.get(all[i - 1].id)! >= costs.get(all[i].id)!);
});
