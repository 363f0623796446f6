import assert from 'node:assert/strict';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import { BpfError } from '../../engine/errors.ts';
import { readInsn } from '../../engine/isa/encoding.ts';
import type { Program } from '../../engine/program.ts';
import { expandTestPaths, runConformanceWith, summaryLine } from '../../engine/conformance/runner.ts';
import type { ConformanceExecutor } from '../../engine/conformance/judge.ts';

const FIXTURES = fileURLToPath(new URL('./fixtures/', import.meta.url));
const fixture = (name: string) => join(FIXTURES, name);

/** Stand-in executor: returns the immediate of a leading `mov %r0, imm` or `lddw %r0, imm64`. */
const fakeExecutor: ConformanceExecutor = (program: Program) => {
  const first = readInsn(program.insns, 0);
  if (first.opcode === 0xb7 && first.dst === 0) return BigInt(first.imm);
  if (first.opcode === 0x18) {
    const hi = readInsn(program.insns, 1).imm >>> 0;
    return (BigInt(hi) << 32n) | BigInt(first.imm >>> 0);
  }
  throw new BpfError('load', `fake executor cannot run opcode 0x${first.opcode.toString(16)}`, { pc: 0 });
};

function runOne(name: string, execute: ConformanceExecutor = fakeExecutor) {
  const report = runConformanceWith([fixture(name)], execute);
  assert.equal(report.outcomes.length, 1);
  return { ...report.outcomes[0], report };
}

test('a matching result passes and the summary has no skipped part', () => {
  const r = runOne('returns-three.data');
  assert.equal(r.verdict, 'pass');
  assert.deepEqual(r.report.lines, ['1 passed, 0 failed']);
});

test('a wrong result fails with expected and got in hex', () => {
  const r = runOne('wrong-result.data');
  assert.equal(r.verdict, 'fail');
  assert.deepEqual(r.report.lines, ['wrong-result.data: expected 0x4, got 0x3', '0 passed, 1 failed']);
});

test('results are compared on all 64 bits', () => {
  const r = runOne('high-bits-differ.data');
  assert.equal(r.verdict, 'fail');
  assert.equal(r.reason, 'expected 0x200000007, got 0x100000007');
});

test('an assembler error fails a test that expects a result, showing the error and line', () => {
  const r = runOne('bad-asm-with-result.data');
  assert.equal(r.verdict, 'fail');
  assert.equal(r.reason, "assembler error at line 3: unknown mnemonic 'movq'");
});

test('an assembler error passes a test whose expected error text it contains, ignoring case and spacing', () => {
  assert.equal(runOne('bad-asm-expected-error.data').verdict, 'pass');
});

test('an assembler error with a different text fails an error test', () => {
  const r = runOne('bad-asm-other-error.data');
  assert.equal(r.verdict, 'fail');
  assert.match(r.reason, /^expected error 'unknown mnemonic', got assembler error at line 2: invalid register '%r12'$/);
});

test('an empty error section is satisfied by any load or run error', () => {
  assert.equal(runOne('any-error-expected.data').verdict, 'pass');
});

test('an empty error section fails when the program returns normally', () => {
  const ok: ConformanceExecutor = () => 0n;
  const r = runOne('any-error-expected.data', ok);
  assert.equal(r.verdict, 'fail');
  assert.equal(r.reason, "expected error '', got result 0x0");
});

test('an error test fails when the program returns a value instead', () => {
  const r = runOne('error-expected-got-result.data');
  assert.equal(r.verdict, 'fail');
  assert.equal(r.reason, "expected error 'division by zero', got result 0x1");
});

test('an unexpected executor error fails with its kind and instruction', () => {
  const r = runOne('runtime-error-unexpected.data');
  assert.equal(r.verdict, 'fail');
  assert.equal(r.reason, 'load error at insn 0: fake executor cannot run opcode 0x7');
});

test('an exception that is not a BpfError is reported as an internal error', () => {
  const r = runOne('returns-three.data', () => {
    throw new TypeError('boom');
  });
  assert.equal(r.verdict, 'fail');
  assert.match(r.reason, /^internal error \(a bug in bpfexc\): boom/);
});

test('files with an unknown directive, no expectation or no instructions are skipped', () => {
  for (const name of ['unknown-directive.data', 'no-expectation.data', 'no-instructions.data']) {
    assert.equal(runOne(name).verdict, 'skip', name);
  }
  assert.match(runOne('unknown-directive.data').reason, /unknown directive '-- wat' at line 4/);
});

test('asm that does not assemble to the raw section fails', () => {
  const r = runOne('asm-raw-disagree.data');
  assert.equal(r.verdict, 'fail');
  assert.equal(r.reason, '-- asm and -- raw differ at instruction 0');
});

test('a malformed file fails naming the line', () => {
  const r = runOne('malformed-mem.data');
  assert.equal(r.verdict, 'fail');
  assert.equal(r.reason, "cannot read test: 'zz' is not a hex byte (line 5)");
});

test('a directory runs every .data file in name order with one line per failure', () => {
  const report = runConformanceWith([FIXTURES], fakeExecutor);
  const names = report.outcomes.map((o) => o.shown);
  assert.deepEqual(names, [...names].sort());
  assert.equal(report.passed + report.failed + report.skipped, names.length);
  assert.equal(report.lines.length, report.failed + 1);
  assert.equal(report.lines.at(-1), summaryLine(report.passed, report.failed, report.skipped));
  assert.equal(report.passed, 3);
  assert.equal(report.skipped, 3);
});

test('the summary line names skipped tests only when there are some', () => {
  assert.equal(summaryLine(313, 0, 0), '313 passed, 0 failed');
  assert.equal(summaryLine(10, 2, 3), '10 passed, 2 failed, 3 skipped');
});

test('a missing path is a usage error', () => {
  assert.throws(() => expandTestPaths([fixture('nope.data')]), (e: unknown) => e instanceof BpfError && e.kind === 'usage');
  assert.throws(() => expandTestPaths([]), BpfError);
});
