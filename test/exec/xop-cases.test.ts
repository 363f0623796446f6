// The interpreter's numeric cases must mean what the opcode table says they mean.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { OPCODES, specByXop } from '../../engine/isa/opcodes.ts';

const file = readFileSync(new URL('../../engine/exec/interpreter.ts', import.meta.url), 'utf8');
// The hot loop's switch: from `switch (code[b])` to its `default:`.
const source = file.slice(file.indexOf('switch (code[b])'), file.indexOf('default:', file.indexOf('switch (code[b])')));

test('every interpreter case label names the mnemonic of its xop', () => {
  const seen = new Set<number>();
  for (const line of source.split('\n')) {
    const labels = [...line.matchAll(/case (0x[0-9a-f]+):/g)].map((m) => Number(m[1]));
    if (!labels.length) continue;
    const comment = /\/\/ (.*)$/.exec(line)?.[1] ?? '';
    for (const xop of labels) {
      const spec = specByXop(xop);
      assert.ok(spec, `case 0x${xop.toString(16)} is not an xop`);
      assert.ok(comment.includes(spec.mnemonic.replace(/^lock (fetch )?(\w+?)(32)?$/, 'lock')), `case 0x${xop.toString(16)} is ${spec.mnemonic}, comment says '${comment}'`);
      seen.add(xop);
    }
  }
  const missing = OPCODES.filter((s) => !seen.has(s.xop) && s.form !== 'ldabs' && s.form !== 'ldind');
  assert.deepEqual(missing.map((s) => s.mnemonic), [], 'opcode rows without an interpreter case');
});
