// The out-of-order model's basic behaviour on zen5: dependency chains cost their latency,
// independent work is limited by issue/port width, loads cost the L1 latency.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { zen5 } from '../../engine/cpus/zen5.ts';
import { asm, repeated, selfPointerCtx, timeProgram } from './fixtures.ts';

// Every chain starts from a load of the context and ends with a store of its result to
// the same place, so the next invocation's first load waits for the previous one's last
// store (forwarded from the store buffer): invocations cannot overlap and the steady
// state is the chain itself. Differences between N and 2N cancel the fixed entry/exit
// cost.
const N = 200;

function perInsn(make: (n: number) => string, ctx?: Uint8Array): number {
  const a = timeProgram(asm(make(N)), 'ooo', zen5, { ctx }).cyclesPerInvocation;
  const b = timeProgram(asm(make(2 * N)), 'ooo', zen5, { ctx }).cyclesPerInvocation;
  return (b - a) / N;
}

test('a dependent chain of adds costs one cycle per add', () => {
  const c = perInsn((n) => repeated('mov %r6, %r1\nldxdw %r2, [%r6+0]', () => 'add %r2, 1', n, 'stxdw [%r6+0], %r2\nmov %r0, 0\nexit'), new Uint8Array(8));
  assert.ok(c > 0.9 && c < 1.1, `cycles per dependent add: ${c}`);
});

test('independent adds run as wide as the ALUs allow', () => {
  const c = perInsn((n) => repeated('', (i) => `add %r${1 + (i % 9)}, 1`, n, 'mov %r0, %r1\nexit'));
  const alus = Math.round(1 / zen5.ops.alu.rthroughput.value);
  const width = Math.min(zen5.issueWidth.value, alus);
  assert.ok(Math.abs(c - 1 / width) < 0.03, `cycles per independent add: ${c}, expected ≈ 1/${width}`);
});

test('a dependent load chain costs the L1 latency per load', () => {
  const c = perInsn((n) => repeated('mov %r6, %r1', () => 'ldxdw %r1, [%r1+0]', n, 'stxdw [%r6+0], %r1\nmov %r0, 0\nexit'), selfPointerCtx());
  const l1 = zen5.l1d.latency.value;
  assert.ok(Math.abs(c - l1) < 0.1, `cycles per dependent load: ${c}, L1 latency ${l1}`);
});

test('the additive model charges every latency in full', () => {
  const make = (n: number) => repeated('', (i) => `add %r${1 + (i % 9)}, 1`, n, 'mov %r0, %r1\nexit');
  const a = timeProgram(asm(make(N)), 'additive', zen5).cyclesPerInvocation;
  const b = timeProgram(asm(make(2 * N)), 'additive', zen5).cyclesPerInvocation;
  assert.equal((b - a) / N, zen5.ops.alu.latency.value);
});

test('per-slot cycles sum to the total under both models', () => {
  const p = asm(`
    mov %r6, 0
    loop:
    call local f
    add %r6, 1
    jlt %r6, 10, loop
    exit
    f:
    stxdw [%r10-8], %r6
    ldxdw %r0, [%r10-8]
    exit
  `);
  for (const kind of ['ooo', 'additive'] as const) {
    const r = timeProgram(p, kind, zen5, { n: 3 });
    const sum = r.model.cyclesByPc().reduce((x, y) => x + y, 0);
    assert.ok(r.model.totalCycles() > 0);
    assert.ok(Math.abs(sum - r.model.totalCycles()) < 1e-6, `${kind}: ${sum} vs ${r.model.totalCycles()}`);
    const steady = r.byPc.reduce((x, y) => x + y, 0);
    assert.ok(Math.abs(steady - r.cyclesPerInvocation) < 1e-6);
  }
});

test('reset returns the model to a cold machine', () => {
  const p = asm('mov %r0, 1\nexit');
  const r = timeProgram(p, 'ooo', zen5, { n: 3 });
  const cold = r.firstInvocationCycles;
  r.model.reset();
  assert.equal(r.model.totalCycles(), 0);
  assert.equal(r.model.stats().ops, 0);
  assert.ok(cold > r.cyclesPerInvocation, 'the first run pays cold instruction fetches');
});
