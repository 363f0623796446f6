// Every CPU model can time programs that call subprograms, helpers and throw, and the
// model refuses (naming the instruction) calls it has no cost for.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { CPU_MODELS } from '../../engine/cpus/index.ts';
import { zen5 } from '../../engine/cpus/zen5.ts';
import { BpfError } from '../../engine/errors.ts';
import { loadProgram } from '../../engine/exec/index.ts';
import { defaultRewriteEnv, STRATEGIES } from '../../engine/strategies/index.ts';
import { createTimingModel } from '../../engine/timing/model.ts';
import { asm, timeProgram } from './fixtures.ts';
import { defaultHelpers } from '../../engine/exec/helpers/linux.ts';
import { withHelpers } from '../../engine/exec/helpers/registry.ts';

const THROWS = asm(`
  ldxb %r6, [%r1]
  call local f
  exit
  f:
  jne %r6, 0, ok
  mov %r1, 7
  call kfunc 0x10001
  ok:
  mov %r0, 3
  exit
`);

test('every CPU model times every strategy, and attribution sums to the total', () => {
  for (const cpu of CPU_MODELS) {
    for (const s of STRATEGIES) {
      const rw = s.rewrite(THROWS, defaultRewriteEnv({ sites: 'all-calls' }));
      for (const ctx of [Uint8Array.of(1), Uint8Array.of(0)]) {
        const r = timeProgram(rw.program, 'ooo', cpu, { ctx, n: 2, exceptionBoundary: rw.exceptionBoundary });
        assert.equal(r.r0s[1], ctx[0] ? 3n : 7n, `${cpu.id}/${s.name}`);
        assert.ok(r.cyclesPerInvocation > 0, `${cpu.id}/${s.name}`);
        const sum = r.model.cyclesByPc().reduce((a, b) => a + b, 0);
        assert.ok(Math.abs(sum - r.model.totalCycles()) < 1e-6, `${cpu.id}/${s.name}`);
      }
    }
  }
});

test('the unwind strategy pushes the callee-saved registers on every run', () => {
  const unwind = STRATEGIES.find((s) => s.name === 'unwind')?.rewrite(THROWS, defaultRewriteEnv());
  assert.ok(unwind?.exceptionBoundary);
  const ctx = Uint8Array.of(1);
  const withBoundary = timeProgram(unwind.program, 'additive', zen5, { ctx, exceptionBoundary: true });
  const without = timeProgram(unwind.program, 'additive', zen5, { ctx, exceptionBoundary: false });
  assert.ok(withBoundary.cyclesPerInvocation > without.cyclesPerInvocation);
});

test('a helper without a cost is refused at the call that uses it', () => {
  // bpf_get_hash_recalc (34), registered here only for this load: no cost entry exists for it.
  const helpers = withHelpers(defaultHelpers, [{ id: 34, name: 'bpf_get_hash_recalc', fn: () => {} }]);
  const loaded = loadProgram(asm('mov %r1, 0\ncall 34\nexit'), { helpers });
  assert.throws(
    () => createTimingModel('ooo', zen5, loaded),
    (e: unknown) => e instanceof BpfError && e.where.pc === 1 && /no cost for helper 34/.test(e.detail),
  );
});

test('a map helper on a map the model cannot identify is refused at the call, not costed as another map type', () => {
  const loaded = loadProgram(asm('mov %r1, 0\ncall 3\nexit'));
  assert.throws(
    () => createTimingModel('ooo', zen5, loaded),
    (e: unknown) => e instanceof BpfError && e.where.pc === 1 && /no cost for bpf_map_delete_elem on a map the model cannot identify/.test(e.detail),
  );
});
