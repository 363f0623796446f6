import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { TierRow } from '../../benchmarks/bench-engine/measure.ts';
import { benchEngineJson, computeRatios, formatBenchEngine, type BenchEngineResult, type NativeRow } from '../../benchmarks/bench-engine/report.ts';
import { ACCOUNTINGS, builtInWorkloadNames } from '../../benchmarks/bench-engine/subjects.ts';
import { EXECUTION_TIERS } from '../../engine/exec/index.ts';
import type { Provenance } from '../../engine/results/document.ts';

const native: NativeRow = {
  program: 'loop',
  compiler: { command: 'clang', version: 'Debian clang version 99.0.0 (++20991231+0123456789ab-1~exp1~20991231.0)' },
  flags: ['-O2'],
  loops: 2 ** 31 - 1,
  median: 0.21,
  min: 0.2,
  max: 0.3,
  repetitions: 7,
  result: 2n ** 64n - 1n,
};

/** Every program, tier and accounting, with the widest figures the table can meet. */
function widest(): BenchEngineResult {
  const rows: TierRow[] = [];
  for (const program of ['loop', ...builtInWorkloadNames()]) {
    for (const accounting of ACCOUNTINGS) {
      for (const tier of EXECUTION_TIERS) {
        const slow = tier === 'interpreter' ? 2 : 1;
        rows.push({ program, tier, accounting, insnsPerRun: program === 'loop' ? 8 * (2 ** 31 - 1) + 6 : 123456.7, runsPerSample: 1, samples: 7, median: 123456 * slow, min: 0.01, max: 987654 * slow, r0: 2n ** 64n - 1n });
      }
    }
  }
  return { node: 'v20.99.99', cpuModel: 'neoverse-v2', samples: 1000, loops: 2 ** 31 - 1, oooLoops: 21474836, rows, native };
}

test('the tables fit 80 columns with every program, tier and accounting and the widest figures', () => {
  const text = formatBenchEngine(widest());
  const wide = text.split('\n').filter((l) => l.length > 80);
  assert.deepEqual(wide, []);
  assert.ok(/^[\x20-\x7e\n]*$/.test(text), 'ASCII only');
  for (const w of builtInWorkloadNames()) assert.ok(text.includes(w), w);
  assert.ok(text.includes('native C'));
});

test('ratios are medians of the same run, and only the loop has native ratios', () => {
  const ratios = computeRatios(widest());
  assert.equal(ratios.length, (1 + builtInWorkloadNames().length) * ACCOUNTINGS.length);
  const loopOff = ratios.find((r) => r.program === 'loop' && r.accounting === 'off');
  assert.equal(loopOff?.compiledOverInterpreter, 0.5);
  assert.equal(loopOff?.compiledOverNative, 123456 / 0.21);
  assert.equal(loopOff?.interpreterOverNative, (2 * 123456) / 0.21);
  assert.ok(ratios.filter((r) => r.program !== 'loop').every((r) => r.compiledOverNative === undefined && r.interpreterOverNative === undefined));
});

test('one tier alone gives no tier ratio, and no native row means a stated reason', () => {
  const res = widest();
  res.rows = res.rows.filter((r) => r.tier === 'compiled');
  res.native = undefined;
  res.nativeSkipped = 'no C compiler (tried cc, clang, gcc)';
  assert.deepEqual(computeRatios(res), []);
  const text = formatBenchEngine(res);
  assert.ok(text.includes('native C: skipped, no C compiler (tried cc, clang, gcc)'));
  assert.ok(!text.includes('ratios'));
});

test('the JSON document carries the rows, native row, ratios and provenance, with exact 64-bit results', () => {
  const prov: Provenance = { version: '0', gitCommit: 'abc', gitDirty: false, node: 'v20', host: 'h', createdAt: 'now', command: 'npm run bench:engine' };
  const doc = JSON.parse(benchEngineJson(widest(), prov)) as Record<string, unknown> & { rows: { r0: string }[]; native: { result: string }; ratios: unknown[] };
  assert.equal(doc.schema, 'bpfexc/bench-engine@1');
  assert.deepEqual(doc.provenance, prov);
  assert.equal(doc.rows.length, widest().rows.length);
  assert.equal(doc.rows[0].r0, '18446744073709551615');
  assert.equal(doc.native.result, '18446744073709551615');
  assert.equal(doc.ratios.length, computeRatios(widest()).length);
});
