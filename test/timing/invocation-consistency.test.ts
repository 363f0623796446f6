// Consistency of the out-of-order model's steady state: adding work cannot make an
// invocation cheaper when nothing mispredicts or misses, and identical check sites in
// identical positions are charged identical cycles. Both failed when the store-forwarding
// table forgot in-flight stores on an index collision (a chain through memory fell apart
// whenever unrelated code happened to store to a colliding address) and when retirement
// was charged in whole groups (sites alternated between 0 and 1 cycle).

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { zen5 } from '../../engine/cpus/zen5.ts';
import { defaultRewriteEnv, strategyByName } from '../../engine/strategies/index.ts';
import { asm, timeProgram, type Timed } from './fixtures.ts';

const FRAMES = 7;

/** call-chain in miniature: nested bpf-to-bpf calls, each frame bumping a shared counter with `lock add`. */
function nestedCalls(): string {
  const lines = ['mov %r6, %r1', 'mov %r2, 1', 'lock add [%r6+0], %r2', 'mov %r1, %r6', 'call local f1', 'mov %r0, 2', 'exit'];
  for (let f = 1; f <= FRAMES; f++) {
    lines.push(`f${f}:`, 'mov %r6, %r1', 'mov %r2, 1', 'lock add [%r6+0], %r2');
    if (f < FRAMES) lines.push('mov %r1, %r6', `call local f${f + 1}`, 'mov %r0, %r6');
    else lines.push('mov %r0, %r6');
    lines.push('exit');
  }
  return lines.join('\n');
}

function timed(strategy: string, text: string, n = 40, type: 'xdp' | 'raw' = 'xdp'): Timed & { slotSite: Int32Array } {
  const rw = strategyByName(strategy)?.rewrite(asm(text, type), defaultRewriteEnv({ sites: 'all-calls' }));
  assert.ok(rw, strategy);
  const r = timeProgram(rw.program, 'ooo', zen5, { ctx: new Uint8Array(64), n, exceptionBoundary: rw.exceptionBoundary });
  return { ...r, slotSite: rw.slotSite };
}

/** Steady-state cycles per invocation and mispredicts, counted between run 40 and run 80 (after warm-up). */
function steady(strategy: string, text: string): { cycles: number; mispredicts: number } {
  const a = timed(strategy, text, 40, 'raw');
  const b = timed(strategy, text, 80, 'raw');
  const total = (r: Timed, n: number): number => r.firstInvocationCycles + r.cyclesPerInvocation * (n - 1);
  const mp = (r: Timed): number => r.model.stats().branchMispredicts + r.model.stats().returnMispredicts;
  return { cycles: (total(b, 80) - total(a, 40)) / 40, mispredicts: mp(b) - mp(a) };
}

test('checks added to nested calls with shared atomic counters never make an invocation cheaper', () => {
  const text = nestedCalls();
  const base = steady('none', text);
  assert.equal(base.mispredicts, 0, 'the baseline predicts every branch and return in steady state');
  for (const s of ['call', 'stack', 'aux', 'percpu']) {
    const r = steady(s, text);
    assert.equal(r.mispredicts, 0, `${s}: no mispredicts in steady state`);
    assert.ok(r.cycles >= base.cycles - 0.25, `${s}: ${r.cycles} cycles per invocation, none ${base.cycles}`);
  }
});

test('identical check sites in identical positions are charged identical cycles', () => {
  // Long enough that the middle third lies farther than a reorder buffer from both ends,
  // where the previous and next invocations overlap.
  const SITES = 96;
  const text = [
    'mov %r7, 1',
    ...Array.from({ length: SITES }, () => ['mov %r1, %r7', 'call local g', 'mov %r7, %r0']).flat(),
    'mov %r0, %r7',
    'exit',
    'g:',
    'mov %r0, %r1',
    'add %r0, 7',
    'and %r0, 0xffff',
    'exit',
  ].join('\n');
  for (const s of ['stack', 'aux', 'call']) {
    const r = timed(s, text, 12);
    const perSite = new Float64Array(SITES);
    r.byPc.forEach((c, pc) => {
      const k = r.slotSite[pc];
      if (k >= 0) perSite[k] += c;
    });
    const inner = [...perSite.slice(SITES / 3, (2 * SITES) / 3)];
    const spread = Math.max(...inner) - Math.min(...inner);
    assert.ok(spread <= 0.1, `${s}: per-site cycles ${inner.map((c) => c.toFixed(2)).join(' ')}`);
  }
});

test('an invocation does not wait for the register state the previous one left', () => {
  // The first instruction reads r1 (the context). The previous invocation ends with a
  // long chain into r1; the kernel sets r1 afresh for every run, so the chain's length
  // must not show up as cost.
  const chain = (n: number): string => ['ldxdw %r2, [%r1+0]', 'mov %r1, %r2', ...Array.from({ length: n }, () => 'mul %r1, 3'), 'mov %r0, 0', 'exit'].join('\n');
  const a = timeProgram(asm(chain(20), 'xdp'), 'ooo', zen5, { ctx: new Uint8Array(64), n: 12 }).cyclesPerInvocation;
  const b = timeProgram(asm(chain(40), 'xdp'), 'ooo', zen5, { ctx: new Uint8Array(64), n: 12 }).cyclesPerInvocation;
  const mul = zen5.ops.imul.latency.value;
  assert.ok(b - a < 20 * mul * 0.75, `20 more dependent multiplies cost ${b - a} cycles per invocation; back to back they would cost ${20 * mul}`);
});
