// CO-RE relocations (Documentation/bpf/llvm_reloc.rst "CO-RE Relocations"), resolved the
// way libbpf does in tools/lib/bpf/relo_core.c: the local access spec (an access string
// "0:1:2" over the object's BTF) is matched against every candidate type of the target
// BTF with the same essential name (the name up to a `___flavour` suffix) and a
// compatible kind (bpf_core_calc_relo_insn); all matching candidates must agree; the
// instruction's immediate or offset is checked against what the compiler emitted and
// patched with the target's value (bpf_core_patch_insn). A relocation whose field or
// enumerator the target lacks poisons its instruction with `call 0xbad2310`, which the
// kernel's verifier accepts only in dead code (bpf_core_poison_insn).

import { BpfError } from '../errors.ts';
import { BTF_INT, BTF_KIND, btfSizeOf, type Btf, type BtfType } from './btf.ts';
import { CORE_RELO_KIND, type CoreRelo } from './btf-ext.ts';

/** The imm of a poisoned instruction: "bad relo" (relo_core.c bpf_core_poison_insn). */
export const CORE_POISON_IMM = 0xbad2310;

const MODIFIER_KINDS: ReadonlySet<number> = new Set([BTF_KIND.TYPEDEF, BTF_KIND.VOLATILE, BTF_KIND.CONST, BTF_KIND.RESTRICT, BTF_KIND.TYPE_TAG]);
const SPEC_MAX_LEN = 64; // BPF_CORE_SPEC_MAX_LEN
const MAX_DEPTH = 32;

const KIND_NAMES = ['byte_off', 'byte_sz', 'field_exists', 'signed', 'lshift_u64', 'rshift_u64', 'local_type_id', 'target_type_id', 'type_exists', 'type_size', 'enumval_exists', 'enumval_value', 'type_matches'];
export const coreReloKindName = (k: number): string => KIND_NAMES[k] ?? `unknown (${k})`;

const isFieldBased = (k: number): boolean => k <= CORE_RELO_KIND.FIELD_RSHIFT_U64;
const isTypeBased = (k: number): boolean => k === CORE_RELO_KIND.TYPE_ID_LOCAL || k === CORE_RELO_KIND.TYPE_ID_TARGET || k === CORE_RELO_KIND.TYPE_EXISTS || k === CORE_RELO_KIND.TYPE_SIZE || k === CORE_RELO_KIND.TYPE_MATCHES;
const isEnumvalBased = (k: number): boolean => k === CORE_RELO_KIND.ENUMVAL_EXISTS || k === CORE_RELO_KIND.ENUMVAL_VALUE;
const isComposite = (t: BtfType): boolean => t.kind === BTF_KIND.STRUCT || t.kind === BTF_KIND.UNION;
const isAnyEnum = (t: BtfType): boolean => t.kind === BTF_KIND.ENUM || t.kind === BTF_KIND.ENUM64;
/** btf_kind_core_compat: the same kind, or any two enums. */
const kindsCompat = (a: BtfType, b: BtfType): boolean => a.kind === b.kind || (isAnyEnum(a) && isAnyEnum(b));

/** Length of a name without its `___flavour` suffix (bpf_core_essential_name_len: the
 * last X___Y with X and Y not underscores). */
export function essentialNameLength(name: string): number {
  for (let i = name.length - 5; i >= 0; i--) {
    if (name[i] !== '_' && name[i + 1] === '_' && name[i + 2] === '_' && name[i + 3] === '_' && name[i + 4] !== '_') return i + 1;
  }
  return name.length;
}
export const essentialName = (name: string): string => name.slice(0, essentialNameLength(name));

/** A relocation that cannot be resolved and cannot be poisoned: libbpf fails the load. */
class ReloError extends Error {}

interface Accessor {
  typeId: number;
  idx: number;
  name?: string;
}

interface Spec {
  btf: Btf;
  rootTypeId: number;
  kind: number;
  /** High-level accessors: named fields and array indices. */
  spec: Accessor[];
  raw: number[];
  bitOffset: number;
}

/** The type behind typedefs and qualifiers (skip_mods_and_typedefs). */
function skip(btf: Btf, id: number): BtfType {
  let t = btf.types[id];
  for (let hops = 0; t && MODIFIER_KINDS.has(t.kind); hops++) {
    if (hops > MAX_DEPTH) throw new ReloError(`modifier chain from type [${id}] is too long (a cycle?)`);
    t = btf.types[t.sizeOrType];
  }
  if (!t) throw new ReloError(`type [${id}] refers to a type id that does not exist (${btf.types.length - 1} types)`);
  return t;
}

/** btf__resolve_size (btf.ts btfSizeOf), failing as a relocation does. */
function resolveSize(btf: Btf, id: number): number {
  try {
    return btfSizeOf(btf, id, 'target BTF');
  } catch (e) {
    if (e instanceof BpfError) throw new ReloError(e.detail);
    throw e;
  }
}

function isFlexArray(btf: Btf, acc: Accessor | undefined, nelems: number): boolean {
  if (!acc?.name || nelems > 0) return false;
  const t = btf.types[acc.typeId];
  return acc.idx === t.vlen - 1;
}

/** bpf_core_parse_spec. */
function parseSpec(btf: Btf, typeId: number, specStr: string, kind: number): Spec {
  const spec: Spec = { btf, rootTypeId: typeId, kind, spec: [], raw: [], bitOffset: 0 };
  if (specStr === '' || specStr.startsWith(':')) throw new ReloError(`access string "${specStr}" is malformed`);
  if (isTypeBased(kind)) {
    if (specStr !== '0') throw new ReloError(`type-based relocation has access string "${specStr}", not "0"`);
    return spec;
  }
  for (const part of specStr.split(':')) {
    if (!/^\d+$/.test(part)) throw new ReloError(`access string "${specStr}" is malformed`);
    if (spec.raw.length === SPEC_MAX_LEN) throw new ReloError(`access string "${specStr}" is too long`);
    spec.raw.push(Number(part));
  }
  let t = skip(btf, typeId);
  let id = t.id;
  spec.spec.push({ typeId: id, idx: spec.raw[0] });
  if (isEnumvalBased(kind)) {
    if (!isAnyEnum(t) || spec.raw.length > 1 || spec.raw[0] >= t.vlen) throw new ReloError(`enumerator access "${specStr}" does not name an enumerator of [${typeId}]`);
    spec.spec[0].name = t.enumerators![spec.raw[0]].name;
    return spec;
  }
  if (!isFieldBased(kind)) throw new ReloError(`relocation kind ${kind} is not known`);
  spec.bitOffset = spec.raw[0] * resolveSize(btf, id) * 8;
  for (let i = 1; i < spec.raw.length; i++) {
    t = skip(btf, id);
    id = t.id;
    const idx = spec.raw[i];
    if (isComposite(t)) {
      if (idx >= t.vlen) throw new ReloError(`access string "${specStr}": member ${idx} of [${id}] does not exist`);
      const m = t.members![idx];
      spec.bitOffset += m.offset;
      if (m.name) spec.spec.push({ typeId: id, idx, name: m.name });
      id = m.type;
    } else if (t.kind === BTF_KIND.ARRAY) {
      const a = t.array!;
      const elem = skip(btf, a.type);
      const flex = isFlexArray(btf, spec.spec[spec.spec.length - 1], a.nelems);
      if (!flex && idx >= a.nelems) throw new ReloError(`access string "${specStr}": index ${idx} is outside the ${a.nelems}-element array [${id}]`);
      id = elem.id;
      spec.spec.push({ typeId: id, idx });
      spec.bitOffset += idx * resolveSize(btf, id) * 8;
    } else {
      throw new ReloError(`access string "${specStr}" (at ${i}) walks into type [${id}] of kind ${t.kind}`);
    }
  }
  return spec;
}

/** bpf_core_fields_are_compat. */
function fieldsAreCompat(lb: Btf, lid: number, tb: Btf, tid: number): boolean {
  for (let depth = 0; depth < MAX_DEPTH; depth++) {
    const l = skip(lb, lid);
    const t = skip(tb, tid);
    if (isComposite(l) && isComposite(t)) return true;
    if (!kindsCompat(l, t)) return false;
    switch (l.kind) {
      case BTF_KIND.PTR:
      case BTF_KIND.FLOAT:
        return true;
      case BTF_KIND.FWD:
      case BTF_KIND.ENUM:
      case BTF_KIND.ENUM64: {
        const ln = essentialName(l.name);
        const tn = essentialName(t.name);
        return ln === '' || tn === '' || ln === tn;
      }
      case BTF_KIND.INT:
        // Old bitfield-like integers are refused; every other pair of integers is.
        return l.int!.offset === 0 && t.int!.offset === 0;
      case BTF_KIND.ARRAY:
        lid = l.array!.type;
        tid = t.array!.type;
        continue;
      default:
        return false;
    }
  }
  throw new ReloError('field types nest too deeply');
}

/** __bpf_core_types_are_compat: for type-based relocations. */
function typesAreCompat(lb: Btf, lid: number, tb: Btf, tid: number, level = MAX_DEPTH): boolean {
  if (level <= 0) throw new ReloError('types nest too deeply');
  for (let depth = 0; depth < MAX_DEPTH; depth++) {
    const l = skip(lb, lid);
    const t = skip(tb, tid);
    if (!kindsCompat(l, t)) return false;
    switch (l.kind) {
      case 0:
      case BTF_KIND.STRUCT:
      case BTF_KIND.UNION:
      case BTF_KIND.ENUM:
      case BTF_KIND.ENUM64:
      case BTF_KIND.FWD:
      case BTF_KIND.FLOAT:
        return true;
      case BTF_KIND.INT:
        return l.int!.offset === 0 && t.int!.offset === 0;
      case BTF_KIND.PTR:
        lid = l.sizeOrType;
        tid = t.sizeOrType;
        continue;
      case BTF_KIND.ARRAY:
        lid = l.array!.type;
        tid = t.array!.type;
        continue;
      case BTF_KIND.FUNC_PROTO: {
        if (l.vlen !== t.vlen) return false;
        for (let i = 0; i < l.vlen; i++) if (!typesAreCompat(lb, l.params![i].type, tb, t.params![i].type, level - 1)) return false;
        lid = l.sizeOrType;
        tid = t.sizeOrType;
        continue;
      }
      default:
        return false;
    }
  }
  throw new ReloError('types nest too deeply');
}

/** bpf_core_types_are_compat, as libbpf also uses it for typed ksyms and kfunc
 * prototypes; types nested too deeply are not compatible. */
export function typesAreCompatible(lb: Btf, lid: number, tb: Btf, tid: number): boolean {
  try {
    return typesAreCompat(lb, lid, tb, tid);
  } catch (e) {
    if (e instanceof ReloError) return false;
    throw e;
  }
}

/** bpf_core_names_match: essential names equal; an anonymous target matches only an
 * anonymous local. */
function namesMatch(local: string, targ: string): boolean {
  if (targ === '') return local === '';
  return essentialName(local) === essentialName(targ);
}

/** __bpf_core_types_match: the stricter test of bpf_core_type_matches(). */
function typesMatch(lb: Btf, lid: number, tb: Btf, tid: number, behindPtr: boolean, level: number): boolean {
  if (level <= 0) throw new ReloError('types nest too deeply');
  for (let depth = 0; depth < MAX_DEPTH; depth++) {
    const l = skip(lb, lid);
    const t = skip(tb, tid);
    if (!namesMatch(l.name, t.name)) return false;
    switch (l.kind) {
      case 0:
        return t.kind === 0;
      case BTF_KIND.FWD:
        if (behindPtr) {
          if (t.kind === BTF_KIND.FWD) return l.kindFlag === t.kindFlag;
          // A forward declaration's kind_flag says union (1) or struct (0).
          return (t.kind === BTF_KIND.STRUCT && !l.kindFlag) || (t.kind === BTF_KIND.UNION && l.kindFlag);
        }
        return t.kind === BTF_KIND.FWD && l.kindFlag === t.kindFlag;
      case BTF_KIND.ENUM:
      case BTF_KIND.ENUM64:
        if (!isAnyEnum(t) || l.sizeOrType !== t.sizeOrType || l.vlen > t.vlen) return false;
        return l.enumerators!.every((le) => t.enumerators!.some((te) => namesMatch(le.name, te.name)));
      case BTF_KIND.STRUCT:
      case BTF_KIND.UNION:
        if (behindPtr) {
          if (l.kind === t.kind) return true;
          return t.kind === BTF_KIND.FWD && (l.kind === BTF_KIND.UNION) === t.kindFlag;
        }
        if (l.kind !== t.kind || l.vlen > t.vlen) return false;
        return l.members!.every((lm) => t.members!.some((tm) => namesMatch(lm.name, tm.name) && typesMatch(lb, lm.type, tb, tm.type, behindPtr, level - 1)));
      case BTF_KIND.INT:
        return t.kind === BTF_KIND.INT && l.sizeOrType === t.sizeOrType && (l.int!.encoding & BTF_INT.SIGNED) === (t.int!.encoding & BTF_INT.SIGNED);
      case BTF_KIND.PTR:
        if (t.kind !== BTF_KIND.PTR) return false;
        behindPtr = true;
        lid = l.sizeOrType;
        tid = t.sizeOrType;
        continue;
      case BTF_KIND.ARRAY:
        if (t.kind !== BTF_KIND.ARRAY || l.array!.nelems !== t.array!.nelems) return false;
        lid = l.array!.type;
        tid = t.array!.type;
        continue;
      case BTF_KIND.FUNC_PROTO:
        if (t.kind !== BTF_KIND.FUNC_PROTO || l.vlen !== t.vlen) return false;
        for (let i = 0; i < l.vlen; i++) if (!typesMatch(lb, l.params![i].type, tb, t.params![i].type, behindPtr, level - 1)) return false;
        lid = l.sizeOrType;
        tid = t.sizeOrType;
        continue;
      default:
        return false;
    }
  }
  throw new ReloError('types nest too deeply');
}

/** bpf_core_match_member: depth-first through anonymous members, pushing onto `spec`. */
function matchMember(lb: Btf, local: Accessor, tb: Btf, targId: number, spec: Spec): { found: boolean; next: number } {
  const targ = skip(tb, targId);
  if (!isComposite(targ)) return { found: false, next: 0 };
  const localMember = lb.types[local.typeId].members![local.idx];
  for (let i = 0; i < targ.vlen; i++) {
    const m = targ.members![i];
    if (spec.raw.length === SPEC_MAX_LEN) throw new ReloError('target struct nests too deeply');
    spec.bitOffset += m.offset;
    spec.raw.push(i);
    if (m.name === '') {
      const deeper = matchMember(lb, local, tb, m.type, spec);
      if (deeper.found) return deeper;
    } else if (m.name === localMember.name) {
      spec.spec.push({ typeId: targ.id, idx: i, name: m.name });
      const found = fieldsAreCompat(lb, localMember.type, tb, m.type);
      if (!found) spec.spec.pop();
      return { found, next: m.type };
    }
    spec.bitOffset -= m.offset;
    spec.raw.pop();
  }
  return { found: false, next: 0 };
}

/** bpf_core_spec_match: the target spec of candidate `targId`, or undefined. */
function specMatch(local: Spec, tb: Btf, targId: number): Spec | undefined {
  const targ: Spec = { btf: tb, rootTypeId: targId, kind: local.kind, spec: [], raw: [], bitOffset: 0 };
  if (isTypeBased(local.kind)) {
    const ok = local.kind === CORE_RELO_KIND.TYPE_MATCHES ? typesMatch(local.btf, local.rootTypeId, tb, targId, false, MAX_DEPTH) : typesAreCompat(local.btf, local.rootTypeId, tb, targId);
    return ok ? targ : undefined;
  }
  if (isEnumvalBased(local.kind)) {
    const t = skip(tb, targId);
    if (!isAnyEnum(t)) return undefined;
    const want = essentialName(local.spec[0].name!);
    const i = t.enumerators!.findIndex((e) => essentialName(e.name) === want);
    if (i < 0) return undefined;
    targ.spec.push({ typeId: t.id, idx: i, name: t.enumerators![i].name });
    targ.raw.push(i);
    return targ;
  }
  let id = targId;
  for (let i = 0; i < local.spec.length; i++) {
    const acc = local.spec[i];
    let t = skip(tb, id);
    id = t.id;
    if (acc.name) {
      const r = matchMember(local.btf, acc, tb, id, targ);
      if (!r.found) return undefined;
      id = r.next;
    } else {
      if (i > 0) {
        if (t.kind !== BTF_KIND.ARRAY) return undefined;
        const a = t.array!;
        const flex = isFlexArray(tb, targ.spec[targ.spec.length - 1], a.nelems);
        if (!flex && acc.idx >= a.nelems) return undefined;
        t = skip(tb, a.type);
        id = t.id;
      }
      if (targ.raw.length === SPEC_MAX_LEN) throw new ReloError('target spec nests too deeply');
      targ.spec.push({ typeId: id, idx: acc.idx });
      targ.raw.push(acc.idx);
      targ.bitOffset += acc.idx * resolveSize(tb, id) * 8;
    }
  }
  return targ;
}

interface FieldValue {
  val: bigint;
  size: number;
  typeId: number;
  validate: boolean;
}

/** bpf_core_calc_field_relo; undefined asks for poisoning. */
function fieldValue(kind: number, spec: Spec | undefined): FieldValue | undefined {
  if (kind === CORE_RELO_KIND.FIELD_EXISTS) return { val: spec ? 1n : 0n, size: 0, typeId: 0, validate: true };
  if (!spec) return undefined;
  const btf = spec.btf;
  const acc = spec.spec[spec.spec.length - 1];
  if (!acc.name) {
    // a[n]: only the element's offset and size are meaningful.
    const size = resolveSize(btf, acc.typeId);
    if (kind === CORE_RELO_KIND.FIELD_BYTE_OFFSET) return { val: BigInt(spec.bitOffset / 8), size, typeId: acc.typeId, validate: true };
    if (kind === CORE_RELO_KIND.FIELD_BYTE_SIZE) return { val: BigInt(size), size: 0, typeId: 0, validate: true };
    throw new ReloError(`${coreReloKindName(kind)} cannot be applied to an array element`);
  }
  const t = btf.types[acc.typeId];
  const m = t.members![acc.idx];
  const mt = skip(btf, m.type);
  const bitOff = spec.bitOffset;
  let bitSz = m.bitfieldSize;
  const bitfield = bitSz > 0;
  let byteSz: number;
  let byteOff: number;
  if (bitfield) {
    byteSz = mt.sizeOrType;
    byteOff = Math.floor(bitOff / 8 / byteSz) * byteSz;
    // The smallest load that holds the whole bitfield.
    while (bitOff + bitSz - byteOff * 8 > byteSz * 8) {
      if (byteSz >= 8) throw new ReloError('bitfield cannot be read with a 64-bit load');
      byteSz *= 2;
      byteOff = Math.floor(bitOff / 8 / byteSz) * byteSz;
    }
  } else {
    byteSz = resolveSize(btf, mt.id);
    byteOff = bitOff / 8;
    bitSz = byteSz * 8;
  }
  // Bitfield values are ambiguous against the compiler's, except signedness and shifts.
  let validate = !bitfield;
  let val: number;
  let size = 0;
  let typeId = 0;
  switch (kind) {
    case CORE_RELO_KIND.FIELD_BYTE_OFFSET:
      val = byteOff;
      if (!bitfield) {
        size = byteSz;
        typeId = mt.id;
      }
      break;
    case CORE_RELO_KIND.FIELD_BYTE_SIZE:
      val = byteSz;
      break;
    case CORE_RELO_KIND.FIELD_SIGNED:
      val = (isAnyEnum(mt) && mt.kindFlag) || (mt.kind === BTF_KIND.INT && (mt.int!.encoding & BTF_INT.SIGNED) !== 0) ? 1 : 0;
      validate = true;
      break;
    case CORE_RELO_KIND.FIELD_LSHIFT_U64: // little-endian
      val = 64 - (bitOff + bitSz - byteOff * 8);
      break;
    case CORE_RELO_KIND.FIELD_RSHIFT_U64:
      val = 64 - bitSz;
      validate = true;
      break;
    default:
      throw new ReloError(`relocation kind ${kind} is not a field relocation`);
  }
  return { val: BigInt(val), size, typeId, validate };
}

/** What bpf_core_calc_relo decides for one target (or for no target at all). */
export interface CoreReloResult {
  poison: boolean;
  origVal: bigint;
  newVal: bigint;
  validate: boolean;
  origSize: number;
  newSize: number;
  /** The load/store would have to change size in a way that reads a wrong value. */
  failMemSizeAdjust: boolean;
}

function calcRelo(kind: number, local: Spec, targ: Spec | undefined): CoreReloResult {
  const res: CoreReloResult = { poison: false, origVal: 0n, newVal: 0n, validate: true, origSize: 0, newSize: 0, failMemSizeAdjust: false };
  if (isFieldBased(kind)) {
    const o = fieldValue(kind, local);
    const n = fieldValue(kind, targ);
    if (!o || !n) return { ...res, poison: true };
    Object.assign(res, { origVal: o.val, newVal: n.val, validate: o.validate, origSize: o.size, newSize: n.size });
    if (o.size !== n.size) {
      const ot = local.btf.types[o.typeId];
      const nt = targ!.btf.types[n.typeId];
      // Narrowing a 64-bit pointer or an unsigned integer load keeps the value (zero
      // extension); any other size change would read a different value.
      const ptrs = ot.kind === BTF_KIND.PTR && nt.kind === BTF_KIND.PTR;
      const unsignedInts = ot.kind === BTF_KIND.INT && nt.kind === BTF_KIND.INT && ot.int!.encoding !== BTF_INT.SIGNED && nt.int!.encoding !== BTF_INT.SIGNED;
      res.failMemSizeAdjust = !ptrs && !unsignedInts;
    }
    return res;
  }
  if (isTypeBased(kind)) {
    const value = (spec: Spec | undefined): bigint => {
      if (!spec) return 0n; // type-based relocations give 0 when the type is missing
      if (kind === CORE_RELO_KIND.TYPE_ID_TARGET) return BigInt(spec.rootTypeId);
      if (kind === CORE_RELO_KIND.TYPE_EXISTS || kind === CORE_RELO_KIND.TYPE_MATCHES) return 1n;
      if (kind === CORE_RELO_KIND.TYPE_SIZE) return BigInt(resolveSize(spec.btf, spec.rootTypeId));
      throw new ReloError(`relocation kind ${kind} is not a type relocation`);
    };
    res.origVal = value(local);
    res.newVal = value(targ);
    // A type id may change when objects are linked: not checked against the insn.
    res.validate = kind !== CORE_RELO_KIND.TYPE_ID_TARGET;
    return res;
  }
  const enumValue = (spec: Spec | undefined): bigint | undefined => {
    if (kind === CORE_RELO_KIND.ENUMVAL_EXISTS) return spec ? 1n : 0n;
    if (!spec) return undefined;
    return spec.btf.types[spec.spec[0].typeId].enumerators![spec.spec[0].idx].value;
  };
  const o = enumValue(local);
  const n = enumValue(targ);
  if (o === undefined || n === undefined) return { ...res, poison: true };
  res.origVal = BigInt.asUintN(64, o);
  res.newVal = BigInt.asUintN(64, n);
  return res;
}

/** Candidate types of `targ` by essential name, built once per target BTF. */
const candidateIndex = new WeakMap<Btf, Map<string, number[]>>();
function candidatesByName(targ: Btf): Map<string, number[]> {
  let idx = candidateIndex.get(targ);
  if (!idx) {
    idx = new Map();
    for (const t of targ.types) {
      if (t.id === 0 || t.name === '') continue;
      const key = essentialName(t.name);
      const list = idx.get(key);
      if (list) list.push(t.id);
      else idx.set(key, [t.id]);
    }
    candidateIndex.set(targ, idx);
  }
  return idx;
}

/** bpf_core_calc_relo_insn for one record against target BTF `targ`. */
export function calcCoreRelo(relo: CoreRelo, local: Btf, targ: Btf): CoreReloResult {
  const localType = local.types[relo.typeId];
  if (!localType) throw new ReloError(`local type [${relo.typeId}] does not exist`);
  const specStr = local.stringAt(relo.accessStrOff);
  if (!specStr) throw new ReloError(`access string offset ${relo.accessStrOff} is not a string of .BTF`);
  const localSpec = parseSpec(local, relo.typeId, specStr, relo.kind);
  if (relo.kind === CORE_RELO_KIND.TYPE_ID_LOCAL) {
    return { poison: false, origVal: BigInt(relo.typeId), newVal: BigInt(relo.typeId), validate: false, origSize: 0, newSize: 0, failMemSizeAdjust: false };
  }
  if (localType.name === '') throw new ReloError(`${coreReloKindName(relo.kind)} relocation of anonymous type [${relo.typeId}] (libbpf finds no candidates for anonymous types)`);
  const cands = (candidatesByName(targ).get(essentialName(localType.name)) ?? []).filter((id) => kindsCompat(targ.types[id], localType));
  let chosen: { res: CoreReloResult; spec: Spec } | undefined;
  for (const id of cands) {
    const spec = specMatch(localSpec, targ, id);
    if (!spec) continue;
    const res = calcRelo(relo.kind, localSpec, spec);
    if (!chosen) chosen = { res, spec };
    else if (spec.bitOffset !== chosen.spec.bitOffset) throw new ReloError(`field offset ambiguity: ${spec.bitOffset} != ${chosen.spec.bitOffset} bits between target types [${chosen.spec.rootTypeId}] and [${id}]`);
    else if (res.poison !== chosen.res.poison || res.newVal !== chosen.res.newVal) throw new ReloError(`relocation decision ambiguity: ${res.newVal} != ${chosen.res.newVal} between target types [${chosen.spec.rootTypeId}] and [${id}]`);
  }
  // No candidate: an expected case behind bpf_core_field_exists() & co, a bug otherwise;
  // the poisoned instruction tells them apart at run time.
  return chosen?.res ?? calcRelo(relo.kind, localSpec, undefined);
}

const CLASS_LD = 0x00;
const CLASS_LDX = 0x01;
const CLASS_ST = 0x02;
const CLASS_STX = 0x03;
const CLASS_ALU = 0x04;
const CLASS_ALU64 = 0x07;
const OP_LDDW = 0x18;
const OP_CALL = 0x85;
const SIZE_BYTES: Record<number, number> = { 0x18: 8, 0x00: 4, 0x08: 2, 0x10: 1 };
const BYTES_SIZE: Record<number, number> = { 8: 0x18, 4: 0x00, 2: 0x08, 1: 0x10 };

function poisonSlot(code: Uint8Array, dv: DataView, slot: number): void {
  const o = slot * 8;
  code[o] = OP_CALL;
  code[o + 1] = 0;
  dv.setInt16(o + 2, 0, true);
  dv.setInt32(o + 4, CORE_POISON_IMM, true);
}

/** bpf_core_patch_insn on slot `slot` of `code`. */
export function patchCoreInsn(code: Uint8Array, slot: number, res: CoreReloResult): void {
  const dv = new DataView(code.buffer, code.byteOffset, code.byteLength);
  const o = slot * 8;
  const opcode = code[o];
  const poison = (): void => {
    // The second half of an lddw too, or the verifier would complain of opcode 00.
    if (opcode === OP_LDDW && o + 16 <= code.length) poisonSlot(code, dv, slot + 1);
    poisonSlot(code, dv, slot);
  };
  if (res.poison) return poison();
  const cls = opcode & 0x07;
  const imm = dv.getInt32(o + 4, true);
  const off = dv.getInt16(o + 2, true);
  const u32 = (v: bigint): string => BigInt.asUintN(32, v).toString();
  switch (cls) {
    case CLASS_ALU:
    case CLASS_ALU64:
      if (opcode & 0x08) throw new ReloError('ALU instruction takes a register operand, not an immediate');
      if (res.validate && BigInt.asUintN(64, BigInt(imm)) !== res.origVal) throw new ReloError(`unexpected ALU/ALU64 value: got ${imm >>> 0}, expected ${u32(res.origVal)} -> ${u32(res.newVal)}`);
      dv.setInt32(o + 4, Number(BigInt.asIntN(32, res.newVal)), true);
      return;
    case CLASS_LDX:
    case CLASS_ST:
    case CLASS_STX: {
      if (res.validate && BigInt(off & 0xffff) !== res.origVal) throw new ReloError(`unexpected LDX/ST/STX offset: got ${off & 0xffff}, expected ${res.origVal} -> ${res.newVal}`);
      if (res.newVal > 0x7fffn) throw new ReloError(`LDX/ST/STX offset ${res.newVal} is too big`);
      if (res.failMemSizeAdjust) return poison(); // libbpf: "accesses field incorrectly"
      dv.setInt16(o + 2, Number(res.newVal), true);
      if (res.newSize !== res.origSize) {
        const have = SIZE_BYTES[opcode & 0x18];
        if (have !== res.origSize) throw new ReloError(`LDX/ST/STX accesses ${have} bytes, expected ${res.origSize}`);
        const size = BYTES_SIZE[res.newSize];
        if (size === undefined) throw new ReloError(`LDX/ST/STX cannot access ${res.newSize} bytes`);
        code[o] = (opcode & ~0x18) | size;
      }
      return;
    }
    case CLASS_LD: {
      if (opcode !== OP_LDDW || o + 16 > code.length || code[o + 1] >> 4 !== 0 || off !== 0 || code[o + 8] !== 0 || code[o + 9] !== 0 || dv.getInt16(o + 10, true) !== 0) {
        throw new ReloError('LDIMM64 has an unexpected form');
      }
      const value = (BigInt(dv.getUint32(o + 12, true)) << 32n) | BigInt(dv.getUint32(o + 4, true));
      if (res.validate && value !== res.origVal) throw new ReloError(`unexpected LDIMM64 value: got ${value}, expected ${res.origVal} -> ${res.newVal}`);
      dv.setUint32(o + 4, Number(BigInt.asUintN(32, res.newVal)), true);
      dv.setUint32(o + 12, Number(BigInt.asUintN(32, res.newVal >> 32n)), true);
      return;
    }
    default:
      throw new ReloError(`cannot relocate instruction with opcode 0x${opcode.toString(16)}`);
  }
}

/** Relocation failures that are not poisonable, as BpfError 'elf' naming the record. */
export function applyCoreRelo(code: Uint8Array, slot: number, relo: CoreRelo, local: Btf, targ: Btf, where: string, file: string): CoreReloResult {
  try {
    if (relo.insnOff % 8 !== 0) throw new ReloError(`insn_off ${relo.insnOff} is not instruction-aligned`);
    const res = calcCoreRelo(relo, local, targ);
    patchCoreInsn(code, slot, res);
    return res;
  } catch (e) {
    if (!(e instanceof ReloError)) throw e;
    throw new BpfError('elf', `CO-RE relocation (${coreReloKindName(relo.kind)}) at ${where} failed: ${e.message}`, { file });
  }
}

/** The object's code sections with every CO-RE relocation of `.BTF.ext` applied against
 * `target` (keyed by section index), and how many records there were. Without a target
 * the sections are left as the compiler emitted them. */
export function relocateCoreSections(sections: readonly { index: number; name: string; data: Uint8Array }[], local: Btf, relos: Map<string, CoreRelo[]>, target: Btf | undefined, file: string): { patched: Map<number, Uint8Array>; count: number } {
  const patched = new Map<number, Uint8Array>();
  let count = 0;
  for (const [name, list] of relos) {
    const section = sections.find((s) => s.name === name);
    if (!section) throw new BpfError('elf', `.BTF.ext has CO-RE relocations for section ${name}, which the object does not have`, { file });
    count += list.length;
    if (!target) continue;
    const code = Uint8Array.from(section.data);
    list.forEach((relo, i) => {
      const where = `${name}+0x${relo.insnOff.toString(16)} (record #${i})`;
      if (relo.insnOff % 8 !== 0 || relo.insnOff + 8 > code.length) throw new BpfError('elf', `CO-RE relocation at ${where} is not on an instruction of the ${code.length}-byte section`, { file });
      applyCoreRelo(code, relo.insnOff / 8, relo, local, target, where, file);
    });
    patched.set(section.index, code);
  }
  return { patched, count };
}
