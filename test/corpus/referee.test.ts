// Every program of every corpus object (test/corpus/obj/*.o) runs in bpfexc and, where
// bpf() is available, in the running kernel on the same input, with the same r0 and the
// same output packet; programs the manifest (corpus.json) says the kernel rejects must be
// rejected, and where it gives r0 both sides must return it. Entries marked pending
// (a feature of issue 15 not on this branch) are reported as todo with their reason, and
// fail once bpfexc agrees, so the mark cannot outlive the gap.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { readElf64 } from '../../engine/elf/elf64.ts';
import { test } from 'node:test';
import { refereedPrograms } from '../../engine/cli/verbs/run-referee.ts';
import { defaultHelpers, instantiate, loadProgram } from '../../engine/exec/index.ts';
import { refereeProgram } from '../../engine/oracle/kernel-referee.ts';
import { kernel } from '../kernel/kernel-fixture.ts';
import { corpusPrograms, OBJ_DIR, readManifest } from './corpus-manifest.ts';

const programs = corpusPrograms();

function inputOf(p: (typeof programs)[number]) {
  const [one] = refereedPrograms(join(OBJ_DIR, p.object), { section: p.section, mem: p.entry.mem, packet: p.entry.packet });
  return one;
}

test('every manifest entry names a program of a corpus object', () => {
  const known = new Set(programs.map((p) => p.key));
  const stale = Object.keys(readManifest()).filter((k) => !known.has(k));
  assert.deepEqual(stale, [], 'corpus.json lists programs no object in test/corpus/obj has');
  assert.ok(programs.length > 0, 'the corpus has programs');
});

for (const p of programs.filter((x) => x.refusal !== undefined)) {
  // The kernel's side, with its log text, is checked by exception-programs.test.ts.
  test(`corpus ${p.key}: bpfexc refuses it at load, and the manifest says the kernel rejects it`, () => {
    assert.equal(p.entry.kernel, 'rejected', `bpfexc refuses ${p.key} (${p.refusal}); corpus.json must list it as kernel: rejected`);
  });
}

for (const p of programs.filter((x) => x.refusal === undefined)) {
  test(`corpus ${p.key}: bpfexc runs it${p.entry.r0 !== undefined ? ` and returns ${p.entry.r0}` : ''}`, (t) => {
    const { program, ctx } = inputOf(p);
    if (p.entry.pending) {
      t.todo(`pending: ${p.entry.pending}`);
      return;
    }
    if (p.entry.bpfexc === 'refuses') {
      assert.throws(() => instantiate(loadProgram(program, { helpers: defaultHelpers })).run({ ctx }), /refused as the kernel refuses it|cannot run a \w+ program/);
      return;
    }
    const r = instantiate(loadProgram(program, { helpers: defaultHelpers })).run({ ctx });
    if (p.entry.r0 !== undefined) assert.equal(Number(BigInt.asUintN(32, r.r0)), p.entry.r0);
  });

  test(`corpus ${p.key}: the kernel ${{ rejected: 'rejects it', untestable: 'cannot test-run it', runs: 'agrees with bpfexc' }[p.entry.kernel]}`, async (t) => {
    const k = await kernel();
    if (!k.available) {
      t.skip(`kernel BPF unavailable: ${k.reason}`);
      return;
    }
    const { program, ctx } = inputOf(p);
    const object = readElf64(readFileSync(join(OBJ_DIR, p.object)), p.object);
    const v = await refereeProgram(k, program, { ctx, object });
    if (p.entry.pending) {
      assert.notEqual(v.outcome, 'agrees', `${p.key} now agrees with the kernel: remove its "pending" from test/corpus/corpus.json`);
      t.todo(`pending: ${p.entry.pending} (${v.line})`);
      return;
    }
    if (p.entry.kernel === 'rejected') {
      assert.equal(v.outcome, 'rejected', v.line);
      return;
    }
    if (p.entry.kernel === 'untestable') {
      assert.equal(v.outcome, 'kernel-cannot-run', v.line);
      return;
    }
    assert.equal(v.outcome, 'agrees', v.line);
    if (p.entry.r0 !== undefined) assert.equal(v.kernelR0, p.entry.r0, 'kernel r0 is the manifest\'s');
  });
}
