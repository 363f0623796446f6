// Calls a loader leaves for unresolved symbols load, and fault only when reached: the
// CO-RE poison `call 0xbad2310` and an unresolved weak kfunc's `call kfunc 0`.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { CORE_POISON_IMM } from '../../engine/elf/core-relocation.ts';
import { BpfError } from '../../engine/errors.ts';
import { instantiate, loadProgram } from '../../engine/exec/index.ts';
import { call, exit, kfunc, movi, op, prog } from './build.ts';

for (const tier of ['interpreter', 'compiled'] as const) {
  for (const [what, placeholder, message] of [
    ['CO-RE poison', call(CORE_POISON_IMM), /CO-RE relocation failed/],
    ['unresolved weak kfunc', kfunc(0), /unresolved weak kfunc/],
  ] as const) {
    test(`${what} (${tier}): loads, is skipped when dead, faults naming the kernel's reason when reached`, () => {
      // r0 = r1 != 0 ? (placeholder) : 7, with r1 the first argument.
      const p = prog([movi(0, 7), op('jeq', 'dst,imm,off', { dst: 1, imm: 0, off: 1 }), placeholder, exit()]);
      const inst = instantiate(loadProgram(p), { tier });
      assert.equal(inst.run({ args: [0n] }).r0, 7n);
      assert.throws(() => inst.run({ args: [1n] }), (e: unknown) => e instanceof BpfError && e.kind === 'runtime' && message.test(e.message) && e.where.pc === 2);
    });
  }
}
