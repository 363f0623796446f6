// The correctness judge and the throw-rate knob, on hand-made outcomes.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { judgeCorrectness, applyThrowRate, thresholdForRate, type InvocationOutcome } from '../../engine/experiment/index.ts';
import type { Program } from '../../engine/program.ts';

const ok = (r0: bigint): InvocationOutcome => ({ r0 });
const threw = (cookie: bigint): InvocationOutcome => ({ r0: cookie, thrownCookie: cookie });

test('each disagreement with the oracle is counted under its own name', () => {
  const oracle = [threw(0xc1n), threw(0xc2n), threw(0xc3n), ok(2n), ok(2n), threw(0xc4n)];
  const normal = [ok(2n), ok(2n), ok(2n), ok(2n), ok(2n), ok(2n)];
  const strategy = [ok(0xc1n), ok(2n), ok(0x99n), ok(7n), ok(2n), threw(0x55n)];
  assert.deepEqual(judgeCorrectness(oracle, strategy, normal), { throws: 4, handled: 1, missed: 1, spuriousUnwinds: 1, wrongCookie: 2 });
});

test('an unwind by the strategy where none returned normally is spurious', () => {
  assert.deepEqual(judgeCorrectness([ok(2n)], [threw(2n)]), { throws: 0, handled: 0, missed: 0, spuriousUnwinds: 1, wrongCookie: 0 });
});

test('without the no-throw results a wrong normal return counts as missed', () => {
  assert.deepEqual(judgeCorrectness([threw(0xc1n)], [ok(5n)]), { throws: 1, handled: 0, missed: 1, spuriousUnwinds: 0, wrongCookie: 0 });
});

test('the throw rate is written as floor(P * 2^32) into a copy of the map', () => {
  assert.equal(thresholdForRate(0), 0n);
  assert.equal(thresholdForRate(1), 1n << 32n);
  assert.equal(thresholdForRate(0.25), 1n << 30n);
  assert.equal(thresholdForRate(0.05), 214748364n);
  const init = new Uint8Array(16).fill(0xaa);
  const p: Program = { name: 'p', source: 'p.o', insns: new Uint8Array(8), maps: [{ name: '.rodata', type: 'array', keySize: 4, valueSize: 16, maxEntries: 1, flags: 0, initialValue: init }], type: 'tc' };
  const q = applyThrowRate(p, { variable: 't', map: '.rodata', offset: 8, encoding: 'u64-le-fraction-2^32' }, 0.5);
  const v = q.maps[0].initialValue!;
  assert.equal(new DataView(v.buffer).getBigUint64(8, true), 1n << 31n);
  assert.deepEqual([...v.subarray(0, 8)], new Array(8).fill(0xaa), 'the rest of the map is kept');
  assert.ok(init.every((b) => b === 0xaa), 'the original program is not modified');
  assert.throws(() => applyThrowRate(p, { variable: 't', map: '.data', offset: 0, encoding: 'u64-le-fraction-2^32' }, 0.5), /'.data' is not in the program/);
  assert.throws(() => applyThrowRate(p, { variable: 't', map: '.rodata', offset: 12, encoding: 'u64-le-fraction-2^32' }, 0.5), /no u64 at offset 12/);
});

test('a throw through the program\'s own exception callback is handled when the strategy returns the callback\'s result', () => {
  // cookie 13, callback returns 2 * 13 + 1 = 27
  const oracle = [{ r0: 27n, thrownCookie: 13n }];
  assert.deepEqual(judgeCorrectness(oracle, [{ r0: 27n }]), { throws: 1, handled: 1, missed: 0, spuriousUnwinds: 0, wrongCookie: 0 });
  assert.deepEqual(judgeCorrectness(oracle, [{ r0: 27n, thrownCookie: 13n }]), { throws: 1, handled: 1, missed: 0, spuriousUnwinds: 0, wrongCookie: 0 });
  // Returning the raw cookie skips the callback: wrong.
  assert.equal(judgeCorrectness(oracle, [{ r0: 13n }]).handled, 0);
});
