// Which call sites get a check, and the bookkeeping that maps rewritten slots back.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { BpfError } from '../../engine/errors.ts';
import { INSN_SIZE } from '../../engine/isa/encoding.ts';
import { buildCallGraph } from '../../engine/strategies/call-graph.ts';
import { defaultRewriteEnv, STRATEGIES, strategyByName } from '../../engine/strategies/index.ts';
import { asm, NESTED_THROW } from './fixtures.ts';

const CHAIN = `
call local a
call 1
call local quiet
exit
a:
call local b
exit
b:
call kfunc 0x10001
exit
quiet:
call 5
exit
`;

test('a subprogram may throw when anything it calls, transitively, calls bpf_throw', () => {
  const g = buildCallGraph(asm(CHAIN));
  assert.deepEqual(
    g.functions.map((f, k) => [f.name, g.mayThrow[k]]),
    [['main', true], ['a', true], ['b', true], ['quiet', false]],
  );
});

test('may-throw checks calls into throwing subprograms only; all-calls checks every call', () => {
  const s = strategyByName('call')!;
  const may = s.rewrite(asm(CHAIN), defaultRewriteEnv()).callSites.map((c) => `${c.target}:${c.frame}:${c.rewrite}`);
  assert.deepEqual(may, ['a:outer:check', 'b:inner:check', 'bpf_throw:inner:throw']);
  const all = s.rewrite(asm(CHAIN), defaultRewriteEnv({ sites: 'all-calls' })).callSites.map((c) => `${c.kind}:${c.target}`);
  assert.deepEqual(all, ['subprog:a', 'helper:helper#1', 'subprog:quiet', 'subprog:b', 'kfunc:bpf_throw', 'helper:helper#5']);
});

test('slotSite and origin agree: originals appear once, in order; inserted slots belong to a site or the entry', () => {
  const p = asm(NESTED_THROW);
  const n = p.insns.length / INSN_SIZE;
  for (const s of STRATEGIES) {
    const r = s.rewrite(p, defaultRewriteEnv({ sites: 'all-calls' }));
    const originals = [...r.origin].filter((o) => o >= 0);
    const replaced = new Set(r.callSites.filter((c) => c.rewrite === 'throw').map((c) => c.pc));
    assert.deepEqual(originals, [...Array(n).keys()].filter((i) => !replaced.has(i)), s.name);
    r.origin.forEach((o, i) => {
      if (o >= 0) assert.equal(r.slotSite[i], -1, `${s.name} slot ${i}`);
      else assert.ok(r.slotSite[i] === -2 || (r.slotSite[i] >= 0 && r.slotSite[i] < r.callSites.length), `${s.name} slot ${i}`);
    });
    for (const [k, c] of r.callSites.entries()) {
      if (c.rewrite === 'check') assert.equal(r.origin[c.rewrittenPc], c.pc, `${s.name}: the call stays in place`);
      if (c.rewrite === 'check') assert.equal(r.slotSite[c.rewrittenPc + 1], k);
    }
  }
});

test('reserved slots go below the deepest stack use, and a full frame is a BpfError', () => {
  const r = strategyByName('call')!.rewrite(asm('stdw [%r10-16], 1\nmov %r2, %r10\nadd %r2, -40\ncall local f\nexit\nf:\ncall kfunc 0x10001\nexit'), defaultRewriteEnv());
  assert.deepEqual(r.reservedStack, [-48]);
  const full = asm('stdw [%r10-512], 1\ncall local f\nexit\nf:\ncall kfunc 0x10001\nexit');
  for (const name of ['call', 'stack']) {
    assert.throws(() => strategyByName(name)!.rewrite(full, defaultRewriteEnv()), (e: unknown) => e instanceof BpfError && /512-byte stack frame/.test(e.message));
  }
});
