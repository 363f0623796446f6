// Where each operand form of the opcode table keeps its operands in an instruction slot,
// in both directions. The assembler encodes through `encodeForm`; the disassembler
// decodes with `decodeForm` and re-encodes to prove its text is exact, so the two can
// never drift apart.

import { type RawInsn } from '../isa/encoding.ts';
import { type OperandForm, type OpSpec } from '../isa/opcodes.ts';

/** Operand values of one instruction, by field meaning rather than by slot field. */
export interface Operands {
  dst: number;
  src: number;
  off: number;
  imm: number;
  /** lddw only: the full 64-bit immediate (unsigned pattern). */
  imm64: bigint;
}

export const NO_OPERANDS: Operands = { dst: 0, src: 0, off: 0, imm: 0, imm64: 0n };

/** Operand kinds in source order, per form ('target' is a label or +N). */
export type OperandKind = 'reg' | 'imm' | 'imm64' | 'mem' | 'target';

export const FORM_OPERANDS: Record<OperandForm, readonly OperandKind[]> = {
  'dst,src': ['reg', 'reg'],
  'dst,imm': ['reg', 'imm'],
  dst: ['reg'],
  'dst,src,off': ['reg', 'reg', 'target'],
  'dst,imm,off': ['reg', 'imm', 'target'],
  off: ['target'],
  'imm-target': ['target'],
  helper: ['imm'],
  local: ['target'],
  kfunc: ['imm'],
  callx: ['reg'],
  none: [],
  lddw: ['reg', 'imm64'],
  load: ['reg', 'mem'],
  'store-imm': ['mem', 'imm'],
  'store-reg': ['mem', 'reg'],
  atomic: ['mem', 'reg'],
  ldabs: ['imm'],
  ldind: ['reg', 'imm'],
};

/** Which slot field a form's jump or call target lives in. */
export function targetField(form: OperandForm): 'off' | 'imm' | undefined {
  if (form === 'dst,src,off' || form === 'dst,imm,off' || form === 'off') return 'off';
  if (form === 'imm-target' || form === 'local') return 'imm';
  return undefined;
}

/** Slots of one instruction (two for lddw), with the spec's variant field applied. */
export function encodeForm(spec: OpSpec, ops: Operands): RawInsn[] {
  const insn: RawInsn = { opcode: spec.opcode, dst: 0, src: 0, off: 0, imm: 0 };
  switch (spec.form) {
    case 'dst,src':
      insn.dst = ops.dst;
      insn.src = ops.src;
      break;
    case 'load':
    case 'store-reg':
    case 'atomic':
    case 'dst,src,off':
      insn.dst = ops.dst;
      insn.src = ops.src;
      insn.off = ops.off;
      break;
    case 'dst,imm':
      insn.dst = ops.dst;
      insn.imm = ops.imm;
      break;
    case 'store-imm':
    case 'dst,imm,off':
      insn.dst = ops.dst;
      insn.off = ops.off;
      insn.imm = ops.imm;
      break;
    case 'dst':
    case 'callx':
      insn.dst = ops.dst;
      break;
    case 'off':
      insn.off = ops.off;
      break;
    case 'imm-target':
    case 'helper':
    case 'local':
    case 'kfunc':
    case 'ldabs':
      insn.imm = ops.imm;
      break;
    case 'ldind':
      insn.src = ops.src;
      insn.imm = ops.imm;
      break;
    case 'none':
      break;
    case 'lddw': {
      insn.dst = ops.dst;
      insn.imm = Number(BigInt.asIntN(32, ops.imm64));
      const hi: RawInsn = { opcode: 0, dst: 0, src: 0, off: 0, imm: Number(BigInt.asIntN(32, ops.imm64 >> 32n)) };
      return [insn, hi];
    }
  }
  if (spec.match) insn[spec.match.field] = spec.match.value;
  return [insn];
}

/**
 * The operands a slot holds under this spec (`next` is lddw's second slot). Fields the
 * form does not use are copied too; re-encoding drops them, which is how the
 * disassembler notices a slot its text could not reproduce.
 */
export function decodeForm(spec: OpSpec, insn: RawInsn, next?: RawInsn): Operands {
  const ops: Operands = { dst: insn.dst, src: insn.src, off: insn.off, imm: insn.imm, imm64: 0n };
  if (spec.form === 'lddw') {
    const lo = BigInt(insn.imm >>> 0);
    const hi = BigInt((next?.imm ?? 0) >>> 0);
    ops.imm64 = (hi << 32n) | lo;
  }
  return ops;
}

export function sameSlot(a: RawInsn, b: RawInsn): boolean {
  return a.opcode === b.opcode && a.dst === b.dst && a.src === b.src && a.off === b.off && (a.imm | 0) === (b.imm | 0);
}
