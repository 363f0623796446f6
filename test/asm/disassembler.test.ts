import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { assemble } from '../../engine/asm/assembler.ts';
import { readDataFile } from '../../engine/asm/data-file.ts';
import { disassemble } from '../../engine/asm/disassembler.ts';
import { loadBpfObject } from '../../engine/elf/bpf-object.ts';
import { BpfError } from '../../engine/errors.ts';
import { hexBytes } from '../../engine/hex.ts';
import { CONFORMANCE, sharedPathOrSkip } from '../shared-data.ts';

const WORKLOAD_OBJECTS = fileURLToPath(new URL('../../benchmarks/workloads/obj/', import.meta.url));
const bytes = (h: string) => Uint8Array.from(Buffer.from(h.replace(/\s+/g, ''), 'hex'));

test('jump and local-call targets become generated labels', () => {
  const src = 'mov %r0, 0\njeq %r1, 0, L\ncall local f\nL: exit\nf: mov %r0, 1\nexit';
  const text = disassemble(assemble(src).insns);
  assert.equal(text, ['mov %r0, 0', 'jeq %r1, 0, L3', 'call local L4', 'L3:', 'exit', 'L4:', 'mov %r0, 1', 'exit', ''].join('\n'));
});

test('symbols name labels where given', () => {
  const insns = assemble('call local f\nexit\nf: exit').insns;
  assert.match(disassemble(insns, { symbols: new Map([[2, 'my_func']]) }), /call local my_func\nexit\nmy_func:\nexit/);
});

test('a jump past the end gets a label after the last instruction; into lddw it stays relative', () => {
  assert.equal(disassemble(assemble('ja +1\nexit').insns), 'ja L2\nexit\nL2:\n');
  const intoLddw = assemble('ja +1\nlddw %r0, 1\nexit').insns;
  assert.match(disassemble(intoLddw), /^ja \+1\n/);
});

test('unknown opcodes and unused non-zero fields become .raw lines that reassemble exactly', () => {
  const unknown = bytes('ff 00 00 00 00 00 00 00 95 00 00 00 00 00 00 00');
  const text = disassemble(unknown);
  assert.match(text, /^\.raw 0x00000000000000ff # unknown opcode 0xff\nexit\n$/);
  assert.equal(hexBytes(assemble(text).insns), hexBytes(unknown));
  const addWithOffset = bytes('07 00 01 00 01 00 00 00');
  assert.match(disassemble(addWithOffset), /^\.raw 0x0000000100010007 # add with fields its form does not use/);
  const pseudoLddw = bytes('18 11 00 00 01 00 00 00 00 00 00 00 00 00 00 00');
  assert.equal(hexBytes(assemble(disassemble(pseudoLddw)).insns), hexBytes(pseudoLddw));
});

test('strict mode rejects a slot no row describes, naming the instruction', () => {
  assert.throws(
    () => disassemble(bytes('95 00 00 00 00 00 00 00 ff 00 00 00 00 00 00 00'), { unknown: 'error', file: 'x.o' }),
    (e: unknown) => e instanceof BpfError && e.where.pc === 1 && e.where.file === 'x.o' && /opcode 0xff/.test(e.detail),
  );
});

test('a byte count that is not whole instructions is an error', () => {
  assert.throws(() => disassemble(new Uint8Array(12)), BpfError);
});

test('a truncated lddw is printed as .raw', () => {
  assert.match(disassemble(bytes('18 00 00 00 01 00 00 00')), /^\.raw /);
});

test('assemble(disassemble(x)) reproduces every program of the workload objects, labels named by their symbols', () => {
  let checked = 0;
  for (const name of readdirSync(WORKLOAD_OBJECTS).filter((n) => n.endsWith('.o'))) {
    for (const p of loadBpfObject(new Uint8Array(readFileSync(join(WORKLOAD_OBJECTS, name))), name).programs) {
      const text = disassemble(p.insns, { symbols: p.symbols });
      assert.equal(hexBytes(assemble(text, `${p.source} (disassembled)`).insns), hexBytes(p.insns), p.source);
      checked++;
    }
  }
  assert.ok(checked >= 5, `only ${checked} programs checked`);
});

test('assemble(disassemble(x)) reproduces every conformance program', (t) => {
  const conformance = sharedPathOrSkip(t, CONFORMANCE);
  if (!conformance) return;
  let checked = 0;
  for (const dir of [conformance, join(conformance, 'negative')]) {
    for (const name of readdirSync(dir).filter((n) => n.endsWith('.data'))) {
      const data = readDataFile(join(dir, name));
      let insns = data.raw?.value;
      if (!insns && data.asm) {
        try {
          insns = assemble(data.asm.value).insns;
        } catch (e) {
          if (dir === conformance) throw e;
          continue; // negative files whose asm is meant not to assemble
        }
      }
      if (!insns || insns.length === 0) continue;
      const text = disassemble(insns);
      assert.equal(hexBytes(assemble(text, `${name} (disassembled)`).insns), hexBytes(insns), name);
      if (dir === conformance) assert.ok(!text.includes('.raw'), `${name} needed .raw:\n${text}`);
      checked++;
    }
  }
  assert.ok(checked >= 313, `only ${checked} programs checked`);
});
