// The maps a BPF object defines, in the order libbpf creates them (section order, then
// symbol offset): BTF-defined maps in `.maps`, legacy `struct bpf_map_def` maps in
// `maps`, and one single-entry array per global-data section (.data, .bss, .rodata and
// their `.data.*`/`.rodata.*` variants such as `.rodata.str1.1`).

import { BpfError } from '../errors.ts';
import type { MapDef, MapType } from '../program.ts';
import { BTF_KIND, btfSizeOf, btfType, findDatasec, parseBtf, skipModifiers, type Btf } from './btf.ts';
import { SHF, SHT, STT, type ElfFile, type ElfSection, type ElfSymbol } from './elf64.ts';

/** enum bpf_map_type values (include/uapi/linux/bpf.h) the suite can simulate. */
const MAP_TYPE_BY_ID: ReadonlyMap<number, MapType> = new Map([
  [1, 'hash'],
  [2, 'array'],
  [3, 'prog_array'],
  [5, 'percpu_hash'],
  [6, 'percpu_array'],
  [9, 'lru_hash'],
  [27, 'ringbuf'],
]);

/** Map flags libbpf gives global-data maps (include/uapi/linux/bpf.h). */
export const BPF_F_RDONLY_PROG = 1 << 7;
export const BPF_F_MMAPABLE = 1 << 10;

/** Largest global-data section accepted: the kernel's KMALLOC_MAX_SIZE on x86-64 (4 MiB),
 * which bounds an array map's value. */
const MAX_GLOBAL_DATA = 4 << 20;

export interface ObjectMaps {
  maps: MapDef[];
  /** Index into `maps` of the map a `.maps`/`maps` symbol defines, keyed by symbol index. */
  bySymbol: Map<number, number>;
  /** Index into `maps` of the global-data map backed by a section, keyed by section index. */
  bySection: Map<number, number>;
}

function isGlobalDataSection(s: ElfSection): boolean {
  if (!(s.flags & SHF.ALLOC) || (s.type !== SHT.PROGBITS && s.type !== SHT.NOBITS)) return false;
  if (s.flags & SHF.EXECINSTR) return false;
  return /^\.(data|bss|rodata)(\..+)?$/.test(s.name);
}

export function collectMaps(elf: ElfFile): ObjectMaps {
  const out: ObjectMaps = { maps: [], bySymbol: new Map(), bySection: new Map() };
  let btf: Btf | undefined;
  for (const s of elf.sections) {
    if (s.name === '.maps') {
      btf ??= loadBtf(elf);
      addBtfMaps(elf, s, btf, out);
    } else if (s.name === 'maps') {
      addLegacyMaps(elf, s, out);
    } else if (isGlobalDataSection(s) && s.size > 0) {
      if (s.size > MAX_GLOBAL_DATA) {
        throw new BpfError('elf', `global-data section ${s.name} is ${s.size} bytes; a map value may be at most ${MAX_GLOBAL_DATA}`, { file: elf.file });
      }
      const readonly = s.name.startsWith('.rodata');
      out.bySection.set(s.index, out.maps.length);
      out.maps.push({
        name: s.name,
        type: 'array',
        keySize: 4,
        valueSize: s.size,
        maxEntries: 1,
        flags: BPF_F_MMAPABLE | (readonly ? BPF_F_RDONLY_PROG : 0),
        initialValue: s.type === SHT.NOBITS ? new Uint8Array(s.size) : Uint8Array.from(s.data),
        ...(readonly ? { readonly: true } : {}),
      });
    }
  }
  return out;
}

function loadBtf(elf: ElfFile): Btf {
  const sec = elf.sections.find((s) => s.name === '.BTF');
  if (!sec) throw new BpfError('elf', 'section .maps needs type information, but the object has no .BTF section (build with -g)', { file: elf.file });
  return parseBtf(sec.data, elf.file);
}

function symbolsIn(elf: ElfFile, section: ElfSection): ElfSymbol[] {
  return elf.symbols
    .filter((sym) => sym.shndx === section.index && sym.type !== STT.SECTION && sym.type !== STT.FILE && sym.name !== '')
    .sort((a, b) => a.value - b.value);
}

function mapType(id: number, name: string, file: string): MapType {
  const t = MAP_TYPE_BY_ID.get(id);
  if (!t) throw new BpfError('elf', `map ${name}: map type ${id} is not supported (supported: ${[...MAP_TYPE_BY_ID].map(([k, v]) => `${k} ${v}`).join(', ')})`, { file });
  return t;
}

function addBtfMaps(elf: ElfFile, section: ElfSection, btf: Btf, out: ObjectMaps): void {
  const file = elf.file;
  const datasec = findDatasec(btf, '.maps');
  if (!datasec) throw new BpfError('elf', '.BTF has no DATASEC for .maps', { file });
  const varByName = new Map<string, number>();
  for (const v of datasec.vars ?? []) {
    const t = btfType(btf, v.type, file);
    if (t.kind !== BTF_KIND.VAR) throw new BpfError('elf', `.BTF: .maps entry type ${v.type} is not a VAR`, { file });
    varByName.set(t.name, t.sizeOrType);
  }
  for (const sym of symbolsIn(elf, section)) {
    const typeId = varByName.get(sym.name);
    if (typeId === undefined) throw new BpfError('elf', `map ${sym.name}: no BTF variable of that name in the .maps DATASEC`, { file });
    out.bySymbol.set(sym.index, out.maps.length);
    out.maps.push(btfMapDef(btf, sym.name, typeId, file));
  }
}

function btfMapDef(btf: Btf, name: string, typeId: number, file: string): MapDef {
  const def = skipModifiers(btf, typeId, file);
  const fail = (what: string): never => {
    throw new BpfError('elf', `map ${name}: ${what}`, { file });
  };
  if (def.kind !== BTF_KIND.STRUCT) fail(`definition is BTF kind ${def.kind}, not a struct`);
  const fields = new Map<string, number>();
  let keySize: number | undefined;
  let valueSize: number | undefined;
  for (const m of def.members ?? []) {
    const ptr = skipModifiers(btf, m.type, file);
    if (ptr.kind !== BTF_KIND.PTR) continue; // not a __uint/__type field
    if (m.name === 'key' || m.name === 'value') {
      const size = btfSizeOf(btf, ptr.sizeOrType, file);
      if (m.name === 'key') keySize = size;
      else valueSize = size;
      continue;
    }
    // __uint(name, val) is `int (*name)[val]`: the value is the array's element count.
    const arr = skipModifiers(btf, ptr.sizeOrType, file);
    if (arr.kind === BTF_KIND.ARRAY) fields.set(m.name, arr.array!.nelems);
  }
  const typeField = fields.get('type');
  if (typeField === undefined) fail('no `type` field');
  const type = mapType(typeField!, name, file);
  const explicitKey = fields.get('key_size');
  const explicitValue = fields.get('value_size');
  if (keySize !== undefined && explicitKey !== undefined && keySize !== explicitKey) fail(`key type is ${keySize} bytes but key_size says ${explicitKey}`);
  if (valueSize !== undefined && explicitValue !== undefined && valueSize !== explicitValue) fail(`value type is ${valueSize} bytes but value_size says ${explicitValue}`);
  const maxEntries = fields.get('max_entries');
  if (maxEntries === undefined) fail('no `max_entries` field');
  return {
    name,
    type,
    keySize: keySize ?? explicitKey ?? 0,
    valueSize: valueSize ?? explicitValue ?? 0,
    maxEntries: maxEntries!,
    flags: fields.get('map_flags') ?? 0,
  };
}

/** struct bpf_map_def { u32 type, key_size, value_size, max_entries, map_flags; ... }. */
function addLegacyMaps(elf: ElfFile, section: ElfSection, out: ObjectMaps): void {
  const file = elf.file;
  const syms = symbolsIn(elf, section);
  if (syms.length === 0) return;
  if (section.type === SHT.NOBITS) throw new BpfError('elf', 'legacy maps section has no contents (SHT_NOBITS)', { file });
  const defSize = Math.floor(section.size / syms.length);
  if (defSize < 20 || section.size % syms.length !== 0) {
    throw new BpfError('elf', `legacy maps section is ${section.size} bytes for ${syms.length} maps; each bpf_map_def needs at least 20`, { file });
  }
  const dv = new DataView(section.data.buffer, section.data.byteOffset, section.data.byteLength);
  for (const sym of syms) {
    if (sym.value % defSize !== 0 || sym.value + defSize > section.size) {
      throw new BpfError('elf', `legacy map ${sym.name} at offset ${sym.value} is not on a ${defSize}-byte definition boundary inside the section`, { file });
    }
    const o = sym.value;
    out.bySymbol.set(sym.index, out.maps.length);
    out.maps.push({
      name: sym.name,
      type: mapType(dv.getUint32(o, true), sym.name, file),
      keySize: dv.getUint32(o + 4, true),
      valueSize: dv.getUint32(o + 8, true),
      maxEntries: dv.getUint32(o + 12, true),
      flags: dv.getUint32(o + 16, true),
    });
  }
}
