// Branch prediction and the return-stack predictor in the out-of-order model.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { doc } from '../../engine/cpus/cpu-model.ts';
import { zen3 } from '../../engine/cpus/zen3.ts';
import { zen5 } from '../../engine/cpus/zen5.ts';
import { loadProgram } from '../../engine/exec/index.ts';
import { lowerProgram } from '../../engine/timing/program-lowering.ts';
import { asm, timeProgram } from './fixtures.ts';

// A loop whose branch follows bit 0 of a xorshift generator (`mask` 1: random,
// unpredictable) or of zero (`mask` 0: never taken). Same instructions either way.
const coinLoop = (mask: number) => `
  mov %r6, 0
  mov %r7, 0x2545f491
  loop:
  mov %r2, %r7
  lsh %r2, 13
  xor %r7, %r2
  mov %r2, %r7
  rsh %r2, 7
  xor %r7, %r2
  mov %r2, %r7
  lsh %r2, 17
  xor %r7, %r2
  mov %r3, %r7
  rsh %r3, 20
  and %r3, ${mask}
  jeq %r3, 0, skip
  add %r6, 1
  skip:
  add %r6, 0
  add %r8, 1
  jlt %r8, 400, loop
  mov %r0, %r6
  exit
`;

test('an unpredictable branch costs the mispredict penalty per miss', () => {
  const random = timeProgram(asm(coinLoop(1)), 'ooo', zen5, { n: 3 });
  const fixed = timeProgram(asm(coinLoop(0)), 'ooo', zen5, { n: 3 });
  const misses = random.model.stats().branchMispredicts - fixed.model.stats().branchMispredicts;
  assert.ok(misses > 300, `mispredicts of a random branch over 3×400 iterations: ${misses}`);
  const extra = (random.cyclesPerInvocation - fixed.cyclesPerInvocation) * 3;
  const perMiss = extra / misses;
  const penalty = zen5.branchMispredictPenalty.value;
  assert.ok(perMiss > 0.8 * penalty && perMiss < 1.3 * penalty, `cycles per mispredict ${perMiss}, penalty ${penalty}`);
});

test('a branch that always goes the same way is learned', () => {
  const fixed = timeProgram(asm(coinLoop(0)), 'ooo', zen5, { n: 4 });
  // Cold predictor entries and each run's loop exit miss; 3200 conditional branches do not.
  assert.ok(fixed.model.stats().branchMispredicts < 64, `mispredicts: ${fixed.model.stats().branchMispredicts}`);
});

// main → f1 → … → f6: seven returns per run (six subprograms plus main's return to the kernel).
const NESTED = `
  call local f1
  exit
  f1:
  call local f2
  exit
  f2:
  call local f3
  exit
  f3:
  call local f4
  exit
  f4:
  call local f5
  exit
  f5:
  call local f6
  exit
  f6:
  mov %r0, 1
  exit
`;

test('returns within the return-stack depth are predicted', () => {
  const r = timeProgram(asm(NESTED), 'ooo', zen5, { n: 5 });
  assert.equal(r.model.stats().returnMispredicts, 0);
});

test('nesting deeper than the return stack mispredicts the outer returns', () => {
  const shallow = { ...zen5, id: 'zen5-ras4', returnStackDepth: doc(4, 'test: a 4-entry return stack') };
  const deep = timeProgram(asm(NESTED), 'ooo', shallow, { n: 5 });
  const ok = timeProgram(asm(NESTED), 'ooo', zen5, { n: 5 });
  // 7 call/ret pairs, 4 entries: the 3 outermost returns find their entries overwritten.
  assert.equal(deep.model.stats().returnMispredicts, 3 * 5);
  const extra = deep.cyclesPerInvocation - ok.cyclesPerInvocation;
  assert.ok(extra >= 3 * zen5.branchMispredictPenalty.value * 0.8, `extra cycles ${extra}`);
});

test('zen5 returns with a plain ret; zen3 goes through the SRSO return thunk', () => {
  const loaded = loadProgram(asm('call local f\nexit\nf:\nmov %r0, 1\nexit'));
  const classes = (cpu: typeof zen5) => lowerProgram(loaded, cpu).functions[1].epilogue.map((o) => o.cls);
  assert.ok(!classes(zen5).includes('return-thunk'));
  assert.equal(classes(zen5).at(-1), 'ret');
  assert.ok(classes(zen3).includes('return-thunk'));
});

test('the SRSO thunk makes zen3 returns mispredict where zen5 predicts them', () => {
  const r3 = timeProgram(asm(NESTED), 'ooo', zen3, { n: 3 });
  const r5 = timeProgram(asm(NESTED), 'ooo', zen5, { n: 3 });
  assert.equal(r5.model.stats().returnMispredicts, 0);
  assert.ok(r3.model.stats().returnMispredicts > 0);
});
