// The interpreter's numeric cases and the compiled tier's named ones must mean what the
// opcode table says: every label is read back from the source and looked up in the table.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { OPCODES, specByXop } from '../../engine/isa/opcodes.ts';
import { XOP } from '../../engine/isa/xop.ts';

const read = (path: string): string => readFileSync(new URL(`../../engine/exec/${path}`, import.meta.url), 'utf8');
/** From `switch (<head>)` to that switch's `default:`. */
function switchBody(file: string, head: string): string {
  const start = file.indexOf(`switch (${head})`);
  assert.ok(start >= 0, `no switch (${head})`);
  return file.slice(start, file.indexOf('default:', start));
}
const rowsWithout = (seen: Set<number>, skip: (s: (typeof OPCODES)[number]) => boolean): string[] =>
  OPCODES.filter((s) => !seen.has(s.xop) && !skip(s)).map((s) => s.name);
// Legacy packet loads are refused by the loader, so no executor has a case for them.
const packet = (s: (typeof OPCODES)[number]): boolean => s.form === 'ldabs' || s.form === 'ldind';

test('XOP names every row of the opcode table with its xop, and nothing else', () => {
  assert.equal(Object.keys(XOP).length, OPCODES.length);
  for (const s of OPCODES) assert.equal(XOP[s.name as keyof typeof XOP], s.xop, s.name);
});

test('every literal case of the interpreter hot switch is the xop of the row it names', () => {
  const body = switchBody(read('interpreter.ts'), 'code[b]');
  const seen = new Set<number>();
  for (const m of body.matchAll(/case ([^:]+):/g)) {
    const label = /^(0x[0-9a-f]+) satisfies typeof XOP\.(\w+)$/.exec(m[1]);
    assert.ok(label, `case ${m[1]}: is not written 'case 0x.. satisfies typeof XOP.NAME'`);
    const value = Number(label[1]);
    const spec = specByXop(value);
    assert.ok(spec, `case ${label[1]} is not an xop`);
    assert.equal(spec.name, label[2], `case ${label[1]} is ${spec.mnemonic} (${spec.form}), labelled XOP.${label[2]}`);
    assert.ok(!seen.has(value), `case ${label[1]} twice`);
    seen.add(value);
  }
  assert.deepEqual(rowsWithout(seen, packet), [], 'opcode rows without an interpreter case');
});

test('the compiled tier emits every row that is not a call or exit, by named xop', () => {
  const body = switchBody(read('compiled-tier/emit-insn.ts'), 'xop');
  const seen = new Set<number>();
  for (const m of body.matchAll(/case ([^:]+):/g)) {
    const label = /^XOP\.(\w+)$/.exec(m[1]);
    assert.ok(label, `case ${m[1]}: is not a named xop`);
    const value = (XOP as Record<string, number>)[label[1]];
    assert.ok(value !== undefined && !seen.has(value), `case XOP.${label[1]}`);
    seen.add(value);
  }
  const handledByCodegen = (s: (typeof OPCODES)[number]): boolean => s.flow.startsWith('call') || s.flow === 'exit';
  assert.deepEqual(rowsWithout(seen, (s) => packet(s) || handledByCodegen(s)), []);
});
