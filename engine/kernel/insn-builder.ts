// Builds the handful of instruction slots the kernel referee generates itself (clock
// ruler, probes). Opcode bytes come from the ISA opcode table by mnemonic and operand
// form, so nothing here re-encodes the ISA.
import { encodeProgram, PSEUDO, type RawInsn } from '../isa/encoding.ts';
import { specsByMnemonic, type OperandForm } from '../isa/opcodes.ts';

const table = specsByMnemonic();

function opcodeOf(mnemonic: string, form: OperandForm, match?: number): number {
  const spec = table
    .get(mnemonic)
    ?.find((s) => s.form === form && (match === undefined || s.match?.value === match || !s.match));
  if (!spec) throw new Error(`opcode table has no '${mnemonic}' with form ${form}`);
  return spec.opcode;
}

export interface Fields {
  dst?: number;
  src?: number;
  off?: number;
  imm?: number;
}

/** One slot: `ins('add', 'dst,src', { dst: 0, src: 2 })`. */
export function ins(mnemonic: string, form: OperandForm, f: Fields = {}): RawInsn {
  return { opcode: opcodeOf(mnemonic, form), dst: f.dst ?? 0, src: f.src ?? 0, off: f.off ?? 0, imm: f.imm ?? 0 };
}

export const exit = (): RawInsn => ins('exit', 'none');
export const movImm = (dst: number, imm: number): RawInsn => ins('mov', 'dst,imm', { dst, imm });
export const callHelper = (id: number): RawInsn => ins('call', 'helper', { imm: id });

/** `lddw dst, map[index]` (two slots), resolved by the kernel through fd_array. */
export function lddwMap(dst: number, index: number): RawInsn[] {
  const op = opcodeOf('lddw', 'lddw');
  return [
    { opcode: op, dst, src: PSEUDO.LDDW_MAP_IDX, off: 0, imm: index },
    { opcode: 0, dst: 0, src: 0, off: 0, imm: 0 },
  ];
}

/** `lddw dst, &map[index].value + offset` (two slots); array maps only. */
export function lddwMapValue(dst: number, index: number, offset: number): RawInsn[] {
  const op = opcodeOf('lddw', 'lddw');
  return [
    { opcode: op, dst, src: PSEUDO.LDDW_MAP_IDX_VALUE, off: 0, imm: index },
    { opcode: 0, dst: 0, src: 0, off: 0, imm: offset },
  ];
}

export function program(...parts: (RawInsn | RawInsn[])[]): Uint8Array {
  return encodeProgram(parts.flat());
}
