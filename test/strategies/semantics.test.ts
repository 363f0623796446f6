// Rewritten programs compute what the original computes, and a throw anywhere in a deep call
// chain comes back as the cookie, under every strategy — checked by running them.

import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { assemble } from '../../engine/asm/assembler.ts';
import { readDataFile } from '../../engine/asm/data-file.ts';
import { programFromAssembly } from '../../engine/asm/to-program.ts';
import { BpfError } from '../../engine/errors.ts';
import { conformanceHelpers, loadProgram, runProgram, instantiate } from '../../engine/exec/index.ts';
import type { Program } from '../../engine/program.ts';
import { INTERNAL_HELPER } from '../../engine/isa/internal-ids.ts';
import { defaultRewriteEnv, STRATEGIES } from '../../engine/strategies/index.ts';
import { CONFORMANCE, sharedPathOrSkip } from '../shared-data.ts';
import { asm } from './fixtures.ts';

// Five frames: main -> f1 -> f2 -> f3 -> f4, the assertion `ctx[0] != 0` in f4.
const DEEP = `
ldxb %r1, [%r1]
call local f1
add %r0, 100
exit
f1:
call local f2
add %r0, 10
exit
f2:
call local f3
add %r0, 1
exit
f3:
call local f4
add %r0, 1
exit
f4:
jne %r1, 0, ok
mov %r1, 77
call kfunc 0x10001
ok:
mov %r0, %r1
exit
`;

test('bpf_reset_exception returns the cookie it clears (the frame-0 unwind of call and stack relies on it)', () => {
  const r = asm(`mov %r1, 42\ncall ${INTERNAL_HELPER.bpf_set_exception}\ncall ${INTERNAL_HELPER.bpf_reset_exception}\nexit`, 'raw');
  assert.equal(run(r, new Uint8Array(0)), 42n);
});

function run(p: Program, ctx: Uint8Array): bigint {
  return instantiate(loadProgram(p), { seed: 1 }).run({ ctx }).r0;
}

for (const sites of ['may-throw', 'all-calls'] as const) {
  for (const s of STRATEGIES) {
    test(`${s.name} (${sites}): r0 is unchanged without a throw and is the cookie after a throw four frames deep`, () => {
      const p = asm(DEEP, 'raw');
      const r = s.rewrite(p, defaultRewriteEnv({ sites }));
      assert.equal(run(p, new Uint8Array([5])), 117n);
      assert.equal(run(r.program, new Uint8Array([5])), 117n);
      assert.equal(run(r.program, new Uint8Array([0])), 77n);
      // A second run on the same instance starts clean (the entry resets the state).
      const inst = instantiate(loadProgram(r.program), { seed: 1 });
      assert.equal(inst.run({ ctx: new Uint8Array([0]) }).r0, 77n);
      assert.equal(inst.run({ ctx: new Uint8Array([5]) }).r0, 117n);
    });
  }
}

test('every strategy leaves r0 of every assembling conformance program unchanged', (t) => {
  const conformance = sharedPathOrSkip(t, CONFORMANCE);
  if (!conformance) return;
  const files = readdirSync(conformance).filter((f) => f.endsWith('.data'));
  let compared = 0;
  const failures: string[] = [];
  for (const f of files) {
    const data = readDataFile(join(conformance, f));
    if (!data.asm || data.result === undefined || data.error) continue;
    let p: Program;
    try {
      p = programFromAssembly(assemble(data.asm.value, f), { name: f, source: f, type: 'raw' });
    } catch {
      continue;
    }
    const ctx = data.mem?.value ?? new Uint8Array(0);
    const exec = (q: Program): string => {
      try {
        return '0x' + BigInt.asUintN(64, runProgram(q, { ctx, helpers: conformanceHelpers, maxInsns: 1_000_000 }).r0).toString(16);
      } catch (e) {
        if (e instanceof BpfError) return `error: ${e.detail}`;
        throw e;
      }
    };
    const want = exec(p);
    for (const s of STRATEGIES) {
      for (const sites of ['may-throw', 'all-calls'] as const) {
        const got = exec(s.rewrite(p, defaultRewriteEnv({ sites })).program);
        if (got !== want) failures.push(`${f} ${s.name}/${sites}: ${got}, original ${want}`);
      }
    }
    compared++;
  }
  assert.ok(compared > 100, `only ${compared} conformance programs compared`);
  assert.deepEqual(failures, []);
});
