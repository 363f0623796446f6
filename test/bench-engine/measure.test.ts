import assert from 'node:assert/strict';
import { test } from 'node:test';
import { measureSubject } from '../../benchmarks/bench-engine/measure.ts';
import { loopInsnsExecuted, loopResult } from '../../benchmarks/bench-engine/loop-program.ts';
import { loopSubject, oooLoops, type Subject } from '../../benchmarks/bench-engine/subjects.ts';

test('every tier gets a row with the loop result and its instruction count', async () => {
  const rows = await measureSubject(loopSubject(50), 'off', ['interpreter', 'compiled'], 1, { sampleMs: 2 });
  assert.deepEqual(rows.map((r) => [r.program, r.tier, r.accounting, r.insnsPerRun, r.samples, r.r0]), [
    ['loop', 'interpreter', 'off', loopInsnsExecuted(50), 1, loopResult(50)],
    ['loop', 'compiled', 'off', loopInsnsExecuted(50), 1, loopResult(50)],
  ]);
  for (const r of rows) assert.ok(r.min <= r.median && r.median <= r.max && r.runsPerSample >= 1);
});

test('the ooo rows run the loop with fewer turns', () => {
  const s = loopSubject(10_000);
  assert.equal(s.loopsFor?.('off'), 10_000);
  assert.equal(s.loopsFor?.('additive'), 10_000);
  assert.equal(s.loopsFor?.('ooo'), oooLoops(10_000));
  assert.ok(oooLoops(10_000) < 10_000 && oooLoops(1) === 1);
});

test('tiers that disagree on a result stop the bench', async () => {
  const fake: Subject = {
    name: 'fake',
    kind: 'workload',
    runner: (tier) => () => ({ r0: tier === 'compiled' ? 2n : 1n, insns: 10 }),
  };
  await assert.rejects(measureSubject(fake, 'off', ['interpreter', 'compiled'], 1, { sampleMs: 2, inProcess: true }), /tiers disagree on fake \(off accounting\): interpreter executed \d+ instructions ending with r0 = 1, compiled \d+ ending with r0 = 2/);
});
