import assert from 'node:assert/strict';
import { test } from 'node:test';
import { kindRunners } from '../../engine/calibrate/kinds.ts';
import { allowedError, judged, rankOrderViolations, TARGETS, type CalibrationRow, type Target } from '../../engine/calibrate/section.ts';
import { formatSection, tally } from '../../engine/calibrate/section-text.ts';
import { spread } from '../../engine/calibrate/spread.ts';

const row = (label: string, kernel: number[] | undefined, model: number | undefined, target: Target = TARGETS.checkOverhead): CalibrationRow =>
  judged({ kind: 'helpers', label, unit: 'cycles/site', ...(kernel ? { measured: spread(kernel) } : { skipped: 'no kernel: test' }), ...(model === undefined ? {} : { model }), target });

test('a target with both an absolute and a relative part allows the looser of the two', () => {
  assert.equal(allowedError(TARGETS.programOverhead, 5), 2);
  assert.equal(allowedError(TARGETS.programOverhead, 50), 10);
  assert.equal(allowedError(TARGETS.helperBaseline, -40), 8);
});

test('rows are judged against the kernel median, and not judged without both figures', () => {
  assert.equal(row('a', [1, 1.2, 1.4], 1.6).pass, true);
  assert.equal(row('b', [1, 1.2, 1.4], 1.8).pass, false);
  assert.equal(row('c', undefined, 1).pass, undefined);
  assert.equal(row('d', [1], undefined).pass, undefined);
});

test('a section prints each row with its error, allowance and verdict, within 80 columns', () => {
  const rows = [row('bpf_ktime_get_ns straight', [30, 31, 33], 31.5, TARGETS.helperBaseline), row('bpf_ktime_get_ns loop', [40, 41, 45], 20, TARGETS.helperBaseline), row('bpf_jiffies64', undefined, 3)];
  const text = formatSection({ kind: 'helpers', title: 'Helpers', rows, notes: ['a note that is long enough to wrap '.repeat(4)] });
  for (const l of text.split('\n')) assert.ok(l.length <= 80, l);
  assert.match(text, /bpf_ktime_get_ns straight +31\.0 \[30\.0\.\.33\.0\] +31\.5 +0\.50 +6\.20 +ok/);
  assert.match(text, /bpf_ktime_get_ns loop .* FAIL/);
  assert.match(text, /1 within target, 1 outside, 1 not judged/);
  assert.match(text, /skipped +bpf_jiffies64: no kernel: test/);
  assert.deepEqual(tally(rows), { ok: 1, fail: 1, unjudged: 1 });
});

test('--kinds names known kinds only', () => {
  assert.throws(() => kindRunners('sites,bogus'), /unknown kind 'bogus'/);
  assert.deepEqual(kindRunners('sites'), []);
});

test('rank order is checked only where the kernel tells two alternatives apart', () => {
  const r = (item: string, kernel: number[], model: number): CalibrationRow => ({ ...row(item, kernel, model), rank: { group: 'helper sites', item } });
  const rows = [r('call', [5, 6, 7], 4), r('stack', [1, 1.5, 2], 4.5), r('aux', [1.2, 1.4, 2.5], 0.2), r('percpu', [0.1, 0.2, 0.3], 0.1)];
  const v = rankOrderViolations(rows);
  // call>stack, call>aux, call>percpu, stack>percpu, aux>percpu are told apart; stack~aux overlap.
  assert.equal(v.checked, 5);
  assert.deepEqual(v.wrong, ['helper sites: kernel stack < call, model 4.50 vs 4.00']);
  assert.match(formatSection({ kind: 'helpers', title: 'T', rows, notes: [] }), /rank order: 5 pairs the kernel tells apart, 1 reversed and 0 tied/);
});
