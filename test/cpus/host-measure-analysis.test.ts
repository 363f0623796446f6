import { test } from 'node:test';
import assert from 'node:assert/strict';
import { deriveFigures, FIGURE_SPECS, modelFigure, NEST_DEPTHS } from '../../benchmarks/host-measure/figures.ts';
import { fitReturnStackKnee } from '../../benchmarks/host-measure/return-stack-knee.ts';
import { parseKernelLines, spread, type KernelSamples } from '../../benchmarks/host-measure/run.ts';
import { zen5 } from '../../engine/cpus/zen5.ts';

const kernel = (name: string, cycles: number[]): KernelSamples => ({ name, cycles, ns: cycles.map((c) => c / 4), ghz: cycles.map(() => 4) });

test('spread reports the median of an even count as the mean of the middle two', () => {
  assert.deepEqual(spread([5, 1, 3, 9]), { median: 4, min: 1, max: 9, n: 4 });
  assert.throws(() => spread([]));
});

test('the return-stack knee is found where the cost per level jumps', () => {
  const points = NEST_DEPTHS.map((d) => ({ depth: d, cycles: 10 + 4 * d + 22 * Math.max(0, d - 33) }));
  const fit = fitReturnStackKnee(points);
  assert.ok(fit);
  assert.equal(fit.depth, 33);
  assert.ok(Math.abs(fit.perLevel - 4) < 1e-6 && Math.abs(fit.extraPerLevel - 22) < 1e-6);
});

test('the mispredict penalty is twice the per-branch difference, sample by sample', () => {
  const kernels = new Map([
    ['branch-random.iter', kernel('branch-random.iter', [11, 12, 30])],
    ['branch-alternating.iter', kernel('branch-alternating.iter', [1, 1, 1])],
  ]);
  const [f] = deriveFigures(kernels, FIGURE_SPECS.filter((s) => s.label === 'mispredict penalty'));
  assert.deepEqual(f.samples, [20, 22, 58]);
  assert.equal(f.spread.median, 22);
});

test('a division latency has the chain\'s `or` taken off', () => {
  const kernels = new Map([['div64-big.lat', kernel('div64-big.lat', [17, 18, 17])]]);
  const [f] = deriveFigures(kernels, FIGURE_SPECS.filter((s) => s.label === 'div64 lat'));
  assert.equal(f.spread.median, 16);
});

test('figures whose kernels did not run are left out', () => {
  assert.deepEqual(deriveFigures(new Map(), FIGURE_SPECS), []);
});

test('every figure path names a figure of the zen5 model', () => {
  for (const s of FIGURE_SPECS) if (s.path) assert.ok(modelFigure(zen5, s.path), s.path);
  assert.equal(modelFigure(zen5, 'ops.nosuch.latency'), undefined);
});

test('kernel output lines parse into per-sample arrays', () => {
  const m = parseKernelLines('{"name":"x","ops":1,"iterations":2,"cycles":[1,2],"ns":[0.5,1],"ghz":[2,2]}\n\n');
  assert.deepEqual(m.get('x')?.cycles, [1, 2]);
});

test('zen5 figures marked as measured say where, how and with what spread', () => {
  const walk = (o: unknown, path: string): void => {
    if (o === null || typeof o !== 'object') return;
    const r = o as Record<string, unknown>;
    if (r.basis === 'measurement') {
      assert.match(String(r.source), /npx tsx benchmarks\/host-measure\/measure\.ts/, path);
      assert.match(String(r.source), /median -?[\d.]+ \[-?[\d.]+\.\.-?[\d.]+\] over \d+ runs/, path);
      return;
    }
    for (const [k, v] of Object.entries(r)) walk(v, `${path}.${k}`);
  };
  walk(zen5, 'zen5');
});
