import assert from 'node:assert/strict';
import { test } from 'node:test';
import { buildVariants } from '../../engine/calibrate/programs.ts';
import { measureVariants } from '../../engine/calibrate/measure.ts';
import { needKernel } from '../kernel/kernel-fixture.ts';

test('every calibration variant loads into the running kernel and returns the baseline r0', async (t) => {
  const k = await needKernel(t);
  if (!k) return;
  const m = await measureVariants(k, buildVariants(16), { loads: 1, runsPerLoad: 1, repeat: 10, clockRuns: 1, clockRepeat: 10 });
  assert.deepEqual(m.skipped, []);
  assert.equal(m.variants.length, 10);
  for (const v of m.variants) {
    const base = m.variants.find((b) => b.strategy === 'none' && b.sites === v.sites)!;
    assert.equal(v.retval, base.retval, `${v.sites}/${v.strategy}`);
    assert.ok(v.jitedBytes > 0);
  }
});

// An ordering check with a wide margin, not a timing threshold: the `call` check adds a
// call/ret pair and a helper body per site, the `stack` check two loads and a branch.
test('the call check costs more per call site than the stack check on this machine', async (t) => {
  const k = await needKernel(t);
  if (!k) return;
  const m = await measureVariants(k, buildVariants(64, undefined, ['none', 'call', 'stack']), { loads: 3, runsPerLoad: 5, repeat: 4000 });
  for (const sites of ['subprog', 'helper'] as const) {
    const cyc = (s: string) => m.variants.find((v) => v.strategy === s && v.sites === sites)!.cyclesPerSite.median;
    assert.ok(cyc('call') > cyc('stack') + 1, `${sites}: call ${cyc('call')} vs stack ${cyc('stack')} cycles/site`);
  }
  assert.ok(m.clock.ghz.median > 0.5 && m.clock.ghz.median < 6);
});
