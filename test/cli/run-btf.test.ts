// `bpfexc run --btf FILE` resolves an object's CO-RE relocations against that file, and a
// strategy experiment runs an object whose poisoned instruction is dead code.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { runVerb } from '../../engine/cli/verbs/run.ts';
import { capture, runCli } from './run-cli.ts';

test('run --btf takes the field offsets of the given BTF file', async () => {
  const { code, stdout } = await capture(runVerb, ['test/corpus/obj/core-fields.o', '--btf', 'test/elf/fixtures/core-target.btf']);
  assert.equal(code, 0);
  // pid 28 + tgid 24 << 16, protocol size 4 << 28, RINGBUF 99 << 20 (test/elf/core-relocation.test.ts).
  assert.match(stdout, /^r0 +0x4628001c /m);
});

test('run --btf with a file that is not BTF is one clear error naming it', () => {
  const r = runCli(['run', 'test/corpus/obj/core-fields.o', '--btf', 'test/corpus/c/core-fields.c']);
  assert.equal(r.code, 1, r.stderr);
  assert.match(r.stderr, /core-fields\.c: \.BTF: bad magic/);
});

test('every strategy runs an object whose guarded CO-RE read was poisoned', async () => {
  const { code, stdout } = await capture(runVerb, ['test/corpus/obj/core-fields.o', '--btf', 'test/elf/fixtures/core-target.btf', '--strategy', 'all', '--invocations', '3', '--format', 'json']);
  assert.equal(code, 0);
  const doc = JSON.parse(stdout) as { runs: { strategy: string; r0: string }[] };
  assert.deepEqual(doc.runs.map((r) => r.strategy), ['none', 'call', 'stack', 'aux', 'percpu', 'unwind']);
  for (const r of doc.runs) assert.equal(r.r0, '0x4628001c', r.strategy);
});
