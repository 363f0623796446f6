// The ooo model's state is allocated lazily and cleared in place (caches, port calendar):
// a model reused after reset() must give exactly what a fresh one gives.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { resolveWorkload } from '../../benchmarks/bench/workloads.ts';
import { cpuModelById } from '../../engine/cpus/index.ts';
import { instantiate, loadProgram } from '../../engine/exec/index.ts';
import { helpersFor } from '../../engine/experiment/measure.ts';
import { rewriteFor } from '../../engine/strategy-run.ts';
import { createSharedCaches, type SharedCaches } from '../../engine/timing/cache.ts';
import { createTimingModel, type TimingModel } from '../../engine/timing/model.ts';

function runTimes(name: string, strategy: string, cpuId: string, caches: SharedCaches | undefined, model?: TimingModel): { model: TimingModel; cycles: number; byPc: number[]; stats: string } {
  const w = resolveWorkload({ kind: 'catalog', name });
  const helpers = helpersFor(w.helperSet);
  const rw = rewriteFor(w.program, strategy, 'all-calls', helpers);
  const loaded = loadProgram(rw.program, { helpers });
  const instance = instantiate(loaded, { seed: 5, helpers });
  const m = model ?? createTimingModel('ooo', cpuModelById(cpuId)!, loaded, { exceptionBoundary: rw.exceptionBoundary, caches });
  for (let i = 0; i < 4; i++) {
    m.startInvocation();
    instance.run({ ctx: w.ctx, observer: m });
    m.endInvocation();
  }
  return { model: m, cycles: m.totalCycles(), byPc: Array.from(m.cyclesByPc()), stats: JSON.stringify(m.stats()) };
}

for (const [name, cpuId] of [['xdp-parse', 'neoverse-v2'], ['call-chain', 'skylake'], ['loop-callback', 'zen5']] as const) {
  test(`an ooo model reset after running ${name} on ${cpuId} gives a fresh model's cycles`, () => {
    const caches = createSharedCaches(cpuModelById(cpuId)!);
    const fresh = runTimes(name, 'stack', cpuId, caches);
    assert.ok(fresh.cycles > 0);
    // reset() leaves the last-level cache alone (it may be shared with other CPUs).
    fresh.model.reset();
    caches.llc.clear();
    const again = runTimes(name, 'stack', cpuId, caches, fresh.model);
    assert.equal(again.cycles, fresh.cycles);
    assert.deepEqual(again.byPc, fresh.byPc);
    assert.equal(again.stats, fresh.stats);
  });
}

test('an ooo model that owns its last-level cache is cold again after reset()', () => {
  const fresh = runTimes('xdp-parse', 'stack', 'neoverse-v2', undefined);
  fresh.model.reset();
  const again = runTimes('xdp-parse', 'stack', 'neoverse-v2', undefined, fresh.model);
  assert.equal(again.cycles, fresh.cycles);
  assert.deepEqual(again.byPc, fresh.byPc);
  assert.equal(again.stats, fresh.stats);
});
