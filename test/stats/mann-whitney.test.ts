import assert from 'node:assert/strict';
import { test } from 'node:test';
import { mannWhitneyU } from '../../engine/stats/mann-whitney.ts';

// Expected p values from scipy.stats.mannwhitneyu(x, y, method='exact' | 'asymptotic').
test('exact p of completely separated samples is 2 / C(10, 5)', () => {
  const r = mannWhitneyU([1, 2, 3, 4, 5], [6, 7, 8, 9, 10]);
  assert.equal(r.u, 0);
  assert.equal(r.method, 'exact');
  assert.ok(Math.abs(r.p - 2 / 252) < 1e-12);
});

test('exact p matches the published distribution for unequal sample sizes', () => {
  const r = mannWhitneyU([3.1, 4.7, 5.2, 9.9, 1.0, 2.2, 7.3], [6.6, 8.8, 10.1, 12.0, 4.9, 11.5, 13.2, 14.7, 0.5]);
  assert.equal(r.u, 13);
  assert.ok(Math.abs(r.p - 0.0548951048951049) < 1e-12, `p ${r.p}`);
});

test('20 + 20 samples shifted by 5.5 are significant with the exact p', () => {
  const xs = Array.from({ length: 20 }, (_, i) => i);
  const r = mannWhitneyU(xs, xs.map((x) => x + 5.5));
  assert.equal(r.u, 105);
  assert.ok(Math.abs(r.p - 0.009483607191205003) < 1e-12, `p ${r.p}`);
});

test('tied samples use the normal approximation with the tie correction', () => {
  const r = mannWhitneyU([1, 2, 2, 3, 4], [2, 3, 4, 5, 5]);
  assert.equal(r.method, 'normal');
  assert.equal(r.u, 5);
  assert.ok(Math.abs(r.p - 0.13509906945732134) < 1e-6, `p ${r.p}`);
});

test('identical samples are not different (p = 1), in either order', () => {
  assert.equal(mannWhitneyU([5, 5, 5], [5, 5, 5]).p, 1);
  const a = [1.5, 2.5, 9, 4];
  const b = [2, 3, 8, 4.5];
  assert.equal(mannWhitneyU(a, b).p, mannWhitneyU(b, a).p);
});

test('empty samples are refused', () => {
  assert.throws(() => mannWhitneyU([], [1]), /non-empty/);
});
