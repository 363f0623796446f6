// The branch predictor's call/return rate: back-to-back call/ret pairs cost call + ret
// cycles a pair (engine/cpus: callReturnCycles), not the few cycles their ops take to
// dispatch, and a taken jump costs 1/takenBranchesPerCycle of predictor time.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { doc, type CpuModel } from '../../engine/cpus/cpu-model.ts';
import { neoverseV2 } from '../../engine/cpus/neoverse-v2.ts';
import { zen5 } from '../../engine/cpus/zen5.ts';
import { asm, repeated, timeProgram } from './fixtures.ts';

const N = 128;

/** N independent calls of bpf_get_current_pid_tgid (a `call rel32` into a short body ending in `ret`). */
const helperCalls = (n: number) => asm(repeated('mov %r7, 1', () => 'call 14\nadd %r7, %r0', n, 'mov %r0, %r7\nexit'));

function cyclesPerPair(cpu: CpuModel): number {
  const calls = timeProgram(helperCalls(N), 'ooo', cpu, { n: 4 });
  const none = timeProgram(asm('mov %r7, 1\nmov %r0, %r7\nexit'), 'ooo', cpu, { n: 4 });
  return (calls.cyclesPerInvocation - none.cyclesPerInvocation) / N;
}

const pairCycles = (cpu: CpuModel) => cpu.callReturnCycles.call.value + cpu.callReturnCycles.ret.value;

test('128 back-to-back helper calls cost call + ret cycles each on zen5, not one', () => {
  const per = cyclesPerPair(zen5);
  assert.equal(pairCycles(zen5), 4);
  assert.ok(Math.abs(per - 4) < 0.25, `cycles per call/ret pair: ${per}`);
});

test('the call/ret pair rate is the CPU figure, not a constant', () => {
  const fast = { ...zen5, id: 'zen5-fast-ret', callReturnCycles: { call: doc(1, 'test'), ret: doc(1, 'test') } };
  const per = cyclesPerPair(fast);
  // call, nop, six body ops, ret and the caller's add: 11 ops, at most 8 a cycle.
  assert.ok(per >= 11 / 8 - 0.05 && per < 2.25, `cycles per pair at 1 + 1: ${per}`);
  assert.ok(cyclesPerPair(zen5) - per > 1.5);
});

test('a CPU predicting two calls and returns a cycle is bound by dispatch, not the predictor', () => {
  assert.equal(pairCycles(neoverseV2), 1);
  const per = cyclesPerPair(neoverseV2);
  assert.ok(per < 4, `neoverse-v2 cycles per pair: ${per}`);
});

test('taken jumps cost half a cycle each on zen5 (two taken transfers a cycle)', () => {
  const jumps = asm(repeated('mov %r0, 1', (i) => `ja l${i}\nmov %r0, 2\nl${i}:`, N, 'exit'));
  const none = asm('mov %r0, 1\nexit');
  const per = (timeProgram(jumps, 'ooo', zen5, { n: 4 }).cyclesPerInvocation - timeProgram(none, 'ooo', zen5, { n: 4 }).cyclesPerInvocation) / N;
  assert.ok(Math.abs(per - 1 / zen5.takenBranchesPerCycle.value) < 0.1, `cycles per taken jump: ${per}`);
});
