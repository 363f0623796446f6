// Mutations of BPF ELF objects: blind ones (bit flips, interesting bytes, truncation,
// splices) and field-aware ones that locate a header, section header, symbol, relocation
// or BTF header/type field with the ELF64 layout and set it to an edge value.
// Layouts: ELF-64 Object File Format (Elf64_Ehdr/Shdr/Sym/Rela), include/uapi/linux/btf.h.

import type { Mulberry32 } from '../../random.ts';

interface Field {
  at: number;
  size: 1 | 2 | 4 | 8;
}

const EHDR_FIELDS: Field[] = [
  { at: 4, size: 1 }, // EI_CLASS
  { at: 5, size: 1 }, // EI_DATA
  { at: 16, size: 2 }, // e_type
  { at: 18, size: 2 }, // e_machine
  { at: 40, size: 8 }, // e_shoff
  { at: 58, size: 2 }, // e_shentsize
  { at: 60, size: 2 }, // e_shnum
  { at: 62, size: 2 }, // e_shstrndx
];
// Elf64_Shdr (64 bytes): name, type, flags, addr, offset, size, link, info, addralign, entsize.
const SHDR_FIELDS: Field[] = [
  { at: 0, size: 4 },
  { at: 4, size: 4 },
  { at: 8, size: 8 },
  { at: 24, size: 8 },
  { at: 32, size: 8 },
  { at: 40, size: 4 },
  { at: 44, size: 4 },
  { at: 48, size: 8 },
  { at: 56, size: 8 },
];
// Elf64_Sym (24 bytes): name, info, other, shndx, value, size.
const SYM_FIELDS: Field[] = [
  { at: 0, size: 4 },
  { at: 4, size: 1 },
  { at: 6, size: 2 },
  { at: 8, size: 8 },
  { at: 16, size: 8 },
];
// Elf64_Rel (16 bytes): offset, info (sym << 32 | type).
const REL_FIELDS: Field[] = [
  { at: 0, size: 8 },
  { at: 8, size: 4 },
  { at: 12, size: 4 },
];
// struct btf_header: magic u16, version u8, flags u8, hdr_len, type_off, type_len, str_off, str_len.
const BTF_HDR_FIELDS: Field[] = [
  { at: 0, size: 2 },
  { at: 2, size: 1 },
  { at: 4, size: 4 },
  { at: 8, size: 4 },
  { at: 12, size: 4 },
  { at: 16, size: 4 },
  { at: 20, size: 4 },
];

const EDGES = [0n, 1n, 2n, 7n, 8n, 0x7fn, 0x80n, 0xffn, 0xffffn, 0x7fffffffn, 0x80000000n, 0xffffffffn, 0x100000000n, 0x7fffffffffffffffn, 0xffffffffffffffffn];

function dv(b: Uint8Array): DataView {
  return new DataView(b.buffer, b.byteOffset, b.byteLength);
}

function read(b: Uint8Array, f: Field): bigint {
  if (f.at + f.size > b.length) return 0n;
  const v = dv(b);
  if (f.size === 1) return BigInt(b[f.at]);
  if (f.size === 2) return BigInt(v.getUint16(f.at, true));
  if (f.size === 4) return BigInt(v.getUint32(f.at, true));
  return v.getBigUint64(f.at, true);
}

function write(b: Uint8Array, f: Field, value: bigint): void {
  if (f.at + f.size > b.length) return;
  const v = dv(b);
  const x = BigInt.asUintN(f.size * 8, value);
  if (f.size === 1) b[f.at] = Number(x);
  else if (f.size === 2) v.setUint16(f.at, Number(x), true);
  else if (f.size === 4) v.setUint32(f.at, Number(x), true);
  else v.setBigUint64(f.at, x, true);
}

interface Section {
  hdr: number;
  type: number;
  offset: number;
  size: number;
  name: string;
}

/** Section headers as far as they can be read (the input may already be damaged). */
function sections(b: Uint8Array): Section[] {
  if (b.length < 64) return [];
  const v = dv(b);
  const shoff = Number(v.getBigUint64(40, true));
  const shnum = v.getUint16(60, true);
  const strndx = v.getUint16(62, true);
  const out: Section[] = [];
  for (let i = 0; i < shnum && shoff + (i + 1) * 64 <= b.length; i++) {
    const h = shoff + i * 64;
    out.push({ hdr: h, type: v.getUint32(h + 4, true), offset: Number(v.getBigUint64(h + 24, true)), size: Number(v.getBigUint64(h + 32, true)), name: '' });
  }
  const strtab = out[strndx];
  if (strtab) {
    for (let i = 0; i < out.length; i++) {
      const nameOff = v.getUint32(out[i].hdr, true);
      let end = strtab.offset + nameOff;
      const start = end;
      while (end < b.length && end < strtab.offset + strtab.size && b[end] !== 0) end++;
      out[i].name = Buffer.from(b.subarray(start, end)).toString('latin1');
    }
  }
  return out;
}

const SHT_SYMTAB = 2;
const SHT_REL = 9;

function fieldAware(rng: Mulberry32, b: Uint8Array): void {
  const secs = sections(b);
  const pickEdge = (old: bigint): bigint => {
    const k = rng.int(4);
    if (k === 0) return old + 1n;
    if (k === 1) return old - 1n;
    if (k === 2) return old * BigInt(rng.range(2, 1000));
    return rng.pick(EDGES);
  };
  const choice = rng.int(6);
  let f: Field | undefined;
  if (choice === 0 || secs.length === 0) f = rng.pick(EHDR_FIELDS);
  else if (choice === 1) {
    const s = rng.pick(secs);
    const g = rng.pick(SHDR_FIELDS);
    f = { at: s.hdr + g.at, size: g.size };
  } else {
    const want = choice === 2 ? (s: Section) => s.type === SHT_SYMTAB : choice === 3 ? (s: Section) => s.type === SHT_REL : (s: Section) => s.name === '.BTF' || s.name === '.BTF.ext';
    const cands = secs.filter(want);
    if (!cands.length) return fieldAware(rng, b);
    const s = rng.pick(cands);
    if (choice === 2 || choice === 3) {
      const entry = choice === 2 ? 24 : 16;
      const count = Math.floor(s.size / entry);
      if (count === 0) return;
      const g = rng.pick(choice === 2 ? SYM_FIELDS : REL_FIELDS);
      f = { at: s.offset + entry * rng.int(count) + g.at, size: g.size };
    } else if (choice === 4) {
      const g = rng.pick(BTF_HDR_FIELDS);
      f = { at: s.offset + g.at, size: g.size };
    } else {
      // A u32 somewhere in the type/string area: name_off, info (kind, vlen), size/type, members.
      f = { at: s.offset + 24 + 4 * rng.int(Math.max(1, Math.floor((s.size - 24) / 4))), size: 4 };
    }
  }
  write(b, f, pickEdge(read(b, f)));
}

/** A mutated copy of `base` (`donor` supplies bytes for splices). */
export function mutateElf(rng: Mulberry32, base: Uint8Array, donor: Uint8Array): Uint8Array {
  let b = base.slice();
  const edits = rng.range(1, 3);
  for (let e = 0; e < edits; e++) {
    switch (rng.weighted([3, 2, 1, 1, 5])) {
      case 0:
        for (let k = rng.range(1, 8); k > 0; k--) {
          const i = rng.int(b.length);
          b[i] ^= 1 << rng.int(8);
        }
        break;
      case 1: {
        const i = rng.int(b.length);
        b[i] = rng.pick([0, 1, 0x7f, 0x80, 0xff]);
        break;
      }
      case 2:
        b = b.slice(0, rng.int(b.length));
        break;
      case 3: {
        const len = rng.range(1, 256);
        const from = rng.int(Math.max(1, donor.length - len));
        const to = rng.int(Math.max(1, b.length));
        const out = new Uint8Array(b.length);
        out.set(b);
        out.set(donor.subarray(from, from + len).subarray(0, Math.max(0, out.length - to)), to);
        b = out;
        break;
      }
      default:
        fieldAware(rng, b);
    }
    if (b.length === 0) break;
  }
  return b;
}
