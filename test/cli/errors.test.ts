// Every kind of bad input reaches the user as one line naming the file (and the
// instruction where there is one), exit status 1, and no stack trace.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from './run-cli.ts';

const dir = mkdtempSync(join(tmpdir(), 'bpfexc-cli-'));
const file = (name: string, text: string | Uint8Array) => {
  const p = join(dir, name);
  writeFileSync(p, text);
  return p;
};

function assertOneLineError(res: { code: number | null; stdout: string; stderr: string }, ...needles: string[]) {
  assert.equal(res.code, 1, `exit status; stderr: ${res.stderr}`);
  const lines = res.stderr.trimEnd().split('\n');
  assert.equal(lines.length, 1, `one line on stderr, got:\n${res.stderr}`);
  assert.match(lines[0], /^bpfexc: /);
  assert.doesNotMatch(res.stderr, /\n\s+at /, 'no stack trace');
  for (const n of needles) assert.ok(lines[0].includes(n), `'${n}' in: ${lines[0]}`);
}

const objPath = new URL('../../benchmarks/workloads/obj/call-chain.o', import.meta.url).pathname;

const cases: { name: string; args: () => string[]; needles: string[] }[] = [
  { name: 'a missing file', args: () => ['run', join(dir, 'nope.s')], needles: ['nope.s'] },
  { name: 'an unknown mnemonic', args: () => ['run', file('mnemonic.s', 'mov %r0, 1\nfrob %r0\nexit\n')], needles: ['mnemonic.s:2', 'frob'] },
  { name: 'a jump out of range', args: () => ['run', file('jump.s', 'mov %r0, 1\nja +5\nexit\n')], needles: ['jump.s', 'insn 1'] },
  { name: 'falling off the end', args: () => ['run', file('fall.s', 'mov %r0, 1\n')], needles: ['fall.s', 'insn 0'] },
  { name: 'an unknown helper', args: () => ['run', file('helper.s', 'call 99999\nexit\n')], needles: ['helper.s', 'insn 0', '99999'] },
  { name: 'a constant stack offset outside the frame', args: () => ['run', file('frame.s', 'ldxdw %r0, [%r10+8]\nexit\n')], needles: ['frame.s', 'insn 0', '512'] },
  {
    name: 'an out-of-bounds load at run time',
    args: () => ['run', file('oob.s', 'mov %r1, %r10\nadd %r1, 8\nldxdw %r0, [%r1]\nexit\n')],
    needles: ['oob.s', 'insn 2', '0xffff888000020208', 'stack'],
  },
  {
    name: 'a runaway loop',
    args: () => ['run', file('loop.s', 'mov %r0, 0\nloop:\nadd %r0, 1\nja loop\n'), '--max-insns', '1000'],
    needles: ['loop.s', 'budget', '1000'],
  },
  { name: 'a truncated ELF object', args: () => ['run', file('broken.o', readFileSync(objPath).subarray(0, 300))], needles: ['broken.o'] },
  { name: 'an ELF object that is not BPF', args: () => ['run', file('notbpf.o', readFileSync(process.execPath).subarray(0, 4096))], needles: ['notbpf.o'] },
  { name: 'a malformed .data file', args: () => ['run', file('bad.data', '-- asm\nexit\n-- result\nnot-a-number\n')], needles: ['bad.data'] },
  { name: 'an unknown option', args: () => ['run', '--frobnicate', 'x.s'], needles: ['frobnicate'] },
  { name: 'an unknown command', args: () => ['frob'], needles: ['frob'] },
  { name: 'a bad --mem', args: () => ['run', file('ok.s', 'mov %r0, 1\nexit\n'), '--mem', 'xyz'], needles: ['--mem'] },
];

for (const c of cases) {
  test(`${c.name} is one error line and exit status 1`, () => {
    assertOneLineError(runCli(c.args()), ...c.needles);
  });
}

test('a good program prints r0 and the instruction count', () => {
  const res = runCli(['run', file('good.s', 'mov %r0, 7\nadd %r0, 35\nexit\n')]);
  assert.equal(res.code, 0, res.stderr);
  assert.match(res.stdout, /^r0\s+0x2a \(42\)$/m);
  assert.match(res.stdout, /^insns\s+3 executed$/m);
});
