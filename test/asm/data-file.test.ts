import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { dataFileStem, parseDataFile, readDataFile } from '../../engine/asm/data-file.ts';
import { BpfError } from '../../engine/errors.ts';
import { hexBytes } from '../../engine/hex.ts';
import { CONFORMANCE, sharedPathOrSkip } from '../shared-data.ts';

const hex = (b: Uint8Array | undefined) => hexBytes(b ?? new Uint8Array());

function throwsAt(text: string, line: number, detail: RegExp): void {
  assert.throws(
    () => parseDataFile(text, 't.data'),
    (e: unknown) => e instanceof BpfError && e.kind === 'parse' && e.where.file === 't.data' && e.where.line === line && detail.test(e.detail),
  );
}

test('sections are read into a typed record with their header lines', () => {
  const d = parseDataFile(
    [
      '# Copyright line',
      '# second comment',
      '-- asm',
      'mov %r0, 1 # one',
      'exit',
      '-- mem',
      '00 01 # comment',
      'ff',
      '-- result',
      '0x1 # expected',
      '-- c',
      '#include <x.h>',
      'int f(void) { return 1; }',
      '-- no register offset',
      'call instruction',
    ].join('\n'),
    't.data',
  );
  assert.deepEqual(d.comments, ['Copyright line', 'second comment']);
  assert.equal(d.asm?.line, 3);
  assert.equal(d.asm?.value, 'mov %r0, 1 # one\nexit');
  assert.equal(hex(d.mem?.value), '0001ff');
  assert.equal(d.result?.value, 1n);
  assert.equal(d.c?.value, '#include <x.h>\nint f(void) { return 1; }');
  assert.equal(d.noRegisterOffset?.value, 'call instruction');
  assert.equal(d.error, undefined);
  assert.deepEqual(d.unknownDirectives, []);
});

test('raw accepts 64-bit words (opcode in the low byte) and lines of hex bytes', () => {
  const words = parseDataFile('-- raw\n0x5566778800000018\n0x1122334400000000\n-- result\n0');
  assert.equal(hex(words.raw?.value), '1800000088776655' + '0000000044332211');
  const byteLines = parseDataFile('-- raw\n07 00 01 00 01 00 00 00\n95 00 00 00 00 00 00 00\n-- error\n');
  assert.equal(hex(byteLines.raw?.value), '0700010001000000' + '9500000000000000');
});

test('an empty error section means any error; text is kept as written', () => {
  assert.equal(parseDataFile('-- error\n').error?.value, '');
  assert.equal(parseDataFile('-- error\nInvalid register').error?.value, 'Invalid register');
});

test('results may be hex, decimal or negative and are held as unsigned 64-bit', () => {
  assert.equal(parseDataFile('-- result\n0xffffffffffffffff').result?.value, (1n << 64n) - 1n);
  assert.equal(parseDataFile('-- result\n42').result?.value, 42n);
  assert.equal(parseDataFile('-- result\n-1').result?.value, (1n << 64n) - 1n);
});

test('unknown directives are recorded, and their text ignored', () => {
  const d = parseDataFile('-- asm\nexit\n-- wat\nstuff\n-- result\n0x0');
  assert.deepEqual(d.unknownDirectives, [{ text: '-- wat', line: 3 }]);
  assert.equal(d.result?.value, 0n);
});

test('malformed files are parse errors naming the file and line', () => {
  throwsAt('-- mem\n00 0g', 2, /'0g' is not a hex byte/);
  throwsAt('-- result\n0x1\n0x2', 3, /exactly one value/);
  throwsAt('-- result\nabc', 2, /not a hex or decimal number/);
  throwsAt('-- result\n0x10000000000000000', 2, /does not fit in 64 bits/);
  throwsAt('-- raw\n95 00 00', 1, /not a whole number of 8-byte instructions/);
  throwsAt('-- raw\n95 0x00', 2, /neither/);
  throwsAt('mov %r0, 1\n-- asm', 1, /text before the first section/);
  throwsAt('-- asm\nexit\n-- asm\nexit', 3, /second '-- asm' section \(the first is at line 1\)/);
});

test('a missing file is a parse error naming it', () => {
  assert.throws(() => readDataFile('/nonexistent/x.data'), (e: unknown) => e instanceof BpfError && e.where.file === '/nonexistent/x.data');
});

test('the stem of a data file names its program', () => {
  assert.equal(dataFileStem('/a/b/lddw.data'), 'lddw');
});

test('every conformance file parses', (t) => {
  const conformance = sharedPathOrSkip(t, CONFORMANCE);
  if (!conformance) return;
  let n = 0;
  for (const dir of [conformance, join(conformance, 'negative')]) {
    for (const name of readdirSync(dir).filter((f) => f.endsWith('.data'))) {
      const d = readDataFile(join(dir, name));
      assert.ok(d.asm || d.raw || d.result || d.error || d.unknownDirectives.length || d.comments.length, name);
      n++;
    }
  }
  assert.equal(n, 373);
});
