import assert from 'node:assert/strict';
import { test } from 'node:test';
import { buildVariants } from '../../engine/calibrate/programs.ts';
import { timeInRounds, type RoundTimings } from '../../engine/calibrate/rounds.ts';
import { loadsForSites, repeatForSites, rowsForSize } from '../../engine/calibrate/size-calibration.ts';
import { TARGETS } from '../../engine/calibrate/section.ts';
import type { PredictedVariant } from '../../engine/calibrate/model.ts';
import { needKernel } from '../kernel/kernel-fixture.ts';

const STRATEGIES = ['none', 'call', 'stack', 'aux', 'percpu'] as const;

// Per-round ns of one run at 1024 sites (subprog then helper, none/call/stack/aux/percpu: buildVariants' order),
// three rounds at 2.45 GHz: rounded from what this Zen 3 host measured on 2026-12-06
// (subprog none 31 cycles a site, helper none 26, checks about 5 cycles a site, call
// about 40), with percpu's helper variant marked skipped (a skip must show as one).
const NS: number[][] = [
  [12890, 12900, 12880], [30240, 30300, 30200], [14990, 15000, 14980], [15040, 15060, 15030], [15100, 15120, 15090],
  [10760, 10790, 10750], [27000, 27100, 26950], [12770, 12790, 12760], [12820, 12830, 12800], [0, 0, 0],
];

function recorded(n: number): { t: RoundTimings; skipped: Map<number, string> } {
  return {
    t: {
      nsByRound: NS.map((r, i) => (i === 9 ? [] : r)),
      ghzByRound: [2.45, 2.45, 2.45],
      clocks: [],
      retvals: NS.map(() => 7),
      images: NS.map((_, i) => ({ jited: 1000 * n + i, xlated: new Uint8Array(0) })),
      skipped: [{ index: 9, reason: 'cannot pin to CPU 0' }],
    },
    skipped: new Map([[9, 'cannot pin to CPU 0']]),
  };
}

function predictions(n: number): PredictedVariant[] {
  return (['helper', 'subprog'] as const).flatMap((sites, j) =>
    STRATEGIES.map((strategy, i) => ({ strategy, sites, n, kind: 'ooo' as const, cpuModel: 'zen3', cyclesPerRun: 20000 + 1000 * j + 500 * i, cyclesPerSite: i === 0 ? 0 : (500 * i) / n, r0: '0x7' })),
  );
}

test('size rows turn recorded per-round times into per-site cycles against each strategy\'s target', () => {
  const n = 1024;
  const variants = buildVariants(64); // only names, kinds and analog flags are read
  const rows = rowsForSize(n, variants, predictions(n), recorded(n), undefined);
  assert.equal(rows.length, 10);
  const row = (label: string) => rows.find((r) => r.label === `${n} ${label}`)!;
  const none = row('helper sites: none, whole run');
  assert.ok(Math.abs(none.measured!.median - (10760 * 2.45) / n) < 1e-9);
  assert.equal(none.model, 20000 / n);
  assert.ok(Math.abs(row('subprog sites: none, whole run').measured!.median - (12890 * 2.45) / n) < 1e-9);
  assert.deepEqual(none.target, TARGETS.programNone);
  const aux = row('helper sites: aux');
  // per round first, then the median: rounds give 2060, 2040, 2050 ns
  assert.ok(Math.abs(aux.measured!.median - (2050 / n) * 2.45) < 1e-9);
  assert.deepEqual(aux.target, TARGETS.checkOverhead);
  assert.equal(aux.model, 1500 / n);
  assert.equal(aux.pass, Math.abs(aux.model! - aux.measured!.median) <= 0.5);
  assert.deepEqual(row('subprog sites: call').target, TARGETS.callOverhead);
  assert.ok(Math.abs(row('subprog sites: call').measured!.median - ((30240 - 12890) / n) * 2.45) < 1e-9);
  assert.match(aux.note ?? '', /JIT image 1024008 B/);
  const skipped = row('helper sites: percpu~');
  assert.equal(skipped.measured, undefined);
  assert.equal(skipped.skipped, 'cannot pin to CPU 0');
  assert.equal(skipped.pass, undefined);
});

test('size rows without a kernel carry the model and say why the kernel column is empty', () => {
  const rows = rowsForSize(64, buildVariants(64), predictions(64), undefined, 'kernel not available');
  assert.ok(rows.every((r) => r.skipped === 'kernel not available' && r.model !== undefined && r.pass === undefined));
});

test('a check that takes its unwind path on the kernel fails the size section', () => {
  const k = recorded(1024);
  k.t.retvals[3] = 0;
  assert.throws(() => rowsForSize(1024, buildVariants(64), predictions(1024), k, undefined), /unwind path/);
});

test('big programs get fewer rounds and smaller repeats, never below the floor', () => {
  assert.equal(repeatForSites(20000, 64), 1000);
  assert.equal(repeatForSites(20000, 2048), 31);
  assert.equal(repeatForSites(10, 2048), 5);
  assert.equal(loadsForSites(20, 64), 20);
  assert.equal(loadsForSites(20, 256), 10);
  assert.equal(loadsForSites(20, 2048), 3);
  assert.equal(loadsForSites(3, 2048), 3);
});

test('the 2048-site size programs load on the running kernel and return the baseline r0', async (t) => {
  const k = await needKernel(t);
  if (!k) return;
  const variants = buildVariants(2048);
  const r = await timeInRounds(
    k,
    variants.map((v) => ({ name: v.program.name, insns: v.program.insns, progType: 'socket' as const, maps: v.program.maps, needsCpu0: v.needsCpu0, mayBeRejected: !v.faithful })),
    { loads: 1, runsPerLoad: 1, repeat: 1, clockRuns: 1, clockRepeat: 10 },
  );
  assert.deepEqual(r.skipped, []);
  for (const [i, v] of variants.entries()) {
    const base = variants.findIndex((b) => b.strategy === 'none' && b.sites === v.sites);
    assert.equal(r.retvals[i], r.retvals[base], `${v.sites}/${v.strategy}`);
    assert.ok((r.images[i]?.jited ?? 0) > 0);
  }
});
