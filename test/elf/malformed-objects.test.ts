// Malformed objects must end in BpfError 'elf' naming the file: never a RangeError,
// TypeError or another kind, since fuzzers and users feed the loader arbitrary bytes.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { loadBpfObject } from '../../engine/elf/bpf-object.ts';
import { readElf64 } from '../../engine/elf/elf64.ts';
import { BpfError } from '../../engine/errors.ts';
import { WORKLOADS, fixtureObject, workloadObject } from './object-inspect.ts';

const FILE = 'mutant.o';

/** Loads `bytes`; returns 'ok' or the BpfError message, and fails on anything else. */
function outcome(bytes: Uint8Array, what: string): string {
  try {
    loadBpfObject(bytes, FILE);
    return 'ok';
  } catch (e) {
    if (!(e instanceof BpfError)) assert.fail(`${what}: threw ${(e as Error)?.constructor?.name}: ${(e as Error)?.message}`);
    assert.equal(e.kind, 'elf', `${what}: ${e.message}`);
    assert.equal(e.where.file, FILE, `${what}: ${e.message}`);
    assert.ok(e.message.startsWith(`${FILE}: `), `${what}: ${e.message}`);
    return e.message;
  }
}

function expectElfError(bytes: Uint8Array, pattern: RegExp, what: string): void {
  const got = outcome(bytes, what);
  assert.notEqual(got, 'ok', `${what}: loaded without error`);
  assert.match(got, pattern, what);
}

const base = workloadObject('deep-assert').bytes;
const layout = readElf64(base, 'deep-assert.o');
const shoff = Number(new DataView(base.buffer, base.byteOffset).getBigUint64(40, true));

function mutate(edit: (dv: DataView, b: Uint8Array) => void): Uint8Array {
  const b = Uint8Array.from(base);
  edit(new DataView(b.buffer), b);
  return b;
}
const shdr = (index: number, field: number): number => shoff + index * 64 + field;
const sectionIndex = (name: string): number => layout.sections.find((s) => s.name === name)!.index;

test('bad magic, class, byte order and machine are named', () => {
  expectElfError(mutate((_, b) => (b[1] = 0x46)), /bad magic/, 'magic');
  expectElfError(mutate((_, b) => (b[4] = 1)), /ELFCLASS64/, 'class');
  expectElfError(mutate((_, b) => (b[5] = 2)), /little-endian/, 'byte order');
  expectElfError(mutate((dv) => dv.setUint16(18, 62, true)), /e_machine 62 is not EM_BPF \(247\)/, 'machine');
  expectElfError(new Uint8Array(0), /bad magic/, 'empty file');
  expectElfError(Uint8Array.from([0x7f, 0x45, 0x4c, 0x46, 2, 1]), /ELF header/, 'header cut short');
});

test('offsets outside the file and bad string indices are named', () => {
  expectElfError(mutate((dv) => dv.setBigUint64(40, 1n << 40n, true)), /section header/, 'e_shoff');
  const text = sectionIndex('.text');
  expectElfError(mutate((dv) => dv.setBigUint64(shdr(text, 24), 1n << 32n, true)), /section \d+ contents/, 'section offset');
  expectElfError(mutate((dv) => dv.setBigUint64(shdr(text, 32), 1n << 60n, true)), /too large|outside/, 'section size');
  expectElfError(mutate((dv) => dv.setUint32(shdr(text, 0), 0x7fffffff, true)), /string index \d+ is outside/, 'section name index');
  expectElfError(mutate((dv) => dv.setUint16(62, 200, true)), /section-name table index 200/, 'e_shstrndx');
  const symtab = layout.sections.find((s) => s.name === '.symtab')!;
  expectElfError(mutate((dv) => dv.setUint32(symtab.offset + 24 * 4, 0xfffffff0, true)), /name of symbol 4/, 'symbol name index');
  const rel = layout.sections.find((s) => s.name === '.rel.text')!;
  expectElfError(mutate((dv) => dv.setUint32(rel.offset + 12, 9999, true)), /names symbol 9999/, 'relocation symbol');
  expectElfError(mutate((dv) => dv.setBigUint64(rel.offset, 3n, true)), /not on an instruction/, 'relocation offset');
});

test('a file cut short anywhere is an elf error', () => {
  for (const { bytes, file } of [...WORKLOADS.map(workloadObject), fixtureObject('multi-prog')]) {
    const cuts = new Set<number>();
    for (let i = 0; i < 160; i++) cuts.add(i);
    for (let i = 160; i < bytes.length; i += 97) cuts.add(i);
    for (const s of readElf64(bytes, file).sections) {
      cuts.add(s.offset);
      cuts.add(s.offset + s.size - 1);
    }
    cuts.add(bytes.length - 1);
    for (const n of cuts) {
      if (n >= bytes.length) continue;
      assert.notEqual(outcome(bytes.subarray(0, n), `${file} cut at ${n}`), 'ok', `${file} cut at ${n} loaded`);
    }
  }
});

/** xorshift32: a small seeded generator so a failing mutation can be replayed. */
function rng(seed: number): () => number {
  let s = seed >>> 0 || 1;
  return () => {
    s ^= s << 13;
    s >>>= 0;
    s ^= s >>> 17;
    s ^= s << 5;
    s >>>= 0;
    return s;
  };
}

test('random byte changes in headers, tables, BTF and code never escape as another error', () => {
  const objects = [...WORKLOADS.map(workloadObject), fixtureObject('multi-prog')];
  const next = rng(0x5eed);
  let loaded = 0;
  for (let iter = 0; iter < 2500; iter++) {
    const { bytes, file } = objects[iter % objects.length];
    const elf = readElf64(bytes, file);
    const so = Number(new DataView(bytes.buffer, bytes.byteOffset).getBigUint64(40, true));
    const regions: [number, number][] = [
      [0, 64],
      [so, elf.sections.length * 64],
      ...elf.sections.filter((s) => s.type !== 8 && s.size > 0 && !s.name.startsWith('.debug')).map((s): [number, number] => [s.offset, s.size]),
    ];
    const b = Uint8Array.from(bytes);
    const flips = 1 + (next() % 4);
    const edits: string[] = [];
    for (let k = 0; k < flips; k++) {
      const [start, len] = regions[next() % regions.length];
      const at = start + (next() % len);
      const v = next() & 0xff;
      edits.push(`${at}=${v}`);
      b[at] = v;
    }
    if (outcome(b, `iteration ${iter} (${file}: ${edits.join(' ')})`) === 'ok') loaded++;
  }
  // Many single-byte edits hit immediates or padding and still load; all must not.
  assert.ok(loaded < 2500, 'every mutant loaded: the mutations are not reaching the parser');
});
