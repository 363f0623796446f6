// Instruction slots by mnemonic and operand form, looked up in the opcode table, with the
// variant field (sdiv's off = 1, bswap's imm = width, atomics' imm) filled in from the
// row's `match`, so the generator never spells an opcode byte itself.

import { PSEUDO, type RawInsn } from '../isa/encoding.ts';
import { specsByMnemonic, type OperandForm, type OpSpec } from '../isa/opcodes.ts';

const TABLE = specsByMnemonic();
const cache = new Map<string, OpSpec>();

function specFor(mnemonic: string, form: OperandForm): OpSpec {
  const key = `${mnemonic}/${form}`;
  let spec = cache.get(key);
  if (!spec) {
    spec = TABLE.get(mnemonic)?.find((s) => s.form === form);
    if (!spec) throw new Error(`opcode table has no '${mnemonic}' with form ${form}`);
    cache.set(key, spec);
  }
  return spec;
}

export interface Fields {
  dst?: number;
  src?: number;
  off?: number;
  imm?: number;
}

export function enc(mnemonic: string, form: OperandForm, f: Fields = {}): RawInsn {
  const spec = specFor(mnemonic, form);
  const insn: RawInsn = { opcode: spec.opcode, dst: f.dst ?? 0, src: f.src ?? 0, off: f.off ?? 0, imm: f.imm ?? 0 };
  if (spec.match) insn[spec.match.field] = spec.match.value;
  return insn;
}

/** `lddw dst, imm64` as its two slots. */
export function lddwImm(dst: number, value: bigint): RawInsn[] {
  const v = BigInt.asUintN(64, value);
  return [
    { ...enc('lddw', 'lddw', { dst }), imm: Number(BigInt.asIntN(32, v)) },
    { opcode: 0, dst: 0, src: 0, off: 0, imm: Number(BigInt.asIntN(32, v >> 32n)) },
  ];
}

/** `lddw dst, map[index]` resolved through fd_array (kernel) / the program's maps (executor). */
export function lddwMapIdx(dst: number, index: number): RawInsn[] {
  return [{ ...enc('lddw', 'lddw', { dst }), src: PSEUDO.LDDW_MAP_IDX, imm: index }, { opcode: 0, dst: 0, src: 0, off: 0, imm: 0 }];
}

/** `lddw dst, &map[index].value + offset`. */
export function lddwMapValue(dst: number, index: number, offset: number): RawInsn[] {
  return [{ ...enc('lddw', 'lddw', { dst }), src: PSEUDO.LDDW_MAP_IDX_VALUE, imm: index }, { opcode: 0, dst: 0, src: 0, off: 0, imm: offset }];
}
