// THE property the suite exists to show: on a modern out-of-order core the load-based
// checks (`stack`, `aux`) cost a fraction of a cycle per call site when they follow a
// real bpf-to-bpf call, while `call` costs several; an additive model gets the
// load-based ones wrong by an order of magnitude.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { zen5 } from '../../engine/cpus/zen5.ts';
import { defaultRewriteEnv, strategyByName } from '../../engine/strategies/index.ts';
import type { TimingModelKind } from '../../engine/timing/model.ts';
import { asm, timeProgram } from './fixtures.ts';

const SITES = 32;

// A loop calling a subprogram with a real body (a spill, a reload, ALU work) SITES times.
const LOOP = asm(`
  mov %r6, 0
  mov %r7, 0
  loop:
  mov %r1, %r6
  call local f
  add %r7, %r0
  add %r6, 1
  jlt %r6, ${SITES}, loop
  mov %r0, %r7
  exit
  f:
  stxdw [%r10-8], %r1
  ldxdw %r2, [%r10-8]
  mov %r0, %r2
  add %r0, 3
  xor %r0, %r1
  exit
`, 'xdp');

let EXPECTED_R0 = 0n;
for (let i = 0n; i < BigInt(SITES); i++) EXPECTED_R0 += (i + 3n) ^ i;

/** Steady-state cycles per call site the strategy adds over `none`, entry work included. */
function perSite(strategy: string, kind: TimingModelKind): number {
  const env = defaultRewriteEnv({ sites: 'all-calls' });
  const run = (name: string): number => {
    const rw = strategyByName(name)?.rewrite(LOOP, env);
    assert.ok(rw);
    const r = timeProgram(rw.program, kind, zen5, { ctx: new Uint8Array(64), n: 6, exceptionBoundary: rw.exceptionBoundary });
    for (const r0 of r.r0s) assert.equal(r0, EXPECTED_R0, `${name}: the rewritten program computes what the original does`);
    return r.cyclesPerInvocation;
  };
  return (run(strategy) - run('none')) / SITES;
}

test('the stack check after a bpf-to-bpf call costs under a cycle per site on zen5 (ooo)', () => {
  const c = perSite('stack', 'ooo');
  assert.ok(c > 0 && c < 1, `stack: ${c} cycles per site`);
});

test('the aux check after a bpf-to-bpf call costs under a cycle per site on zen5 (ooo)', () => {
  const c = perSite('aux', 'ooo');
  assert.ok(c > 0 && c < 1, `aux: ${c} cycles per site`);
});

test('the additive model charges the stack check several cycles per site', () => {
  const additive = perSite('stack', 'additive');
  const ooo = perSite('stack', 'ooo');
  assert.ok(additive >= 5, `additive stack: ${additive}`);
  assert.ok(additive > 5 * ooo, `additive ${additive} vs ooo ${ooo}`);
});

test('the call check costs several times the stack check on zen5 (ooo)', () => {
  const call = perSite('call', 'ooo');
  const stack = perSite('stack', 'ooo');
  assert.ok(call > 1.5, `call: ${call} cycles per site`);
  assert.ok(call > 2 * stack, `call ${call} vs stack ${stack}`);
});
