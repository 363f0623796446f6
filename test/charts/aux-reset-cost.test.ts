import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { auxResetCostChart, auxResetRows } from '../../charts/aux-reset-cost.ts';
import { isSideRun } from '../../engine/report/run-metrics.ts';
import type { ChartInput } from '../../charts/chart.ts';
import { readCalibration } from '../../charts/calibration-file.ts';
import { renderCharts } from '../../charts/render-charts.ts';
import { parseResultDocument } from '../../engine/results/document.ts';
import { svgTexts } from './svg-inspect.ts';

const fixture = (name: string) => new URL(`fixtures/${name}`, import.meta.url).pathname;
const input = (name: string): ChartInput => ({ doc: parseResultDocument(readFileSync(fixture(name), 'utf8'), name), calibration: readCalibration(fixture('no-such-calibration.json')) });

test('aux-reset rows: CPU counts at the shared rate, rates at the shared CPU count, overhead and flag transfers per policy', () => {
  const rows = auxResetRows(input('aux-reset-result.json'));
  const cpus = rows.filter((r) => r.panel === 'cpus' && r.measure === 'overhead' && r.resetPolicy === 'always');
  assert.deepEqual(cpus.map((r) => r.cpus), [1, 2, 4, 8]);
  assert.ok(cpus.every((r) => r.invocationRate === 2e6));
  const rates = rows.filter((r) => r.panel === 'rate' && r.measure === 'flag-line transfers' && r.resetPolicy === 'if-set');
  assert.deepEqual(rates.map((r) => r.invocationRate), [5e5, 2e6, 8e6, 3.2e7]);
  assert.ok(rates.every((r) => r.cpus === 4 && r.cyclesPerInvocation === 0));
  // 8 CPUs, always: 4 cycles plus the flag transfers (7 * 6 * log10(20)) over none
  const at8 = rows.find((r) => r.panel === 'cpus' && r.cpus === 8 && r.resetPolicy === 'always' && r.measure === 'overhead')!;
  assert.ok(Math.abs(at8.cyclesPerInvocation - (4 + 42 * Math.log10(20))) < 1e-9);
  assert.ok(!rows.some((r) => (r as { strategy?: string }).strategy === 'none'));
});

test('the aux-reset chart is skipped with a one-line reason when no run carries a reset policy', () => {
  const o = auxResetCostChart.build(input('full-result.json'));
  assert.ok('skipped' in o);
  assert.match(o.skipped, /^[^\n]+$/);
  assert.ok(!input('full-result.json').doc.runs.some(isSideRun));
});

test('the aux-reset chart renders from a fixture with both panels and both policies', async () => {
  const out = mkdtempSync(join(tmpdir(), 'bpfexc-aux-reset-'));
  try {
    await renderCharts(fixture('aux-reset-result.json'), { outDir: out, calibrationFile: fixture('no-such-calibration.json') });
    const svg = readFileSync(join(out, 'aux-reset-cost.svg'), 'utf8');
    const texts = svgTexts(svg).join('\n');
    for (const t of ["Resetting aux's flag on every entry costs", 'vs CPU count at 2M invocations/s per CPU, reset always', 'vs invocation rate on 4 CPUs, reset if-set', 'flag-line transfers', 'other-line transfers', 'core cycles', '500k', '32M']) assert.ok(texts.includes(t), `missing '${t}'`);
    // Every rate is a labelled tick (the log axis dropped 1.0e+6's label).
    for (const t of ['2M', '8M']) assert.ok(svgTexts(svg).includes(t), `tick ${t} unlabelled`);
    assert.equal(readFileSync(join(out, 'aux-reset-cost.png')).subarray(1, 4).toString('latin1'), 'PNG');
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
});

test('the aux-reset parts add up to the overhead, with the other lines below zero where they moved less than under none', () => {
  // The reference run's 4-CPU point: 18.5 cycles of flag-line transfers in an overhead of
  // 16.9, because the other lines moved less than under none (a different interleaving).
  const doc = input('aux-reset-result.json').doc;
  const run = doc.runs.find((r) => r.strategy === 'aux' && r.cpus === 4 && (r.params as { invocationRate: number }).invocationRate === 2e6 && (r.params as { resetPolicy: string }).resetPolicy === 'always')!;
  run.cycles.overheadPerInvocation = 16.9;
  (run.machine as { overheadParts: unknown }).overheadParts = { core: 0.5, exceptionStateCoherence: 18.5, otherCoherence: -2.1 };
  const rows = auxResetRows({ doc });
  const at4 = rows.filter((r) => r.panel === 'cpus' && r.cpus === 4 && r.resetPolicy === 'always');
  const get = (m: string) => at4.find((r) => r.measure === m)!.cyclesPerInvocation;
  assert.equal(get('overhead'), 16.9);
  assert.equal(get('flag-line transfers'), 18.5);
  assert.equal(get('other-line transfers'), -2.1);
  assert.equal(get('core cycles'), 0.5);
  for (const r of rows.filter((x) => x.measure === 'overhead')) {
    const parts = rows.filter((x) => x.panel === r.panel && x.cpus === r.cpus && x.invocationRate === r.invocationRate && x.resetPolicy === r.resetPolicy && x.measure !== 'overhead');
    assert.equal(parts.length, 3);
    assert.ok(Math.abs(parts.reduce((n, p) => n + p.cyclesPerInvocation, 0) - r.cyclesPerInvocation) < 1e-9);
  }
});

test('the aux-reset title states the always policy at the most CPUs against if-set', () => {
  const o = auxResetCostChart.build(input('aux-reset-result.json'));
  assert.ok('spec' in o);
  const title = (o.spec as { title: { text: string } }).title.text;
  assert.match(title, /^Resetting aux's flag on every entry costs [\d.]+ cycles\/invocation at 8 CPUs \([\d.]+ in flag-line transfers\); only when set: [-\d.]+$/);
});
