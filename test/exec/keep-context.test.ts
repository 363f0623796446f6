// RunOptions.keepContext / ContextStart.keepContext false: the run is the same, only its
// context bytes are not copied out.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { resolveWorkload } from '../../benchmarks/bench/workloads.ts';
import { instantiate, loadProgram } from '../../engine/exec/index.ts';
import { helpersFor } from '../../engine/experiment/measure.ts';

for (const name of ['deep-assert', 'xdp-parse', 'trace-events']) {
  test(`${name} run without keeping its context returns what a run keeping it returns, without the bytes`, () => {
    const w = resolveWorkload({ kind: 'catalog', name });
    const helpers = helpersFor(w.helperSet);
    const loaded = loadProgram(w.program, { helpers });
    const kept = instantiate(loaded, { seed: 3, helpers });
    const dropped = instantiate(loaded, { seed: 3, helpers });
    const ctxKept = instantiate(loaded, { seed: 3, helpers });
    const ctxDropped = instantiate(loaded, { seed: 3, helpers });
    for (let seed = 1; seed <= 20; seed++) {
      const a = kept.run({ ctx: w.ctx, prngSeed: seed });
      const b = dropped.run({ ctx: w.ctx, prngSeed: seed, keepContext: false });
      assert.ok(a.ctx.length > 0 || (w.ctx?.length ?? 0) === 0);
      assert.equal(b.ctx.length, 0);
      assert.equal(b.ctxOut, undefined);
      assert.equal(b.r0, a.r0);
      assert.deepEqual(b.thrown, a.thrown);
      assert.ok(b.world.equals(a.world));
      assert.equal(b.insnsExecuted, a.insnsExecuted);
      // Execution contexts (the machine's), on instances of their own: the flag holds
      // for the invocation started with it, and the next start() keeps its bytes again.
      const ecKept = ctxKept.createContext();
      const ecDropped = ctxDropped.createContext();
      ecKept.start({ ctx: w.ctx, prngSeed: seed });
      ecDropped.start({ ctx: w.ctx, prngSeed: seed, keepContext: false });
      const c = ecKept.runToEnd();
      const d = ecDropped.runToEnd();
      assert.equal(d.ctx.length, 0);
      assert.equal(d.ctxOut, undefined);
      assert.equal(d.r0, c.r0);
      assert.ok(d.world.equals(c.world));
      ecKept.start({ ctx: w.ctx, prngSeed: seed });
      ecDropped.start({ ctx: w.ctx, prngSeed: seed });
      const e = ecKept.runToEnd();
      const f = ecDropped.runToEnd();
      assert.deepEqual(f.ctx, e.ctx);
      assert.deepEqual(f.ctxOut, e.ctxOut);
    }
  });
}
