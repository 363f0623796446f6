// Test-side instruction builder: names an instruction by mnemonic and operand form and
// encodes it with the opcode table's row (so tests never hard-code opcode bytes).

import { encodeProgram, type RawInsn } from '../../engine/isa/encoding.ts';
import { specsByMnemonic, type OperandForm } from '../../engine/isa/opcodes.ts';
import type { MapDef, Program } from '../../engine/program.ts';

const byName = specsByMnemonic();

export function op(mnemonic: string, form: OperandForm, f: Partial<RawInsn> = {}): RawInsn {
  const spec = (byName.get(mnemonic) ?? []).find((s) => s.form === form);
  if (!spec) throw new Error(`no ${mnemonic} ${form}`);
  const insn: RawInsn = { opcode: spec.opcode, dst: f.dst ?? 0, src: f.src ?? 0, off: f.off ?? 0, imm: f.imm ?? 0 };
  if (spec.match) insn[spec.match.field] = spec.match.value;
  return insn;
}

export const movi = (dst: number, imm: number): RawInsn => op('mov', 'dst,imm', { dst, imm });
export const movr = (dst: number, src: number): RawInsn => op('mov', 'dst,src', { dst, src });
export const alui = (m: string, dst: number, imm: number): RawInsn => op(m, 'dst,imm', { dst, imm });
export const alur = (m: string, dst: number, src: number): RawInsn => op(m, 'dst,src', { dst, src });
export const exit = (): RawInsn => op('exit', 'none');
export const call = (imm: number): RawInsn => op('call', 'helper', { imm });
export const callLocal = (imm: number): RawInsn => op('call', 'local', { imm });
export const kfunc = (imm: number): RawInsn => op('call', 'kfunc', { imm });
export const jmpi = (m: string, dst: number, imm: number, off: number): RawInsn => op(m, 'dst,imm,off', { dst, imm, off });
export const jmpr = (m: string, dst: number, src: number, off: number): RawInsn => op(m, 'dst,src,off', { dst, src, off });
export const ja = (off: number): RawInsn => op('ja', 'off', { off });
export const ldx = (m: string, dst: number, src: number, off: number): RawInsn => op(m, 'load', { dst, src, off });
export const stx = (m: string, dst: number, off: number, src: number): RawInsn => op(m, 'store-reg', { dst, src, off });
export const st = (m: string, dst: number, off: number, imm: number): RawInsn => op(m, 'store-imm', { dst, off, imm });

/** lddw: two slots; `src` selects a pseudo form. */
export function lddw(dst: number, value: bigint, src = 0): RawInsn[] {
  const v = BigInt.asUintN(64, value);
  return [
    op('lddw', 'lddw', { dst, src, imm: Number(BigInt.asIntN(32, v)) }),
    { opcode: 0, dst: 0, src: 0, off: 0, imm: Number(BigInt.asIntN(32, v >> 32n)) },
  ];
}

export function prog(insns: (RawInsn | RawInsn[])[], maps: MapDef[] = [], source = 'test.s'): Program {
  return { name: 'test', source, insns: encodeProgram(insns.flat()), maps, type: 'raw' };
}
