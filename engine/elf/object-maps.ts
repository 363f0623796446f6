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
  [4, 'perf_event_array'],
  [9, 'lru_hash'],
  [10, 'lru_percpu_hash'],
  [11, 'lpm_trie'],
  [12, 'array_of_maps'],
  [13, 'hash_of_maps'],
  [14, 'devmap'],
  [16, 'cpumap'],
  [17, 'xskmap'],
  [22, 'queue'],
  [23, 'stack'],
  [25, 'devmap_hash'],
  [27, 'ringbuf'],
  [30, 'bloom_filter'],
]);

const isMapInMap = (t: MapType): boolean => t === 'array_of_maps' || t === 'hash_of_maps';

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
  const syms = symbolsIn(elf, section);
  const valuesAt = new Map<number, number>();
  const defs: MapDef[] = [];
  for (const sym of syms) {
    const typeId = varByName.get(sym.name);
    if (typeId === undefined) throw new BpfError('elf', `map ${sym.name}: no BTF variable of that name in the .maps DATASEC`, { file });
    out.bySymbol.set(sym.index, out.maps.length);
    const { def, valuesOffset } = btfMapDef(btf, sym.name, typeId, file);
    if (valuesOffset !== undefined) valuesAt.set(sym.index, valuesOffset);
    defs.push(def);
    out.maps.push(def);
  }
  // `.values = { [i] = &inner }` of a map-in-map: one 8-byte pointer slot per index,
  // each with a relocation against the inner map's symbol (libbpf
  // bpf_object__collect_map_relos()).
  for (const rel of elf.relocations.get(section.index) ?? []) {
    let at = -1;
    for (let i = 0; i < syms.length && syms[i].value <= rel.offset; i++) at = i;
    const outer = syms[at];
    const target = elf.symbols[rel.symbol];
    const valuesOffset = outer ? valuesAt.get(outer.index) : undefined;
    if (!outer || valuesOffset === undefined || rel.offset < outer.value + valuesOffset) {
      throw new BpfError('elf', `.maps relocation at offset ${rel.offset} (against ${target?.name ?? rel.symbol}) is not inside a map's .values`, { file });
    }
    const slot = (rel.offset - outer.value - valuesOffset) / 8;
    if (!Number.isInteger(slot)) throw new BpfError('elf', `map ${outer.name}: .values relocation at offset ${rel.offset} is not on an 8-byte slot`, { file });
    const def = defs[at];
    if (slot >= def.maxEntries) throw new BpfError('elf', `map ${outer.name}: .values slot ${slot} is outside max_entries ${def.maxEntries}`, { file });
    // A prog_array's `.values` name programs: tail-call targets libbpf installs after
    // loading (bpf_object__collect_map_relos: the target must be a program's entry).
    if (def.type === 'prog_array') {
      const inText = target && elf.sections[target.shndx]?.name === '.text';
      if (!target || target.type !== STT.FUNC || inText) throw new BpfError('elf', `map ${outer.name}: .values slot ${slot} names '${target?.name ?? rel.symbol}', which isn't an entry-point program (libbpf bpf_object__collect_map_relos)`, { file });
      const progSlots = new Map(def.programSlots ?? []);
      progSlots.set(slot, target.name);
      def.programSlots = progSlots;
      continue;
    }
    if (!isMapInMap(def.type)) throw new BpfError('elf', `map ${outer.name} (${def.type}): .values relocations are only for map-in-map and prog_array maps`, { file });
    if (!target || target.shndx !== section.index) throw new BpfError('elf', `map ${outer.name}: .values slot ${slot} does not name a map in .maps`, { file });
    const slots = new Map(def.initialSlots ?? []);
    slots.set(slot, target.name);
    def.initialSlots = slots;
  }
}

/** A BTF map definition (libbpf parse_btf_map_def()); `valuesOffset` is the byte offset
 * of a map-in-map's or prog_array's `values` member, where its `.values` initialisers sit. */
function btfMapDef(btf: Btf, name: string, typeId: number, file: string, depth = 0): { def: MapDef; valuesOffset?: number } {
  const def = skipModifiers(btf, typeId, file);
  const fail = (what: string): never => {
    throw new BpfError('elf', `map ${name}: ${what}`, { file });
  };
  if (def.kind !== BTF_KIND.STRUCT) fail(`definition is BTF kind ${def.kind}, not a struct`);
  const fields = new Map<string, number>();
  let keySize: number | undefined;
  let valueSize: number | undefined;
  let values: { inner?: MapDef; offset: number } | undefined;
  for (const m of def.members ?? []) {
    const ptr = skipModifiers(btf, m.type, file);
    if (m.name === 'values' && ptr.kind === BTF_KIND.ARRAY) {
      // __array(values, struct inner): an array of pointers to the inner map's definition
      // (for prog_array, to a function prototype: no template).
      const elem = skipModifiers(btf, ptr.array!.type, file);
      const target = elem.kind === BTF_KIND.PTR ? skipModifiers(btf, elem.sizeOrType, file) : undefined;
      values = { offset: m.offset / 8 };
      if (target?.kind === BTF_KIND.STRUCT) {
        if (depth > 0) fail('an inner map cannot itself be a map-in-map with a template');
        values.inner = btfMapDef(btf, `${name}.inner`, elem.sizeOrType, file, depth + 1).def;
      }
      continue;
    }
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
  // libbpf leaves max_entries 0 for a perf_event_array (one slot per possible CPU at
  // creation) and for an inner map given only as a template.
  const maxEntries = fields.get('max_entries') ?? (type === 'perf_event_array' ? 0 : undefined);
  if (maxEntries === undefined) fail('no `max_entries` field');
  const out: MapDef = {
    name,
    type,
    keySize: keySize ?? explicitKey ?? 0,
    valueSize: valueSize ?? explicitValue ?? 0,
    maxEntries: maxEntries!,
    flags: fields.get('map_flags') ?? 0,
  };
  const extra = fields.get('map_extra');
  if (extra !== undefined) out.extra = extra;
  // perf_event_array's key and value are ints whatever the definition omits (libbpf sets
  // both to 4 when absent).
  if (type === 'perf_event_array') {
    out.keySize ||= 4;
    out.valueSize ||= 4;
  }
  if (isMapInMap(type)) {
    if (!values?.inner) fail('map-in-map definition has no inner map template (declare `__array(values, struct { ... })`)');
    // The outer map's values are inner map fds (libbpf: value_size = 4).
    if (valueSize !== undefined && valueSize !== 4) fail(`map-in-map value must be 4 bytes (a map fd), is ${valueSize}`);
    out.valueSize = 4;
    out.inner = values!.inner;
    return { def: out, valuesOffset: values!.offset };
  }
  if (values && values.inner) fail(`only array_of_maps and hash_of_maps take an inner map template, not ${type}`);
  // A prog_array declared with `__array(values, ...)` holds program fds (libbpf: value_size 4).
  if (values && type === 'prog_array') {
    if (valueSize !== undefined && valueSize !== 4) fail(`prog_array value must be 4 bytes (a program fd), is ${valueSize}`);
    out.valueSize = 4;
    return { def: out, valuesOffset: values.offset };
  }
  return { def: out };
}

/**
 * Legacy `SEC("maps")` definitions, read as libbpf v0.x bpf_object__init_user_maps() read
 * them (libbpf v1.0 dropped them: "legacy map definitions in 'maps' section are not
 * supported by libbpf v1.0+"). Every definition has the same size, the section size
 * divided by the number of map symbols. Its first 20 bytes are struct bpf_map_def
 * { u32 type, key_size, value_size, max_entries, map_flags }; a shorter definition leaves
 * the missing fields 0, and a longer one (iproute2's struct bpf_elf_map adds id, pinning,
 * inner_id, inner_idx) is accepted only when every excess byte is zero, as libbpf did
 * unless told to relax ("non-zero excess bytes in map definition").
 */
const BPF_MAP_DEF_SIZE = 20;

function addLegacyMaps(elf: ElfFile, section: ElfSection, out: ObjectMaps): void {
  const file = elf.file;
  const syms = symbolsIn(elf, section);
  if (syms.length === 0) return;
  if (section.type === SHT.NOBITS || section.size === 0) throw new BpfError('elf', 'legacy maps section has no contents; libbpf: unable to determine legacy map definition size', { file });
  if (section.size % syms.length !== 0) {
    throw new BpfError('elf', `legacy maps section is ${section.size} bytes for ${syms.length} maps, not a whole definition each; libbpf: unable to determine legacy map definition size`, { file });
  }
  const defSize = section.size / syms.length;
  for (const sym of syms) {
    if (sym.value + defSize > section.size) {
      throw new BpfError('elf', `legacy map ${sym.name} at offset ${sym.value} runs past the end of the section; libbpf: corrupted maps section`, { file });
    }
    const def = new Uint8Array(BPF_MAP_DEF_SIZE);
    def.set(section.data.subarray(sym.value, sym.value + Math.min(defSize, BPF_MAP_DEF_SIZE)));
    const excess = section.data.subarray(sym.value + BPF_MAP_DEF_SIZE, sym.value + defSize);
    const nonZero = excess.findIndex((b) => b !== 0);
    if (nonZero >= 0) {
      const field = defSize >= 28 ? ` (in iproute2's struct bpf_elf_map layout: ${['id', 'pinning', 'inner_id', 'inner_idx'][Math.floor(nonZero / 4)] ?? 'past inner_idx'})` : '';
      throw new BpfError('elf', `legacy map ${sym.name}: ${defSize}-byte definition has non-zero byte ${BPF_MAP_DEF_SIZE + nonZero}${field}; libbpf: unable to handle map: non-zero excess bytes in map definition`, { file });
    }
    const dv = new DataView(def.buffer);
    out.bySymbol.set(sym.index, out.maps.length);
    out.maps.push({
      name: sym.name,
      type: mapType(dv.getUint32(0, true), sym.name, file),
      keySize: dv.getUint32(4, true),
      valueSize: dv.getUint32(8, true),
      maxEntries: dv.getUint32(12, true),
      flags: dv.getUint32(16, true),
    });
  }
}
