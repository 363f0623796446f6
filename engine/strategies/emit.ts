// Builders for the instructions the rewrites insert. Opcode bytes come from the opcode
// table (looked up by mnemonic and operand form), so a rewrite can only emit instructions
// the rest of the suite knows.

import { PSEUDO, type RawInsn } from '../isa/encoding.ts';
import { specsByMnemonic, type OperandForm, type OpSpec } from '../isa/opcodes.ts';

const byMnemonic = specsByMnemonic();

function spec(mnemonic: string, form: OperandForm): OpSpec {
  const found = byMnemonic.get(mnemonic)?.find((s) => s.form === form);
  if (!found) throw new Error(`opcode table has no ${mnemonic} (${form})`);
  return found;
}

function make(mnemonic: string, form: OperandForm, fields: Partial<RawInsn>): RawInsn {
  const s = spec(mnemonic, form);
  const insn: RawInsn = { opcode: s.opcode, dst: 0, src: 0, off: 0, imm: 0, ...fields };
  if (s.match) insn[s.match.field] = s.match.value;
  return insn;
}

export const R0 = 0;
export const R1 = 1;
export const R2 = 2;
export const R3 = 3;
export const R4 = 4;
export const R6 = 6;
export const R7 = 7;
export const R8 = 8;
export const R10 = 10;

export const mov64Reg = (dst: number, src: number): RawInsn => make('mov', 'dst,src', { dst, src });
export const mov64Imm = (dst: number, imm: number): RawInsn => make('mov', 'dst,imm', { dst, imm });
export const mov32Imm = (dst: number, imm: number): RawInsn => make('mov32', 'dst,imm', { dst, imm });
/** BPF_MOV64_PERCPU_REG: dst = src + this_cpu_off. */
export const movPercpu = (dst: number, src: number): RawInsn => make('movpcpu', 'dst,src', { dst, src });
export const callHelper = (id: number): RawInsn => make('call', 'helper', { imm: id, src: PSEUDO.CALL_HELPER });
export const exit = (): RawInsn => make('exit', 'none', {});
export const ldxdw = (dst: number, src: number, off: number): RawInsn => make('ldxdw', 'load', { dst, src, off });
export const ldxb = (dst: number, src: number, off: number): RawInsn => make('ldxb', 'load', { dst, src, off });
export const stxdw = (dst: number, off: number, src: number): RawInsn => make('stxdw', 'store-reg', { dst, off, src });
export const stb = (dst: number, off: number, imm: number): RawInsn => make('stb', 'store-imm', { dst, off, imm });
export const jeqImm = (dst: number, imm: number, off: number): RawInsn => make('jeq', 'dst,imm,off', { dst, imm, off });
export const jne32Imm = (dst: number, imm: number, off: number): RawInsn => make('jne32', 'dst,imm,off', { dst, imm, off });

/** A `call local` aimed at a function of the original program by its slot there; the
 * patcher (patch.ts applyPatches) fills in the pc-relative imm once the layout is known. */
export interface CallToOriginal extends RawInsn {
  toOriginalSlot: number;
}
export const callOriginal = (slot: number): CallToOriginal => ({ ...make('call', 'local', { src: PSEUDO.CALL_LOCAL }), toOriginalSlot: slot });

/** The frame-0 unwind's tail for a program with its own exception callback (r0 holds the
 * cookie): `r1 = r0; call <callback>`, whose r0 the program then returns, as bpf_throw
 * returns the callback's result (kernel/bpf/helpers.c). Empty for the default callback,
 * which returns the cookie itself. */
export function callExceptionCallback(exceptionCallback: number | undefined): RawInsn[] {
  return exceptionCallback === undefined ? [] : [mov64Reg(R1, R0), callOriginal(exceptionCallback)];
}

/** `lddw dst, imm64` as its two slots. */
export function lddw(dst: number, value: bigint): RawInsn[] {
  const u = BigInt.asUintN(64, value);
  const lo = Number(BigInt.asIntN(32, u & 0xffffffffn));
  const hi = Number(BigInt.asIntN(32, u >> 32n));
  return [make('lddw', 'lddw', { dst, imm: lo, src: PSEUDO.LDDW_IMM }), { opcode: 0, dst: 0, src: 0, off: 0, imm: hi }];
}
