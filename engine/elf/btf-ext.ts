// The `.BTF.ext` section (Documentation/bpf/btf.rst "BTF Ext Section", the layout of
// struct btf_ext_header in tools/lib/bpf/libbpf_internal.h): per code section, the
// func_info and line_info records the kernel checks at load, and the bpf_core_relo
// records (Documentation/bpf/llvm_reloc.rst "CO-RE Relocations") a loader applies before
// it. Every info block is { u32 rec_size; then per section { u32 sec_name_off;
// u32 num_info; num_info records of rec_size bytes } }, where names are offsets into the
// .BTF string section and insn_off is a byte offset inside the named section. A record
// larger than the fields known here is read by its known prefix, as libbpf does.

import { BpfError } from '../errors.ts';
import type { Btf } from './btf.ts';

const BTF_EXT_MAGIC = 0xeb9f;

/** enum bpf_core_relo_kind (include/uapi/linux/bpf.h). */
export const CORE_RELO_KIND = {
  FIELD_BYTE_OFFSET: 0,
  FIELD_BYTE_SIZE: 1,
  FIELD_EXISTS: 2,
  FIELD_SIGNED: 3,
  FIELD_LSHIFT_U64: 4,
  FIELD_RSHIFT_U64: 5,
  TYPE_ID_LOCAL: 6,
  TYPE_ID_TARGET: 7,
  TYPE_EXISTS: 8,
  TYPE_SIZE: 9,
  ENUMVAL_EXISTS: 10,
  ENUMVAL_VALUE: 11,
  TYPE_MATCHES: 12,
} as const;

export interface FuncInfo {
  insnOff: number;
  typeId: number;
}

export interface LineInfo {
  insnOff: number;
  fileNameOff: number;
  lineOff: number;
  /** line_num << 10 | column. */
  lineCol: number;
}

/** struct bpf_core_relo. */
export interface CoreRelo {
  insnOff: number;
  typeId: number;
  accessStrOff: number;
  kind: number;
}

export interface BtfExt {
  /** Keyed by code section name. */
  funcInfo: Map<string, FuncInfo[]>;
  lineInfo: Map<string, LineInfo[]>;
  coreRelos: Map<string, CoreRelo[]>;
}

export function parseBtfExt(data: Uint8Array, btf: Btf, file: string): BtfExt {
  const fail = (what: string): never => {
    throw new BpfError('elf', `.BTF.ext: ${what}`, { file });
  };
  const dv = new DataView(data.buffer, data.byteOffset, data.byteLength);
  if (data.length < 8) fail(`section is ${data.length} bytes, shorter than its 8-byte preamble`);
  if (dv.getUint16(0, true) !== BTF_EXT_MAGIC) fail(`bad magic 0x${dv.getUint16(0, true).toString(16)} (want 0x${BTF_EXT_MAGIC.toString(16)}, little-endian)`);
  const hdrLen = dv.getUint32(4, true);
  // func_info and line_info are always there; core_relo came later (libbpf checks
  // hdr_len before reading it).
  if (hdrLen < 24 || hdrLen > data.length) fail(`header length ${hdrLen} is out of range (24..${data.length})`);
  const field = (at: number): number => (at + 4 <= hdrLen ? dv.getUint32(at, true) : 0);

  const blocks = <T>(what: string, off: number, len: number, minRec: number, read: (o: number) => T): Map<string, T[]> => {
    const out = new Map<string, T[]>();
    if (len === 0) return out;
    const start = hdrLen + off;
    const end = start + len;
    if (end > data.length || len < 4) fail(`${what} (${len} bytes at ${start}) runs past the end of the ${data.length}-byte section`);
    const recSize = dv.getUint32(start, true);
    if (recSize < minRec || recSize % 4 !== 0) fail(`${what} record size ${recSize} is smaller than ${minRec} or not a multiple of 4`);
    let p = start + 4;
    while (p < end) {
      if (p + 8 > end) fail(`${what}: a section header at ${p} runs past the end`);
      const nameOff = dv.getUint32(p, true);
      const n = dv.getUint32(p + 4, true);
      p += 8;
      const name = btf.stringAt(nameOff);
      if (name === undefined || name === '') fail(`${what}: section name offset ${nameOff} is not a string of .BTF`);
      if (n === 0) fail(`${what} for section ${name} has no records`);
      if (p + n * recSize > end) fail(`${what} for section ${name}: ${n} records of ${recSize} bytes run past the end`);
      const list = out.get(name!) ?? [];
      for (let i = 0; i < n; i++, p += recSize) list.push(read(p));
      out.set(name!, list);
    }
    return out;
  };

  return {
    funcInfo: blocks('func_info', field(8), field(12), 8, (o) => ({ insnOff: dv.getUint32(o, true), typeId: dv.getUint32(o + 4, true) })),
    lineInfo: blocks('line_info', field(16), field(20), 16, (o) => ({
      insnOff: dv.getUint32(o, true),
      fileNameOff: dv.getUint32(o + 4, true),
      lineOff: dv.getUint32(o + 8, true),
      lineCol: dv.getUint32(o + 12, true),
    })),
    coreRelos: blocks('core_relo', field(24), field(28), 16, (o) => ({
      insnOff: dv.getUint32(o, true),
      typeId: dv.getUint32(o + 4, true),
      accessStrOff: dv.getUint32(o + 8, true),
      kind: dv.getUint32(o + 12, true),
    })),
  };
}
