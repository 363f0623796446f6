// A program's func_info from its own object's BTF, as libbpf passes it (tools/lib/bpf/
// libbpf.c bpf_program_reloc_btf_ext / adjust_prog_btf_ext_info): the object's .BTF as the
// program's BTF, and one {insn_off, type_id} per function at its linked slot naming that
// function's BTF_KIND_FUNC. With it the kernel checks what it would check for a libbpf
// load — the exception callback's real prototype and the decl tags on the main program.
// DATASEC sizes are filled in from the ELF sections first, as libbpf's
// btf_fixup_datasec() does: the compiler leaves them 0 and the kernel refuses that.
// Maps are still created without BTF, so what needs a map's BTF (a bpf_spin_lock in its
// value) is refused for that reason instead.

import { BpfError } from '../errors.ts';
import { BTF_KIND, parseBtf } from '../elf/btf.ts';
import type { ElfFile } from '../elf/elf64.ts';
import { FUNC_INFO_REC_SIZE, type FuncInfo } from '../kernel/func-info.ts';

/** enum btf_func_linkage: BTF_FUNC_EXTERN. */
const BTF_FUNC_EXTERN = 2;
/** enum btf_var_linkage. */
const BTF_VAR_GLOBAL_ALLOCATED = 1;
const BTF_VAR_GLOBAL_EXTERN = 2;

export function objectFuncInfo(elf: ElfFile, symbols: ReadonlyMap<number, string>): FuncInfo {
  const sec = elf.sections.find((s) => s.name === '.BTF');
  if (!sec) throw new BpfError('elf', 'the object has no .BTF section (build with -g)', { file: elf.file });
  const btfBytes = Uint8Array.from(sec.data);
  const btf = parseBtf(btfBytes, elf.file);
  fixDatasecs(elf, btfBytes);
  const starts = [...symbols.keys()].sort((a, b) => a - b);
  const records = new Uint8Array(starts.length * FUNC_INFO_REC_SIZE);
  const dv = new DataView(records.buffer);
  starts.forEach((slot, i) => {
    const name = symbols.get(slot)!;
    const func = btf.types.find((t) => t.kind === BTF_KIND.FUNC && t.name === name);
    if (!func) throw new BpfError('elf', `function ${name} has no BTF_KIND_FUNC in the object's BTF`, { file: elf.file });
    dv.setUint32(i * FUNC_INFO_REC_SIZE, slot, true);
    dv.setUint32(i * FUNC_INFO_REC_SIZE + 4, func.id, true);
  });
  return { btf: btfBytes, records, count: starts.length };
}

/** Writes each DATASEC's size and its variables' offsets (from the section's symbols). */
function fixDatasecs(elf: ElfFile, bytes: Uint8Array): void {
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const hdrLen = dv.getUint32(4, true);
  const typesStart = hdrLen + dv.getUint32(8, true);
  const typesEnd = typesStart + dv.getUint32(12, true);
  const btf = parseBtf(bytes, elf.file);
  let p = typesStart;
  for (let id = 1; p < typesEnd; id++) {
    const t = btf.types[id];
    const info = dv.getUint32(p + 4, true);
    const vlen = info & 0xffff;
    // The kernel refuses extern FUNCs (btf_func_check_meta: static and global only; their
    // prototypes also lack argument names). libbpf replaces them before loading; here each
    // becomes a typedef of its prototype, same size in the type section, referenced by nothing.
    if (t.kind === BTF_KIND.FUNC && vlen === BTF_FUNC_EXTERN) dv.setUint32(p + 4, (BTF_KIND.TYPEDEF << 24) >>> 0, true);
    // Extern variables (__kconfig, __ksym): the kernel accepts only static and allocated
    // global VARs (btf_var_check_meta); libbpf marks them allocated
    // (bpf_object__collect_externs sets BTF_VAR_GLOBAL_ALLOCATED).
    // A typeless ksym (`extern const void sym __ksym`) has type void, which a VAR may not
    // have: libbpf gives its dummy an int; so does this.
    if (t.kind === BTF_KIND.VAR && dv.getUint32(p + 12, true) === BTF_VAR_GLOBAL_EXTERN) {
      dv.setUint32(p + 12, BTF_VAR_GLOBAL_ALLOCATED, true);
      const int = btf.types.find((x) => x.kind === BTF_KIND.INT && x.sizeOrType === 4);
      if (int) dv.setUint32(p + 8, int.id, true);
    }
    if (t.kind === BTF_KIND.DATASEC && (t.name === '.ksyms' || t.name === '.kconfig') && vlen > 0) {
      // No ELF section backs the extern declarations; libbpf rewrites .ksyms entries into
      // dummy int variables and lays .kconfig out as its own map. Here the entry becomes an
      // anonymous struct of ints, which has the same size in the type section and which
      // the kernel accepts (the maps are created without BTF, so nothing refers to it).
      const int = btf.types.find((x) => x.kind === BTF_KIND.INT && x.sizeOrType === 4);
      if (!int) throw new BpfError('elf', 'the object BTF has no 4-byte int to stand in for its .ksyms entries', { file: elf.file });
      dv.setUint32(p, 0, true);
      dv.setUint32(p + 4, ((BTF_KIND.STRUCT << 24) | vlen) >>> 0, true);
      dv.setUint32(p + 8, 4 * vlen, true);
      for (let i = 0; i < vlen; i++) {
        const rec = p + 12 + i * 12;
        dv.setUint32(rec, 0, true);
        dv.setUint32(rec + 4, int.id, true);
        dv.setUint32(rec + 8, 32 * i, true);
      }
    } else if (t.kind === BTF_KIND.DATASEC) {
      const s = elf.sections.find((x) => x.name === t.name);
      if (s) {
        dv.setUint32(p + 8, s.size, true);
        for (let i = 0; i < vlen; i++) {
          const rec = p + 12 + i * 12;
          const v = btf.types[dv.getUint32(rec, true)];
          const sym = elf.symbols.find((y) => y.shndx === s.index && y.name === v.name);
          if (sym) dv.setUint32(rec + 4, sym.value, true);
        }
      }
    }
    p += 12 + extraBytes(t.kind, vlen);
  }
}

function extraBytes(kind: number, vlen: number): number {
  switch (kind) {
    case BTF_KIND.INT:
    case BTF_KIND.VAR:
    case BTF_KIND.DECL_TAG:
      return 4;
    case BTF_KIND.ARRAY:
      return 12;
    case BTF_KIND.STRUCT:
    case BTF_KIND.UNION:
    case BTF_KIND.DATASEC:
    case BTF_KIND.ENUM64:
      return 12 * vlen;
    case BTF_KIND.ENUM:
    case BTF_KIND.FUNC_PROTO:
      return 8 * vlen;
    default:
      return 0;
  }
}
