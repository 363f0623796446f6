// A minimal BTF writer (Documentation/bpf/btf.rst, include/uapi/linux/btf.h): just the
// kinds a program's func_info needs — INT, FUNC_PROTO and FUNC — laid out as the kernel's
// btf_parse() reads them: a 24-byte header, the type section, then the string section,
// whose first byte is the empty name.

const BTF_MAGIC = 0xeb9f;
const BTF_VERSION = 1;
const HEADER_LEN = 24;

// include/uapi/linux/btf.h: BTF_KIND_* and BTF_INT_SIGNED.
const KIND_INT = 1;
const KIND_FUNC = 12;
const KIND_FUNC_PROTO = 13;
const KIND_DECL_TAG = 17;
const INT_SIGNED = 1;

/** enum btf_func_linkage. */
export const FUNC_LINKAGE = { static: 0, global: 1 } as const;

export type BtfTypeSpec =
  | { kind: 'int'; name: string; bytes: number; signed: boolean }
  | { kind: 'func_proto'; returnType: number; params: readonly { name: string; type: number }[] }
  | { kind: 'func'; name: string; proto: number; linkage: keyof typeof FUNC_LINKAGE }
  /** A tag on type `type` itself (component_idx -1): `__exception_cb`'s "exception_callback:<fn>". */
  | { kind: 'decl_tag'; value: string; type: number };

/** Encodes `types` as ids 1..n (id 0 is void). Names must be C identifiers (the kernel's
 * btf_name_valid_identifier() refuses anything else for INT and FUNC). */
export function encodeBtf(types: readonly BtfTypeSpec[]): Uint8Array {
  const strings: number[] = [0];
  const offsets = new Map<string, number>([['', 0]]);
  const str = (s: string, free = false): number => {
    const known = offsets.get(s);
    if (known !== undefined) return known;
    if (!free && !/^[A-Za-z_][A-Za-z0-9_]*$/.test(s)) throw new Error(`BTF name '${s}' is not a C identifier`);
    const off = strings.length;
    for (let i = 0; i < s.length; i++) strings.push(s.charCodeAt(i));
    strings.push(0);
    offsets.set(s, off);
    return off;
  };

  const words: number[] = [];
  const info = (kind: number, vlen: number): number => ((kind << 24) | vlen) >>> 0;
  for (const t of types) {
    switch (t.kind) {
      case 'int':
        // btf_type {name_off, info, size} then the INT encoding: encoding<<24 | offset<<16 | bits.
        words.push(str(t.name), info(KIND_INT, 0), t.bytes, (((t.signed ? INT_SIGNED : 0) << 24) | (t.bytes * 8)) >>> 0);
        break;
      case 'func_proto':
        words.push(0, info(KIND_FUNC_PROTO, t.params.length), t.returnType);
        for (const p of t.params) words.push(str(p.name), p.type);
        break;
      case 'func':
        // A FUNC's vlen field carries its linkage.
        words.push(str(t.name), info(KIND_FUNC, FUNC_LINKAGE[t.linkage]), t.proto);
        break;
      case 'decl_tag':
        // A tag's value is free text (btf_decl_tag_check_meta only wants it non-empty).
        words.push(str(t.value, true), info(KIND_DECL_TAG, 0), t.type, 0xffffffff);
        break;
    }
  }

  const typeLen = words.length * 4;
  const out = new Uint8Array(HEADER_LEN + typeLen + strings.length);
  const dv = new DataView(out.buffer);
  dv.setUint16(0, BTF_MAGIC, true);
  dv.setUint8(2, BTF_VERSION);
  dv.setUint8(3, 0); // flags
  dv.setUint32(4, HEADER_LEN, true);
  dv.setUint32(8, 0, true); // type_off, from the end of the header
  dv.setUint32(12, typeLen, true);
  dv.setUint32(16, typeLen, true); // str_off
  dv.setUint32(20, strings.length, true);
  words.forEach((w, i) => dv.setUint32(HEADER_LEN + i * 4, w, true));
  out.set(strings, HEADER_LEN + typeLen);
  return out;
}
