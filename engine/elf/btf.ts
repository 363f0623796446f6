// A BTF reader (Documentation/bpf/btf.rst, include/uapi/linux/btf.h): the `.maps` DATASEC
// of an object file and the sizes of the types a map definition names, and what CO-RE
// relocation and extern resolution compare between an object's BTF and the kernel's:
// member bit offsets and bitfield sizes, integer encodings, enumerators, function
// prototypes and variable linkage. Type ids start at 1 (0 is void). Malformed input is a
// BpfError 'elf'.

import { BpfError } from '../errors.ts';

const BTF_MAGIC = 0xeb9f;

export const BTF_KIND = {
  INT: 1,
  PTR: 2,
  ARRAY: 3,
  STRUCT: 4,
  UNION: 5,
  ENUM: 6,
  FWD: 7,
  TYPEDEF: 8,
  VOLATILE: 9,
  CONST: 10,
  RESTRICT: 11,
  FUNC: 12,
  FUNC_PROTO: 13,
  VAR: 14,
  DATASEC: 15,
  FLOAT: 16,
  DECL_TAG: 17,
  TYPE_TAG: 18,
  ENUM64: 19,
} as const;

/** BTF_INT_ENCODING bits of an INT's extra word (include/uapi/linux/btf.h). */
export const BTF_INT = { SIGNED: 1, CHAR: 2, BOOL: 4 } as const;

/** BTF_VAR_* linkage of a VAR (include/uapi/linux/btf.h). */
export const BTF_VAR_LINKAGE = { STATIC: 0, GLOBAL_ALLOCATED: 1, GLOBAL_EXTERN: 2 } as const;

interface BtfMember {
  name: string;
  type: number;
  /** Bit offset (the low 24 bits when the struct's kind_flag is set). */
  offset: number;
  /** Bitfield width in bits (the high 8 bits when kind_flag is set), 0 for a plain member. */
  bitfieldSize: number;
}

export interface BtfType {
  id: number;
  kind: number;
  name: string;
  vlen: number;
  kindFlag: boolean;
  /** `size` for INT/ENUM/STRUCT/UNION/DATASEC/FLOAT/ENUM64, else the referenced type id. */
  sizeOrType: number;
  members?: BtfMember[]; // STRUCT, UNION
  /** INT: BTF_INT encoding bits, bit offset and width. */
  int?: { encoding: number; offset: number; bits: number };
  /** ENUM/ENUM64 enumerators; values are signed when kind_flag is set, else unsigned. */
  enumerators?: { name: string; value: bigint }[];
  /** FUNC_PROTO parameters. */
  params?: { name: string; type: number }[];
  /** VAR linkage (BTF_VAR_LINKAGE) or FUNC linkage (static/global/extern). */
  linkage?: number;
  array?: { type: number; indexType: number; nelems: number }; // ARRAY
  /** DATASEC entries: variable type id, offset and size inside the section. */
  vars?: { type: number; offset: number; size: number }[];
  /** DECL_TAG: -1 when the tag is on the declaration itself, else the member/argument index. */
  componentIdx?: number;
}

export interface Btf {
  /** Indexed by type id; entry 0 is void. */
  types: BtfType[];
  /** The string at an offset of the string section (what .BTF.ext records name). */
  stringAt(off: number): string | undefined;
}

const MODIFIERS: ReadonlySet<number> = new Set([BTF_KIND.TYPEDEF, BTF_KIND.VOLATILE, BTF_KIND.CONST, BTF_KIND.RESTRICT, BTF_KIND.TYPE_TAG]);

export function parseBtf(data: Uint8Array, file: string): Btf {
  const fail = (what: string): never => {
    throw new BpfError('elf', `.BTF: ${what}`, { file });
  };
  const dv = new DataView(data.buffer, data.byteOffset, data.byteLength);
  if (data.length < 24) fail(`section is ${data.length} bytes, shorter than the 24-byte header`);
  if (dv.getUint16(0, true) !== BTF_MAGIC) fail(`bad magic 0x${dv.getUint16(0, true).toString(16)} (want 0x${BTF_MAGIC.toString(16)}, little-endian)`);
  const hdrLen = dv.getUint32(4, true);
  const typeOff = dv.getUint32(8, true);
  const typeLen = dv.getUint32(12, true);
  const strOff = dv.getUint32(16, true);
  const strLen = dv.getUint32(20, true);
  if (hdrLen < 24 || hdrLen > data.length) fail(`header length ${hdrLen} is out of range`);
  const typesStart = hdrLen + typeOff;
  const strStart = hdrLen + strOff;
  if (typesStart + typeLen > data.length) fail(`type section (${typeLen} bytes at ${typesStart}) runs past the end`);
  if (strStart + strLen > data.length) fail(`string section (${strLen} bytes at ${strStart}) runs past the end`);
  const strings = data.subarray(strStart, strStart + strLen);

  // Kernel BTF has ~100k names: an all-ASCII string section (the usual case) is decoded
  // once, so byte offsets are character offsets; otherwise each name is decoded as UTF-8.
  const decoder = new TextDecoder();
  const ascii = strings.every((b) => b < 0x80);
  const whole = ascii ? decoder.decode(strings) : '';
  const seen = new Map<number, string>();
  const stringAt = (off: number): string | undefined => {
    if (off >= strings.length) return off === 0 ? '' : undefined;
    if (ascii) {
      const end = whole.indexOf('\0', off);
      return end < 0 ? undefined : whole.slice(off, end);
    }
    let s = seen.get(off);
    if (s === undefined) {
      const end = strings.indexOf(0, off);
      if (end < 0) return undefined;
      s = decoder.decode(strings.subarray(off, end));
      seen.set(off, s);
    }
    return s;
  };
  const str = (off: number, what: string): string => {
    const s = stringAt(off);
    if (s === undefined) fail(`${what}: string offset ${off} is outside the ${strings.length}-byte string section or not NUL-terminated`);
    return s!;
  };

  const types: BtfType[] = [{ id: 0, kind: 0, name: 'void', vlen: 0, kindFlag: false, sizeOrType: 0 }];
  let p = typesStart;
  const end = typesStart + typeLen;
  const need = (n: number, id: number): void => {
    if (p + n > end) fail(`type ${id} runs past the end of the type section`);
  };
  while (p < end) {
    const id = types.length;
    need(12, id);
    const nameOff = dv.getUint32(p, true);
    const info = dv.getUint32(p + 4, true);
    const sizeOrType = dv.getUint32(p + 8, true);
    p += 12;
    const kind = (info >>> 24) & 0x1f;
    const vlen = info & 0xffff;
    const kindFlag = info >>> 31;
    const t: BtfType = { id, kind, name: str(nameOff, `name of type ${id}`), vlen, kindFlag: kindFlag === 1, sizeOrType };
    switch (kind) {
      case BTF_KIND.INT: {
        need(4, id);
        const v = dv.getUint32(p, true);
        t.int = { encoding: (v >>> 24) & 0x0f, offset: (v >>> 16) & 0xff, bits: v & 0xff };
        p += 4;
        break;
      }
      case BTF_KIND.VAR:
        need(4, id);
        t.linkage = dv.getUint32(p, true);
        p += 4;
        break;
      case BTF_KIND.DECL_TAG:
        need(4, id);
        t.componentIdx = dv.getInt32(p, true);
        p += 4;
        break;
      case BTF_KIND.ARRAY:
        need(12, id);
        t.array = { type: dv.getUint32(p, true), indexType: dv.getUint32(p + 4, true), nelems: dv.getUint32(p + 8, true) };
        p += 12;
        break;
      case BTF_KIND.STRUCT:
      case BTF_KIND.UNION:
        need(12 * vlen, id);
        t.members = [];
        for (let i = 0; i < vlen; i++, p += 12) {
          const off = dv.getUint32(p + 8, true);
          t.members.push({
            name: str(dv.getUint32(p, true), `member ${i} of type ${id}`),
            type: dv.getUint32(p + 4, true),
            offset: kindFlag ? off & 0xffffff : off,
            bitfieldSize: kindFlag ? off >>> 24 : 0,
          });
        }
        break;
      case BTF_KIND.ENUM:
        need(8 * vlen, id);
        t.enumerators = [];
        for (let i = 0; i < vlen; i++, p += 8) {
          const raw = dv.getUint32(p + 4, true);
          t.enumerators.push({ name: str(dv.getUint32(p, true), `enumerator ${i} of type ${id}`), value: kindFlag ? BigInt(raw | 0) : BigInt(raw) });
        }
        break;
      case BTF_KIND.FUNC_PROTO:
        need(8 * vlen, id);
        t.params = [];
        for (let i = 0; i < vlen; i++, p += 8) t.params.push({ name: str(dv.getUint32(p, true), `parameter ${i} of type ${id}`), type: dv.getUint32(p + 4, true) });
        break;
      case BTF_KIND.ENUM64:
        need(12 * vlen, id);
        t.enumerators = [];
        for (let i = 0; i < vlen; i++, p += 12) {
          const raw = (BigInt(dv.getUint32(p + 8, true)) << 32n) | BigInt(dv.getUint32(p + 4, true));
          t.enumerators.push({ name: str(dv.getUint32(p, true), `enumerator ${i} of type ${id}`), value: kindFlag ? BigInt.asIntN(64, raw) : raw });
        }
        break;
      case BTF_KIND.DATASEC:
        need(12 * vlen, id);
        t.vars = [];
        for (let i = 0; i < vlen; i++, p += 12) {
          t.vars.push({ type: dv.getUint32(p, true), offset: dv.getUint32(p + 4, true), size: dv.getUint32(p + 8, true) });
        }
        break;
      case BTF_KIND.FUNC:
        t.linkage = vlen;
        break;
      case BTF_KIND.PTR:
      case BTF_KIND.FWD:
      case BTF_KIND.TYPEDEF:
      case BTF_KIND.VOLATILE:
      case BTF_KIND.CONST:
      case BTF_KIND.RESTRICT:
      case BTF_KIND.FLOAT:
      case BTF_KIND.TYPE_TAG:
        break;
      default:
        fail(`type ${id} has unknown kind ${kind}`);
    }
    types.push(t);
  }
  return { types, stringAt };
}

export function btfType(btf: Btf, id: number, file: string): BtfType {
  const t = btf.types[id];
  if (!t) throw new BpfError('elf', `.BTF: type id ${id} does not exist (${btf.types.length - 1} types)`, { file });
  return t;
}

/** The type behind typedefs and const/volatile/restrict/type-tag qualifiers. */
export function skipModifiers(btf: Btf, id: number, file: string): BtfType {
  let t = btfType(btf, id, file);
  for (let hops = 0; MODIFIERS.has(t.kind); hops++) {
    if (hops > 64) throw new BpfError('elf', `.BTF: modifier chain from type ${id} is too long (a cycle?)`, { file });
    t = btfType(btf, t.sizeOrType, file);
  }
  return t;
}

/** Size in bytes of a type, as the kernel's btf_resolve_size computes it. */
export function btfSizeOf(btf: Btf, id: number, file: string, depth = 0): number {
  if (depth > 32) throw new BpfError('elf', `.BTF: type ${id} nests too deeply to size`, { file });
  const t = skipModifiers(btf, id, file);
  switch (t.kind) {
    case BTF_KIND.INT:
    case BTF_KIND.ENUM:
    case BTF_KIND.ENUM64:
    case BTF_KIND.STRUCT:
    case BTF_KIND.UNION:
    case BTF_KIND.FLOAT:
    case BTF_KIND.DATASEC:
      return t.sizeOrType;
    case BTF_KIND.PTR:
      return 8;
    case BTF_KIND.ARRAY:
      return t.array!.nelems * btfSizeOf(btf, t.array!.type, file, depth + 1);
    default:
      throw new BpfError('elf', `.BTF: type ${t.id} (kind ${t.kind}) has no size`, { file });
  }
}

export function findDatasec(btf: Btf, name: string): BtfType | undefined {
  return btf.types.find((t) => t.kind === BTF_KIND.DATASEC && t.name === name);
}
