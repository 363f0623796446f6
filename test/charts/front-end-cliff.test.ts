import assert from 'node:assert/strict';
import { test } from 'node:test';
import { capacityOf, CLIFF_EXCESS, frontEndCliffs, type SweepPoint } from '../../charts/front-end-cliff.ts';

const point = (x: number, strategy: string, decoded: number, l1i = 0): SweepPoint => ({ x, strategy, frontEnd: { decodedWindowsPerInvocation: decoded, l1iMissesPerInvocation: l1i } });

test('the front-end cliff is the first point where a strategy decodes many more windows than none', () => {
  const pts = [point(8, 'none', 0.3), point(8, 'stack', 0.8), point(16, 'none', 0.3), point(16, 'stack', 1.1), point(32, 'none', 0.4), point(32, 'stack', 67), point(32, 'aux', 45), point(64, 'none', 0.8), point(64, 'stack', 500, 700)];
  const cliffs = frontEndCliffs(pts);
  assert.deepEqual(cliffs.map((c) => [c.structure, c.at]), [['op cache', 32], ['L1i', 64]]);
  assert.deepEqual(cliffs[0].strategies.map((s) => s.strategy), ['stack', 'aux']);
  assert.ok(Math.abs(cliffs[0].strategies[0].excess - 66.6) < 1e-9);
});

test('no cliff while every strategy stays within a few refills of none', () => {
  assert.deepEqual(frontEndCliffs([point(1, 'none', 2), point(1, 'call', 2 + CLIFF_EXCESS - 1), point(2, 'none', 3), point(2, 'call', 4)]), []);
  // Without the baseline at a point there is nothing to compare with.
  assert.deepEqual(frontEndCliffs([point(1, 'call', 500)]), []);
});

test('capacities are the CPU model\'s own figures', () => {
  assert.equal(capacityOf('zen3', 'op cache'), '4K ops');
  assert.equal(capacityOf('zen3', 'L1i'), '32 KiB');
  assert.equal(capacityOf('no-such-cpu', 'L1i'), undefined);
});
