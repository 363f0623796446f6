// The one declarative opcode table. The decoder, assembler, disassembler, validator,
// interpreter dispatch, JIT lowering and the tests all read it, so an instruction exists
// in the suite exactly when it has a row here.
//
// Source: RFC 9669 "BPF Instruction Set Architecture" (Oct 2024), §4–§5, and
// Documentation/bpf/standardization/instruction-set.rst; mnemonics follow the
// bpf_conformance assembler (../shared/conformance). `since` is the clang -mcpu level
// that introduced the instruction (v1 base, v2 jlt/jle/jslt/jsle, v3 JMP32 and ALU32
// jumps, v4 sdiv/smod/movsx/ldsx/bswap/gotol).

import { CLASS, MODE, SIZE, SRC } from './encoding.ts';
import { XOP } from './xop.ts';

export type OperandForm =
  | 'dst,src' // add %r0, %r1
  | 'dst,imm' // add %r0, 1
  | 'dst' // neg %r0, be16 %r0
  | 'dst,src,off' // jeq %r1, %r2, label
  | 'dst,imm,off' // jeq %r1, 5, label
  | 'off' // ja label
  | 'imm-target' // ja32 label (gotol: 32-bit pc-relative target in imm)
  | 'helper' // call 5
  | 'local' // call local func1
  | 'kfunc' // call kfunc 1234
  | 'callx' // call %r2
  | 'none' // exit
  | 'lddw' // lddw %r0, 0x1122334455667788
  | 'load' // ldxw %r0, [%r1+4]
  | 'store-imm' // stw [%r1+4], 7
  | 'store-reg' // stxw [%r1+4], %r2
  | 'atomic' // lock add [%r10-8], %r1
  | 'ldabs' // ldabsw 12 (legacy packet access, skb only)
  | 'ldind'; // ldindw %r1, 12

/** RFC 9669 §2.4 conformance groups. */
export type ConformanceGroup = 'base32' | 'base64' | 'atomic32' | 'atomic64' | 'divmul32' | 'divmul64' | 'packet';

/** How an instruction leaves: to the next slot, always to its target, to one of the two,
 * through a call of each kind (returning to the next slot), or out of the function. */
export type ControlFlow = 'next' | 'jump' | 'branch' | 'call-helper' | 'call-kfunc' | 'call-local' | 'callx' | 'exit';

/** Columns computed from a row's class, form and mnemonic (derive() below), so consumers
 * read them instead of re-deriving them. */
export interface DerivedColumns {
  /** Key of this row's xop in XOP (engine/isa/xop.ts). */
  name: string;
  flow: ControlFlow;
  /** Memory the instruction touches through a register base (ldabs/ldind: 'load' of the
   * packet, no base register) and its size in bytes (0 without access). */
  mem: 'none' | 'load' | 'store' | 'rmw';
  memBytes: 0 | 1 | 2 | 4 | 8;
  /** The register field holding the address base of a memory access. */
  base: 'src' | 'dst' | null;
  /** Whether the dst register is written (atomics write src or r0; calls write r0). */
  writesDst: boolean;
  /** Slots the instruction occupies (lddw: 2). */
  slots: 1 | 2;
  /** Sign-extends a narrower value into dst: ldxs* from memory, movsx* from src (whose
   * source width is the off value in `match`). */
  signExtends: boolean;
}

export interface OpSpec extends DerivedColumns {
  /** Dense dispatch id: the opcode byte, or 0x100+ for variants that share a byte. */
  xop: number;
  opcode: number;
  mnemonic: string;
  form: OperandForm;
  /** The field that tells apart variants sharing one opcode byte, and its value. */
  match?: { field: 'off' | 'imm' | 'src'; value: number };
  /** Operand width of the operation (32-bit forms zero-extend into the 64-bit register). */
  width: 8 | 16 | 32 | 64;
  group: ConformanceGroup;
  since: 'v1' | 'v2' | 'v3' | 'v4';
  note: string;
}

type RowSpec = Omit<OpSpec, 'xop' | keyof DerivedColumns> & { xop?: number };

const FLOW_OF_FORM: Partial<Record<OperandForm, ControlFlow>> = {
  'dst,src,off': 'branch', 'dst,imm,off': 'branch', off: 'jump', 'imm-target': 'jump',
  helper: 'call-helper', kfunc: 'call-kfunc', local: 'call-local', callx: 'callx', none: 'exit',
};
const MEM_OF_FORM: Partial<Record<OperandForm, DerivedColumns['mem']>> = {
  load: 'load', ldabs: 'load', ldind: 'load', 'store-imm': 'store', 'store-reg': 'store', atomic: 'rmw',
};
const NAME_SUFFIX: Partial<Record<OperandForm, string>> = {
  'dst,imm': '_IMM', 'dst,imm,off': '_IMM', 'dst,src': '_REG', 'dst,src,off': '_REG', helper: '_HELPER', local: '_LOCAL', kfunc: '_KFUNC', callx: 'X',
};

function derive(spec: RowSpec): DerivedColumns {
  const mem = MEM_OF_FORM[spec.form] ?? 'none';
  return {
    name: spec.mnemonic.toUpperCase().replace(/ /g, '_') + (NAME_SUFFIX[spec.form] ?? ''),
    flow: FLOW_OF_FORM[spec.form] ?? 'next',
    mem,
    memBytes: mem === 'none' ? 0 : ((spec.width / 8) as 1 | 2 | 4 | 8),
    base: spec.form === 'load' ? 'src' : mem === 'store' || mem === 'rmw' ? 'dst' : null,
    writesDst: spec.form === 'dst,imm' || spec.form === 'dst,src' || spec.form === 'dst' || spec.form === 'lddw' || spec.form === 'load',
    slots: spec.form === 'lddw' ? 2 : 1,
    signExtends: /^(ldxs|movsx)/.test(spec.mnemonic),
  };
}

const rows: OpSpec[] = [];
let nextVariant = 0x100;
function row(spec: RowSpec): void {
  rows.push({ ...spec, ...derive(spec), xop: spec.xop ?? (spec.match ? nextVariant++ : spec.opcode) });
}

// ---- ALU and ALU64 ---------------------------------------------------------------------
const ALU_OPS: { code: number; name: string; note: string; group: 'base' | 'divmul' }[] = [
  { code: 0x00, name: 'add', note: 'dst += src', group: 'base' },
  { code: 0x10, name: 'sub', note: 'dst -= src', group: 'base' },
  { code: 0x20, name: 'mul', note: 'dst *= src', group: 'divmul' },
  { code: 0x40, name: 'or', note: 'dst |= src', group: 'base' },
  { code: 0x50, name: 'and', note: 'dst &= src', group: 'base' },
  { code: 0x60, name: 'lsh', note: 'dst <<= (src & (width-1))', group: 'base' },
  { code: 0x70, name: 'rsh', note: 'dst >>= (src & (width-1)), logical', group: 'base' },
  { code: 0xa0, name: 'xor', note: 'dst ^= src', group: 'base' },
  { code: 0xc0, name: 'arsh', note: 'dst >>= (src & (width-1)), arithmetic', group: 'base' },
];

for (const [cls, width, suffix] of [
  [CLASS.ALU64, 64, ''],
  [CLASS.ALU, 32, '32'],
] as const) {
  const base = width === 64 ? 'base64' : 'base32';
  const divmul = width === 64 ? 'divmul64' : 'divmul32';
  for (const op of ALU_OPS) {
    const group = op.group === 'base' ? base : divmul;
    row({ opcode: cls | op.code | SRC.K, mnemonic: op.name + suffix, form: 'dst,imm', width, group, since: 'v1', note: op.note });
    row({ opcode: cls | op.code | SRC.X, mnemonic: op.name + suffix, form: 'dst,src', width, group, since: 'v1', note: op.note });
  }
  // div/mod: offset 0 unsigned, offset 1 signed (v4). Division by zero gives 0, modulo by
  // zero leaves dst unchanged (32-bit: truncated); INT_MIN / -1 stays INT_MIN.
  for (const [code, name, sname] of [
    [0x30, 'div', 'sdiv'],
    [0x90, 'mod', 'smod'],
  ] as const) {
    for (const [srcBit, form] of [
      [SRC.K, 'dst,imm'],
      [SRC.X, 'dst,src'],
    ] as const) {
      const opcode = cls | code | srcBit;
      row({ opcode, xop: opcode, mnemonic: name + suffix, form, width, group: divmul, since: 'v1', note: `unsigned ${name}`, match: { field: 'off', value: 0 } });
      row({ opcode, mnemonic: sname + suffix, form, width, group: divmul, since: 'v4', note: `signed ${name}`, match: { field: 'off', value: 1 } });
    }
  }
  row({ opcode: cls | 0x80, mnemonic: 'neg' + suffix, form: 'dst', width, group: base, since: 'v1', note: 'dst = -dst' });
  // mov: offset 0 plain, 8/16/32 sign-extending (movsx, v4). The assembler spells them
  // movsx<from><to>: movsx832, movsx1632, movsx864, movsx1664, movsx3264.
  row({ opcode: cls | 0xb0 | SRC.K, mnemonic: 'mov' + suffix, form: 'dst,imm', width, group: base, since: 'v1', note: 'dst = imm' });
  const movx = cls | 0xb0 | SRC.X;
  row({ opcode: movx, xop: movx, mnemonic: 'mov' + suffix, form: 'dst,src', width, group: base, since: 'v1', note: 'dst = src', match: { field: 'off', value: 0 } });
  if (width === 64) {
    // Kernel-internal (never from user space): BPF_MOV64_PERCPU_REG, off = BPF_ADDR_PERCPU,
    // emitted by verifier rewrites since v6.10; the JIT lowers it to `add dst, gs:[this_cpu_off]`.
    row({ opcode: movx, mnemonic: 'movpcpu', form: 'dst,src', width, group: base, since: 'v4', note: 'dst = src + this_cpu_off (kernel-internal)', match: { field: 'off', value: -1 } });
  }
  for (const from of width === 64 ? [8, 16, 32] : [8, 16]) {
    row({ opcode: movx, mnemonic: `movsx${from}${width}`, form: 'dst,src', width, group: base, since: 'v4', note: `dst = (s${from})src`, match: { field: 'off', value: from } });
  }
}

// Byte swaps: ALU|K = to little-endian (le), ALU|X = to big-endian (be), ALU64|K =
// unconditional bswap (v4). imm selects 16/32/64; 16 and 32 zero the upper bits.
for (const bits of [16, 32, 64] as const) {
  row({ opcode: CLASS.ALU | 0xd0 | SRC.K, mnemonic: `le${bits}`, form: 'dst', width: bits, group: 'base32', since: 'v1', note: `dst = htole${bits}(dst)`, match: { field: 'imm', value: bits } });
  row({ opcode: CLASS.ALU | 0xd0 | SRC.X, mnemonic: `be${bits}`, form: 'dst', width: bits, group: 'base32', since: 'v1', note: `dst = htobe${bits}(dst)`, match: { field: 'imm', value: bits } });
  row({ opcode: CLASS.ALU64 | 0xd0 | SRC.K, mnemonic: `bswap${bits}`, form: 'dst', width: bits, group: 'base64', since: 'v4', note: `dst = bswap${bits}(dst)`, match: { field: 'imm', value: bits } });
}

// ---- JMP and JMP32 ---------------------------------------------------------------------
const JMP_CONDS: { code: number; name: string; note: string; since: 'v1' | 'v2' }[] = [
  { code: 0x10, name: 'jeq', note: 'dst == src', since: 'v1' },
  { code: 0x20, name: 'jgt', note: 'dst > src, unsigned', since: 'v1' },
  { code: 0x30, name: 'jge', note: 'dst >= src, unsigned', since: 'v1' },
  { code: 0x40, name: 'jset', note: 'dst & src != 0', since: 'v1' },
  { code: 0x50, name: 'jne', note: 'dst != src', since: 'v1' },
  { code: 0x60, name: 'jsgt', note: 'dst > src, signed', since: 'v1' },
  { code: 0x70, name: 'jsge', note: 'dst >= src, signed', since: 'v1' },
  { code: 0xa0, name: 'jlt', note: 'dst < src, unsigned', since: 'v2' },
  { code: 0xb0, name: 'jle', note: 'dst <= src, unsigned', since: 'v2' },
  { code: 0xc0, name: 'jslt', note: 'dst < src, signed', since: 'v2' },
  { code: 0xd0, name: 'jsle', note: 'dst <= src, signed', since: 'v2' },
];
for (const [cls, width, suffix, group] of [
  [CLASS.JMP, 64, '', 'base64'],
  [CLASS.JMP32, 32, '32', 'base32'],
] as const) {
  for (const c of JMP_CONDS) {
    const since = width === 32 ? 'v3' : c.since;
    row({ opcode: cls | c.code | SRC.K, mnemonic: c.name + suffix, form: 'dst,imm,off', width, group, since, note: `pc += off if ${c.note} (imm sign-extended)` });
    row({ opcode: cls | c.code | SRC.X, mnemonic: c.name + suffix, form: 'dst,src,off', width, group, since, note: `pc += off if ${c.note}` });
  }
}
row({ opcode: CLASS.JMP | 0x00, mnemonic: 'ja', form: 'off', width: 64, group: 'base32', since: 'v1', note: 'pc += off' });
row({ opcode: CLASS.JMP32 | 0x00, mnemonic: 'ja32', form: 'imm-target', width: 64, group: 'base32', since: 'v4', note: 'gotol: pc += imm' });
row({ opcode: CLASS.JMP | 0x80, mnemonic: 'call', form: 'helper', width: 64, group: 'base32', since: 'v1', note: 'call helper by static id', match: { field: 'src', value: 0 } });
row({ opcode: CLASS.JMP | 0x80, mnemonic: 'call', form: 'local', width: 64, group: 'base32', since: 'v1', note: 'bpf-to-bpf call: pc += imm, new frame', match: { field: 'src', value: 1 } });
row({ opcode: CLASS.JMP | 0x80, mnemonic: 'call', form: 'kfunc', width: 64, group: 'base32', since: 'v1', note: 'call kernel function by BTF id', match: { field: 'src', value: 2 } });
row({ opcode: CLASS.JMP | 0x80 | SRC.X, mnemonic: 'call', form: 'callx', width: 64, group: 'base32', since: 'v4', note: 'indirect call through dst' });
row({ opcode: CLASS.JMP | 0x90, mnemonic: 'exit', form: 'none', width: 64, group: 'base32', since: 'v1', note: 'return r0 to the caller frame or the kernel' });

// ---- Loads and stores ------------------------------------------------------------------
const SIZES = [
  [SIZE.B, 'b', 8],
  [SIZE.H, 'h', 16],
  [SIZE.W, 'w', 32],
  [SIZE.DW, 'dw', 64],
] as const;
for (const [size, s, width] of SIZES) {
  row({ opcode: CLASS.LDX | MODE.MEM | size, mnemonic: `ldx${s}`, form: 'load', width, group: 'base32', since: 'v1', note: `dst = *(u${width} *)(src + off)` });
  row({ opcode: CLASS.ST | MODE.MEM | size, mnemonic: `st${s}`, form: 'store-imm', width, group: 'base32', since: 'v1', note: `*(u${width} *)(dst + off) = imm` });
  row({ opcode: CLASS.STX | MODE.MEM | size, mnemonic: `stx${s}`, form: 'store-reg', width, group: 'base32', since: 'v1', note: `*(u${width} *)(dst + off) = src` });
  if (width !== 64) {
    row({ opcode: CLASS.LDX | MODE.MEMSX | size, mnemonic: `ldxs${s}`, form: 'load', width, group: 'base32', since: 'v4', note: `dst = *(s${width} *)(src + off)` });
    row({ opcode: CLASS.LD | MODE.ABS | size, mnemonic: `ldabs${s}`, form: 'ldabs', width, group: 'packet', since: 'v1', note: `r0 = ntoh(*(u${width} *)(skb->data + imm)), legacy` });
    row({ opcode: CLASS.LD | MODE.IND | size, mnemonic: `ldind${s}`, form: 'ldind', width, group: 'packet', since: 'v1', note: `r0 = ntoh(*(u${width} *)(skb->data + src + imm)), legacy` });
  }
}
row({ opcode: CLASS.LD | MODE.IMM | SIZE.DW, mnemonic: 'lddw', form: 'lddw', width: 64, group: 'base64', since: 'v1', note: 'dst = imm64 (two slots); src_reg selects a pseudo form' });

// Atomics: imm holds the operation, with BPF_FETCH (0x01) returning the old value in src.
const ATOMIC_OPS = [
  [0x00, 'add', 'add'],
  [0x40, 'or', 'or'],
  [0x50, 'and', 'and'],
  [0xa0, 'xor', 'xor'],
] as const;
for (const [size, width, suffix, group] of [
  [SIZE.DW, 64, '', 'atomic64'],
  [SIZE.W, 32, '32', 'atomic32'],
] as const) {
  const opcode = CLASS.STX | MODE.ATOMIC | size;
  for (const [imm, name] of ATOMIC_OPS) {
    row({ opcode, mnemonic: `lock ${name}${suffix}`, form: 'atomic', width, group, since: 'v1', note: `*(u${width} *)(dst + off) ${name}= src`, match: { field: 'imm', value: imm } });
    row({ opcode, mnemonic: `lock fetch ${name}${suffix}`, form: 'atomic', width, group, since: 'v3', note: `src = atomic_fetch_${name}((u${width} *)(dst + off), src)`, match: { field: 'imm', value: imm | 0x01 } });
  }
  row({ opcode, mnemonic: `lock xchg${suffix}`, form: 'atomic', width, group, since: 'v3', note: `src = xchg((u${width} *)(dst + off), src)`, match: { field: 'imm', value: 0xe1 } });
  row({ opcode, mnemonic: `lock cmpxchg${suffix}`, form: 'atomic', width, group, since: 'v3', note: `r0 = cmpxchg((u${width} *)(dst + off), r0, src)`, match: { field: 'imm', value: 0xf1 } });
}

export const OPCODES: readonly OpSpec[] = rows;

/** Number of dispatch ids; arrays indexed by xop use this length. */
export const XOP_COUNT = nextVariant;

const byXop: (OpSpec | undefined)[] = new Array(XOP_COUNT);
const byOpcode: OpSpec[][] = Array.from({ length: 256 }, () => []);
for (const spec of rows) {
  if (byXop[spec.xop]) throw new Error(`opcode table: xop 0x${spec.xop.toString(16)} used twice`);
  if ((XOP as Record<string, number>)[spec.name] !== spec.xop) throw new Error(`opcode table: ${spec.mnemonic} (${spec.form}) has xop 0x${spec.xop.toString(16)}, XOP.${spec.name} disagrees`);
  byXop[spec.xop] = spec;
  byOpcode[spec.opcode].push(spec);
}

if (Object.keys(XOP).length !== rows.length) throw new Error('opcode table: XOP names ids that are not rows');

export function specByXop(xop: number): OpSpec | undefined {
  return byXop[xop];
}

/**
 * The row an instruction slot means, or undefined for an unknown or reserved encoding.
 * For `lddw` the pseudo src values are all accepted here; the loader gives them meaning.
 */
export function lookupSpec(opcode: number, src: number, off: number, imm: number): OpSpec | undefined {
  const candidates = byOpcode[opcode & 0xff];
  for (const spec of candidates) {
    if (!spec.match) return spec;
    const v = spec.match.field === 'off' ? off : spec.match.field === 'imm' ? imm : src;
    if (v === spec.match.value) return spec;
  }
  return undefined;
}

/** Rows by mnemonic, for the assembler (several rows share one mnemonic, told apart by form). */
export function specsByMnemonic(): Map<string, OpSpec[]> {
  const m = new Map<string, OpSpec[]>();
  for (const spec of rows) {
    const list = m.get(spec.mnemonic) ?? [];
    list.push(spec);
    m.set(spec.mnemonic, list);
  }
  return m;
}
