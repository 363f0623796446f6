// A small ELF64 little-endian reader for BPF relocatable objects (System V gABI,
// "ELF-64 Object File Format" 1.5): header, section headers, string tables, the symbol
// table and REL/RELA sections. Every offset is checked against the file before it is
// read, so a malformed or hostile input ends in BpfError 'elf', never a RangeError.

import { BpfError } from '../errors.ts';

export const EM_BPF = 247;

export const SHT = {
  NULL: 0,
  PROGBITS: 1,
  SYMTAB: 2,
  STRTAB: 3,
  RELA: 4,
  NOBITS: 8,
  REL: 9,
} as const;

export const SHF = { WRITE: 0x1, ALLOC: 0x2, EXECINSTR: 0x4 } as const;

export const STT = { NOTYPE: 0, OBJECT: 1, FUNC: 2, SECTION: 3, FILE: 4 } as const;
export const STB = { LOCAL: 0, GLOBAL: 1, WEAK: 2 } as const;
export const SHN_UNDEF = 0;
const SHN_LORESERVE = 0xff00;
const SHN_XINDEX = 0xffff;

const EHDR_SIZE = 64;
const SHDR_SIZE = 64;
const SYM_SIZE = 24;
const REL_SIZE = 16;
const RELA_SIZE = 24;

export interface ElfSection {
  index: number;
  name: string;
  type: number;
  flags: number;
  offset: number;
  size: number;
  link: number;
  info: number;
  entsize: number;
  /** File bytes of the section; empty for SHT_NOBITS (whose size is still `size`). */
  data: Uint8Array;
}

export interface ElfSymbol {
  index: number;
  name: string;
  value: number;
  size: number;
  type: number;
  bind: number;
  /** Section index the symbol is defined in, SHN_UNDEF for externs. */
  shndx: number;
}

export interface ElfRelocation {
  /** Byte offset inside the section the relocation applies to. */
  offset: number;
  type: number;
  symbol: number;
  /** Explicit addend (RELA only); REL keeps its addend in the relocated bytes. */
  addend?: bigint;
}

export interface ElfFile {
  file: string;
  machine: number;
  sections: ElfSection[];
  /** Symbols of the (single) SYMTAB section, index 0 included; empty when there is none. */
  symbols: ElfSymbol[];
  /** Relocations by the index of the section they apply to. */
  relocations: Map<number, ElfRelocation[]>;
}

/** Bounds-checked little-endian reads over the whole file. */
class Reader {
  private readonly dv: DataView;
  constructor(
    readonly bytes: Uint8Array,
    readonly file: string,
  ) {
    this.dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }

  fail(what: string): never {
    throw new BpfError('elf', what, { file: this.file });
  }

  need(offset: number, length: number, what: string): void {
    if (!Number.isSafeInteger(offset) || !Number.isSafeInteger(length) || offset < 0 || length < 0 || offset + length > this.bytes.length) {
      this.fail(`${what} (bytes ${offset}..${offset + length}) lies outside the ${this.bytes.length}-byte file`);
    }
  }

  u8(o: number): number {
    return this.dv.getUint8(o);
  }
  u16(o: number): number {
    return this.dv.getUint16(o, true);
  }
  u32(o: number): number {
    return this.dv.getUint32(o, true);
  }
  /** A 64-bit field that must fit a JavaScript number (offsets, sizes, symbol values). */
  u64(o: number, what: string): number {
    const v = this.dv.getBigUint64(o, true);
    if (v > BigInt(Number.MAX_SAFE_INTEGER)) this.fail(`${what} 0x${v.toString(16)} is too large`);
    return Number(v);
  }
  i64(o: number): bigint {
    return this.dv.getBigInt64(o, true);
  }
}

/** NUL-terminated string at `index` inside a string-table section. */
function stringAt(table: ElfSection, index: number, file: string, what: string): string {
  if (table.type !== SHT.STRTAB) {
    throw new BpfError('elf', `${what}: section ${table.index} (${table.name || 'unnamed'}) is not a string table`, { file });
  }
  const data = table.data;
  if (index < 0 || index >= data.length) {
    throw new BpfError('elf', `${what}: string index ${index} is outside string table ${table.name || table.index} (${data.length} bytes)`, { file });
  }
  const end = data.indexOf(0, index);
  if (end < 0) throw new BpfError('elf', `${what}: string at index ${index} in ${table.name || table.index} is not NUL-terminated`, { file });
  return new TextDecoder('utf-8', { fatal: false }).decode(data.subarray(index, end));
}

export function readElf64(bytes: Uint8Array, file: string): ElfFile {
  const r = new Reader(bytes, file);
  if (bytes.length < 4 || bytes[0] !== 0x7f || bytes[1] !== 0x45 || bytes[2] !== 0x4c || bytes[3] !== 0x46) {
    r.fail('not an ELF file (bad magic)');
  }
  r.need(0, EHDR_SIZE, 'ELF header');
  if (bytes[4] !== 2) r.fail(`ELF class ${bytes[4]} is not ELFCLASS64 (2)`);
  if (bytes[5] !== 1) r.fail(`ELF data encoding ${bytes[5]} is not little-endian (ELFDATA2LSB, 1)`);
  if (bytes[6] !== 1) r.fail(`ELF identification version ${bytes[6]} is not 1`);
  const machine = r.u16(18);
  if (machine !== EM_BPF) r.fail(`e_machine ${machine} is not EM_BPF (${EM_BPF})`);

  const shoff = r.u64(40, 'e_shoff');
  const shentsize = r.u16(58);
  let shnum = r.u16(60);
  let shstrndx = r.u16(62);
  if (shoff === 0) {
    return { file, machine, sections: [], symbols: [], relocations: new Map() };
  }
  if (shentsize !== SHDR_SIZE) r.fail(`e_shentsize ${shentsize} is not ${SHDR_SIZE}`);
  r.need(shoff, SHDR_SIZE, 'section header 0');
  // Extended numbering: the real counts live in section header 0.
  if (shnum === 0) shnum = r.u64(shoff + 32, 'section count (sh_size of section 0)');
  if (shstrndx === SHN_XINDEX) shstrndx = r.u32(shoff + 40);
  r.need(shoff, shnum * SHDR_SIZE, `section header table (${shnum} entries)`);

  const sections: ElfSection[] = [];
  const nameIndexes: number[] = [];
  for (let i = 0; i < shnum; i++) {
    const h = shoff + i * SHDR_SIZE;
    const type = r.u32(h + 4);
    const offset = r.u64(h + 24, `section ${i} offset`);
    const size = r.u64(h + 32, `section ${i} size`);
    let data: Uint8Array = new Uint8Array(0);
    if (type !== SHT.NOBITS && type !== SHT.NULL) {
      r.need(offset, size, `section ${i} contents`);
      data = bytes.subarray(offset, offset + size);
    }
    sections.push({
      index: i,
      name: '',
      type,
      flags: r.u64(h + 8, `section ${i} flags`),
      offset,
      size,
      link: r.u32(h + 40),
      info: r.u32(h + 44),
      entsize: r.u64(h + 56, `section ${i} entsize`),
      data,
    });
    nameIndexes.push(r.u32(h)); // resolved below, once the section-name table is known
  }

  if (shstrndx !== 0) {
    if (shstrndx >= shnum) r.fail(`section-name table index ${shstrndx} is out of range (${shnum} sections)`);
    const names = sections[shstrndx];
    for (const s of sections) s.name = stringAt(names, nameIndexes[s.index], file, `name of section ${s.index}`);
  }

  const symbols = readSymbols(r, sections);
  const relocations = readRelocations(r, sections, symbols.length);
  return { file, machine, sections, symbols, relocations };
}

function readSymbols(r: Reader, sections: ElfSection[]): ElfSymbol[] {
  const symtabs = sections.filter((s) => s.type === SHT.SYMTAB);
  if (symtabs.length === 0) return [];
  if (symtabs.length > 1) r.fail(`${symtabs.length} symbol tables (SHT_SYMTAB); expected one`);
  const symtab = symtabs[0];
  if (symtab.entsize !== SYM_SIZE) r.fail(`symbol table ${symtab.name} has entry size ${symtab.entsize}, not ${SYM_SIZE}`);
  if (symtab.size % SYM_SIZE !== 0) r.fail(`symbol table ${symtab.name} size ${symtab.size} is not a multiple of ${SYM_SIZE}`);
  if (symtab.link === 0 || symtab.link >= sections.length) {
    r.fail(`symbol table ${symtab.name} links to string table ${symtab.link}, which does not exist`);
  }
  const strtab = sections[symtab.link];
  const out: ElfSymbol[] = [];
  for (let i = 0; i < symtab.size / SYM_SIZE; i++) {
    const o = symtab.offset + i * SYM_SIZE;
    const info = r.u8(o + 4);
    const shndx = r.u16(o + 6);
    if (shndx !== SHN_UNDEF && shndx < SHN_LORESERVE && shndx >= sections.length) {
      r.fail(`symbol ${i} is defined in section ${shndx}, which does not exist`);
    }
    out.push({
      index: i,
      name: stringAt(strtab, r.u32(o), r.file, `name of symbol ${i}`),
      value: r.u64(o + 8, `value of symbol ${i}`),
      size: r.u64(o + 16, `size of symbol ${i}`),
      type: info & 0xf,
      bind: info >> 4,
      shndx,
    });
  }
  return out;
}

function readRelocations(r: Reader, sections: ElfSection[], nsyms: number): Map<number, ElfRelocation[]> {
  const out = new Map<number, ElfRelocation[]>();
  for (const s of sections) {
    if (s.type !== SHT.REL && s.type !== SHT.RELA) continue;
    const rela = s.type === SHT.RELA;
    const entsize = rela ? RELA_SIZE : REL_SIZE;
    if (s.entsize !== entsize) r.fail(`relocation section ${s.name} has entry size ${s.entsize}, not ${entsize}`);
    if (s.size % entsize !== 0) r.fail(`relocation section ${s.name} size ${s.size} is not a multiple of ${entsize}`);
    if (s.info === 0 || s.info >= sections.length) r.fail(`relocation section ${s.name} applies to section ${s.info}, which does not exist`);
    const list = out.get(s.info) ?? [];
    for (let i = 0; i < s.size / entsize; i++) {
      const o = s.offset + i * entsize;
      const offset = r.u64(o, `offset of relocation ${i} in ${s.name}`);
      const type = r.u32(o + 8);
      const symbol = r.u32(o + 12);
      if (symbol >= nsyms) r.fail(`relocation ${i} in ${s.name} names symbol ${symbol}, but the symbol table has ${nsyms}`);
      const rel: ElfRelocation = { offset, type, symbol };
      if (rela) rel.addend = r.i64(o + 16);
      list.push(rel);
    }
    out.set(s.info, list);
  }
  return out;
}
