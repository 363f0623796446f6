import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { checkCalibration, readCalibration } from '../../charts/calibration-file.ts';
import { calibrationRows } from '../../charts/calibration.ts';
import type { ChartInput } from '../../charts/chart.ts';
import { CHARTS } from '../../charts/charts.ts';
import { findCrossover } from '../../charts/crossover.ts';
import { correctnessRows } from '../../charts/correctness-vs-cpus.ts';
import { throwRateRows } from '../../charts/cost-vs-throw-rate.ts';
import { densityRows } from '../../charts/overhead-vs-density.ts';
import { siteCount, siteOverheadRows, siteOverheads } from '../../charts/overhead-per-site.ts';
import { parseResultDocument } from '../../engine/results/document.ts';
import { renderSvg } from '../../charts/vega-render.ts';

const fixture = (name: string) => new URL(`fixtures/${name}`, import.meta.url).pathname;
const doc = (name: string) => parseResultDocument(readFileSync(fixture(name), 'utf8'), name);
const full: ChartInput = { doc: doc('full-result.json'), calibration: readCalibration(fixture('calibration.json')) };
const minimal: ChartInput = { doc: doc('minimal-result.json'), calibration: readCalibration(fixture('no-such-calibration.json')) };

test('crossover is interpolated where unwind meets the cheapest check', () => {
  const unwind = [{ throwRate: 0, cost: 100 }, { throwRate: 0.1, cost: 140 }];
  const checks = new Map([['stack', [{ throwRate: 0, cost: 110 }, { throwRate: 0.1, cost: 120 }]], ['call', [{ throwRate: 0, cost: 130 }, { throwRate: 0.1, cost: 135 }]]]);
  const x = findCrossover(unwind, checks)!;
  assert.equal(x.against, 'stack');
  assert.ok(Math.abs(x.throwRate - 1 / 30) < 1e-12, String(x.throwRate));
  assert.ok(x.unwindCheaperBelow);
});

test('no crossover when unwind is cheaper at every measured rate', () => {
  const unwind = [{ throwRate: 0, cost: 100 }, { throwRate: 0.1, cost: 105 }];
  assert.equal(findCrossover(unwind, new Map([['stack', [{ throwRate: 0, cost: 110 }, { throwRate: 0.1, cost: 120 }]]])), undefined);
});

test('overhead per call site is total overhead cycles over total call executions', () => {
  const { rows, cpus } = siteOverheadRows(full);
  assert.equal(cpus, 1);
  const call = rows.find((r) => r.workload === 'xdp-parse' && r.cpuModel === 'zen5' && r.strategy === 'call')!;
  assert.equal(call.label, '4.7');
  // 14 cycles per invocation over 3 call executions per invocation
  assert.ok(Math.abs(call.overheadPerCallSite - 14 / 3) < 1e-9);
  assert.ok(!rows.some((r) => r.strategy === 'none'), 'the baseline is not drawn');
  assert.ok(!rows.some((r) => r.workload === 'call-density'), 'density-sweep runs are left to their own chart');
});

test('a callSites row standing for several sites counts as that many, weighted by its summed executions', () => {
  const d = doc('full-result.json');
  const run = d.runs.find((r) => r.workload === 'xdp-parse' && r.cpuModel === 'zen5' && r.strategy === 'call' && r.cpus === 1)!;
  const before = siteOverheads(d.runs).overheads.find((o) => o.workload === 'xdp-parse' && o.cpuModel === 'zen5' && o.strategy === 'call')!;
  // Three identical sites aggregated into one row (result@2): sums, and `sites`.
  const [first, ...rest] = run.callSites;
  run.callSites = [{ ...first, sites: 3, pcs: [first.pc, first.pc + 10, first.pc + 20], executions: first.executions * 3, overheadCycles: first.overheadCycles * 3 } as typeof first, ...rest];
  const after = siteOverheads(d.runs).overheads.find((o) => o.workload === 'xdp-parse' && o.cpuModel === 'zen5' && o.strategy === 'call')!;
  assert.equal(after.sites, before.sites + 2);
  assert.equal(siteCount(run.callSites[0]), 3);
  assert.equal(siteCount(rest[0]), 1);
  const expected = run.callSites.reduce((n, s) => n + s.overheadCycles, 0) / run.callSites.reduce((n, s) => n + s.executions, 0);
  assert.ok(Math.abs(after.overheadPerCallSite - expected) < 1e-12);
});

test('density rows come from params.callsPer100Insns', () => {
  const { rows } = densityRows(full);
  assert.deepEqual([...new Set(rows.map((r) => r.callsPer100Insns))].sort((a, b) => a - b), [5, 10, 20, 40]);
  assert.equal(rows.find((r) => r.strategy === 'call' && r.callsPer100Insns === 20)!.overheadPerInvocation, 70);
});

test('throw-rate rows mark one crossover for the swept workload', () => {
  const rows = throwRateRows(full);
  const cross = rows.filter((r) => r.kind === 'crossover');
  assert.equal(cross.length, 1);
  assert.equal(cross[0].workload, 'xdp-parse');
  assert.equal(cross[0].strategy, 'stack');
  assert.ok(cross[0].throwRate > 0.01 && cross[0].throwRate < 0.1);
});

test('correctness errors add missed, spurious unwinds and wrong cookies', () => {
  const at8 = correctnessRows(full).find((r) => r.strategy === 'percpu' && r.cpus === 8)!;
  assert.equal(at8.errors, 24 + 8 + 1);
  assert.ok(!correctnessRows(full).some((r) => r.strategy === 'none'));
});

test('every chart builds from a document that has its data', () => {
  // The aux-reset chart has its own fixture (test/charts/aux-reset-cost.test.ts).
  for (const c of CHARTS.filter((x) => x.name !== 'aux-reset-cost')) assert.ok('spec' in c.build(full), `${c.name} was skipped`);
});

test('charts without data are skipped with a one-line reason, not drawn empty', () => {
  const outcomes = Object.fromEntries(CHARTS.map((c) => [c.name, c.build(minimal)]));
  assert.ok('spec' in outcomes['overhead-per-call-site']);
  for (const name of ['overhead-vs-density', 'cost-vs-throw-rate', 'correctness-vs-cpus', 'aux-reset-cost', 'model-vs-kernel']) {
    const o = outcomes[name];
    assert.ok('skipped' in o, `${name} should be skipped`);
    assert.match(o.skipped, /^[^\n]+$/);
  }
  assert.match((outcomes['model-vs-kernel'] as { skipped: string }).skipped, /no calibration file/);
});

test('a calibration file with the wrong schema is a skip reason naming the file', () => {
  const cal = readCalibration(fixture('full-result.json'));
  assert.ok('missing' in cal);
  assert.match(cal.missing, /full-result\.json: schema is "bpfexc\/result@1", expected "bpfexc\/calibration@1" or "bpfexc\/calibration@2"/);
});

test('calibration is read from kernel.measured and model.predicted, analogs starred', () => {
  const checked = checkCalibration({
    schema: 'bpfexc/calibration@1',
    programs: [{ strategy: 'percpu', sites: 'helper', faithful: false }],
    kernel: { measured: [{ strategy: 'percpu', sites: 'helper', cyclesPerSite: { median: 1, min: 0.5, max: 2 } }] },
    model: { predicted: [{ strategy: 'percpu', sites: 'helper', kind: 'ooo', cpuModel: 'zen5', cyclesPerSite: 1.5 }] },
  });
  assert.ok(typeof checked !== 'string', String(checked));
  const rows = calibrationRows({ ...full, calibration: { file: 'c.json', data: checked } });
  assert.deepEqual(rows.map((r) => [r.strategy, r.source, r.cycles]), [['percpu*', 'kernel (median, min-max)', 1], ['percpu*', 'model: ooo (zen5)', 1.5]]);
  assert.match(checkCalibration({ schema: 'bpfexc/calibration@1', kernel: { measured: [{ strategy: 'call' }] } }) as string, /measured\[0\] needs/);
});

test('calibration kinds beyond call sites get one panel each, with their own unit', async () => {
  const checked = checkCalibration({
    schema: 'bpfexc/calibration@2',
    kernel: { measured: [{ strategy: 'call', sites: 'subprog', cyclesPerSite: { median: 4, min: 3, max: 5 } }] },
    model: { predicted: [{ strategy: 'call', sites: 'subprog', kind: 'ooo', cpuModel: 'zen5', cyclesPerSite: 4.2 }] },
    sections: [
      { kind: 'sites', rows: [{ kind: 'sites', label: 'call at subprog sites', unit: 'cycles/site', measured: { median: 4, min: 3, max: 5 }, model: 4.2 }] },
      { kind: 'throws', rows: [{ kind: 'throws', label: 'per frame', unit: 'cycles/frame', measured: { median: 900, min: 850, max: 990 }, model: 700, pass: false }] },
      { kind: 'helpers', rows: [{ kind: 'helpers', label: 'bpf_ktime_get_ns', unit: 'cycles/site', model: 30 }] },
    ],
  });
  assert.ok(typeof checked !== 'string', String(checked));
  assert.deepEqual(checked.kindRows.map((r) => r.kind), ['throws', 'helpers']);
  const out = CHARTS.find((c) => c.name === 'model-vs-kernel')!.build({ ...full, calibration: { file: 'c.json', data: checked } });
  assert.ok('spec' in out);
  const spec = out.spec as unknown as { vconcat: { title?: { text: string } }[] };
  assert.deepEqual(spec.vconcat.slice(1).map((p) => p.title?.text), ['throws: cycles/frame; 0 of 1 within target', 'helpers: cycles/site']);
  assert.match(await renderSvg(out.spec), /per frame/);
  assert.match(checkCalibration({ schema: 'bpfexc/calibration@2', sections: [{ rows: [{ kind: 'x', label: 'y', unit: 'z', model: 'no' }] }] }) as string, /sections\[0\]\.rows\[0\] needs/);
});
