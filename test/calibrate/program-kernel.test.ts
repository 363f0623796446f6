import assert from 'node:assert/strict';
import { test } from 'node:test';
import { calibratePrograms, calibrationPrograms } from '../../engine/calibrate/program-calibration.ts';
import { DEFAULT_TIER } from '../../engine/exec/index.ts';
import { benchCatalog } from '../../benchmarks/workloads/catalog.ts';
import { needKernel } from '../kernel/kernel-fixture.ts';

test('every built-in workload that can load runs on the kernel with the executor\'s r0; the rest say why', async (t) => {
  const k = await needKernel(t);
  if (!k) return;
  const programs = calibrationPrograms(benchCatalog().map((w) => w.name), benchCatalog());
  const section = await calibratePrograms(programs)({
    handle: k,
    cpuModel: 'zen3',
    mitigations: 'default',
    tier: DEFAULT_TIER,
    rounds: { loads: 1, runsPerLoad: 1, repeat: 10, clockRuns: 1, clockRepeat: 10 },
  });
  assert.equal(section.kind, 'programs');
  for (const r of section.rows) {
    assert.doesNotMatch(r.skipped ?? '', /^error: r0 differs/, r.label);
    assert.ok(r.measured !== undefined || (r.skipped ?? '').length > 0, `${r.label}: neither measured nor skipped with a reason`);
  }
  // r0 is compared on every row that has a kernel figure; these programs load as they are.
  for (const label of ['xdp-parse none', 'trace-events none', 'deep-assert P=0 none', 'deep-assert P=1 none', 'call-chain none', 'xdp-parse +call', 'deep-assert P=1 +aux']) {
    const row = section.rows.find((r) => r.label === label);
    assert.ok(row?.measured, `${label}: ${row?.skipped}`);
  }
});
