import assert from 'node:assert/strict';
import { test } from 'node:test';
import { findDatasec, parseBtf, BTF_KIND } from '../../engine/elf/btf.ts';
import { EM_BPF, SHT, STB, STT, readElf64 } from '../../engine/elf/elf64.ts';
import { workloadObject } from './object-inspect.ts';

test('the reader lists sections, symbols and relocations of a clang object', () => {
  const { bytes, file } = workloadObject('xdp-parse');
  const elf = readElf64(bytes, file);
  assert.equal(elf.machine, EM_BPF);
  assert.equal(elf.sections.length, 29);
  const byName = new Map(elf.sections.map((s) => [s.name, s]));
  const xdp = byName.get('xdp')!;
  assert.equal(xdp.type, SHT.PROGBITS);
  assert.equal(xdp.size, 0x6f8);
  assert.equal(byName.get('.maps')!.size, 0x40);
  assert.equal(byName.get('.rodata')!.size, 2);
  assert.equal(byName.get('.relxdp')!.type, SHT.REL);
  assert.equal(byName.get('.symtab')!.type, SHT.SYMTAB);

  assert.equal(elf.symbols.length, 39);
  const fn = elf.symbols.find((s) => s.name === 'xdp_parse')!;
  assert.deepEqual([fn.type, fn.bind, fn.shndx, fn.value, fn.size], [STT.FUNC, STB.GLOBAL, xdp.index, 0, 1784]);
  const pc = elf.symbols.find((s) => s.name === 'proto_counts')!;
  assert.deepEqual([pc.shndx, pc.value, pc.size], [byName.get('.maps')!.index, 0x20, 32]);

  const relocs = elf.relocations.get(xdp.index)!;
  assert.equal(relocs.length, 16);
  assert.deepEqual(relocs[0], { offset: 0x60, type: 1, symbol: pc.index });
});

test('the BTF reader finds the .maps section and its variables', () => {
  const { bytes, file } = workloadObject('xdp-parse');
  const elf = readElf64(bytes, file);
  const btf = parseBtf(elf.sections.find((s) => s.name === '.BTF')!.data, file);
  const maps = findDatasec(btf, '.maps')!;
  const names = maps.vars!.map((v) => btf.types[v.type]);
  assert.ok(names.every((t) => t.kind === BTF_KIND.VAR));
  assert.deepEqual(names.map((t) => t.name).sort(), ['flows', 'proto_counts']);
});
