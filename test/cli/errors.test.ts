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

const stderrLine = (res: { code: number | null; stdout: string; stderr: string }) => {
  assertOneLineError(res);
  return res.stderr.trimEnd();
};

test('a misspelt option is named with the known option nearest in spelling', () => {
  assert.equal(stderrLine(runCli(['run', 'call-chain', '--stratgey', 'all'])), 'bpfexc: run: unknown option --stratgey (did you mean --strategy?)');
  assert.equal(stderrLine(runCli(['run', 'call-chain', '--cpu', 'zen5'])), 'bpfexc: run: unknown option --cpu (did you mean --cpus or --cpu-model?)');
});

test('an unknown option that resembles none gets no guess', () => {
  assert.equal(stderrLine(runCli(['run', 'call-chain', '--frobnicate'])), "bpfexc: run: unknown option --frobnicate (see 'bpfexc run --help')");
});

test('a negative count says the count must be positive, written either way', () => {
  for (const args of [['--invocations', '-3'], ['--invocations=-3']]) {
    assert.equal(stderrLine(runCli(['run', 'call-chain', ...args])), "bpfexc: --invocations must be a positive integer, got '-3'", args.join(' '));
  }
  assert.equal(stderrLine(runCli(['run', 'call-chain', '--max-insns', '2.5'])), "bpfexc: --max-insns must be a positive integer, got '2.5'");
});

test('a negative seed says what range a seed has', () => {
  assert.equal(stderrLine(runCli(['run', 'call-chain', '--seed', '-1'])), "bpfexc: --seed must be an integer from 0 to 4294967295, got '-1' (the PRNG state is 32 bits)");
});

test('an option without its value says so', () => {
  assert.equal(stderrLine(runCli(['run', 'call-chain', '--strategy', '--cpu-model', 'zen5'])), 'bpfexc: run: --strategy needs a value');
});

test('a binary file named .s is refused quoting only its first bytes, escaped', () => {
  const path = file('binary.s', readFileSync(objPath));
  const line = stderrLine(runCli(['run', path]));
  assert.equal(line, `bpfexc: ${path}: not a text file (it starts with \\x7fELF\\x02\\x01\\x01\\x00...); an ELF object is read from a .o file`);
});

test('control characters an assembler error quotes are escaped', () => {
  const path = file('ctl.s', 'mov %r0, 1\n\x01\x1b[2Jfrob\nexit\n');
  assert.equal(stderrLine(runCli(['run', path])), `bpfexc: ${path}:2: unknown mnemonic '\\x01\\x1b[2Jfrob'`);
});
