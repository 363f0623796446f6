// createTimingModels lowers a program and builds its op table once for several models
// (the multi-CPU machine's cores): each model must still run exactly as one built alone,
// whatever the others ran before it, and the code size from the shared lowering must be
// the one jitCodeBytes computes itself.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { resolveWorkload } from '../../benchmarks/bench/workloads.ts';
import { cpuModelById } from '../../engine/cpus/index.ts';
import { instantiate, loadProgram, type LoadedProgram } from '../../engine/exec/index.ts';
import { helpersFor } from '../../engine/experiment/measure.ts';
import { rewriteFor } from '../../engine/strategy-run.ts';
import { jitCodeBytes } from '../../engine/timing/code-size.ts';
import { createTimingModel, createTimingModels, type TimingModel } from '../../engine/timing/model.ts';
import { lowerProgram } from '../../engine/timing/program-lowering.ts';

function setUp(name: string, strategy: string) {
  const w = resolveWorkload({ kind: 'catalog', name });
  const helpers = helpersFor(w.helperSet);
  const rw = rewriteFor(w.program, strategy, 'all-calls', helpers);
  const loaded = loadProgram(rw.program, { helpers });
  return { w, helpers, rw, loaded };
}

/** Cycles, per-slot cycles and stats of `runs` invocations timed by `m`. */
function timed(s: ReturnType<typeof setUp>, m: TimingModel, runs: number, seed: number): string {
  const instance = instantiate(s.loaded, { seed, helpers: s.helpers });
  for (let i = 0; i < runs; i++) {
    m.startInvocation();
    instance.run({ ctx: s.w.ctx, observer: m });
    m.endInvocation();
  }
  return JSON.stringify({ cycles: m.totalCycles(), byPc: Array.from(m.cyclesByPc()), stats: m.stats() });
}

const alone = (s: ReturnType<typeof setUp>, cpuId: string, kind: 'ooo' | 'additive'): TimingModel => createTimingModel(kind, cpuModelById(cpuId)!, s.loaded, { exceptionBoundary: s.rw.exceptionBoundary, memo: false });

for (const [name, strategy, cpuId] of [['loop-callback', 'stack', 'zen5'], ['call-chain', 'percpu', 'neoverse-n1'], ['xdp-parse', 'unwind', 'icelake']] as const) {
  for (const kind of ['ooo', 'additive'] as const) {
    test(`${kind} models of ${name} under ${strategy} on ${cpuId} built together each time as a model built alone`, () => {
      const s = setUp(name, strategy);
      const cpu = cpuModelById(cpuId)!;
      const together = createTimingModels(kind, cpu, s.loaded, 3, { exceptionBoundary: s.rw.exceptionBoundary, memo: false });
      assert.equal(new Set(together).size, 3);
      // The first model runs longer and on other seeds first: the next ones must not see it.
      const first = timed(s, together[0], 5, 7);
      assert.equal(first, timed(s, alone(s, cpuId, kind), 5, 7));
      assert.equal(timed(s, together[1], 3, 11), timed(s, alone(s, cpuId, kind), 3, 11));
      assert.equal(timed(s, together[2], 2, 13), timed(s, alone(s, cpuId, kind), 2, 13));
    });
  }
}

test('the code size from a lowering the caller shares is the one jitCodeBytes lowers itself', () => {
  for (const [name, strategy, cpuId] of [['call-chain', 'call', 'zen5'], ['deep-assert', 'unwind', 'neoverse-v2']] as const) {
    const s = setUp(name, strategy);
    const cpu = cpuModelById(cpuId)!;
    const loaded: LoadedProgram = s.loaded;
    const shared = lowerProgram(loaded, cpu, { exceptionBoundary: s.rw.exceptionBoundary });
    assert.deepEqual(jitCodeBytes(loaded, cpu, s.rw, shared), jitCodeBytes(loaded, cpu, s.rw));
  }
});
