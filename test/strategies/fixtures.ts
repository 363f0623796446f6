// Test programs for the strategy tests, assembled from text.

import { assembleProgram } from '../../engine/asm/to-program.ts';
import { INSN_SIZE, PSEUDO, readInsn, writeInsn, type RawInsn } from '../../engine/isa/encoding.ts';
import type { Program, ProgramType } from '../../engine/program.ts';

export function asm(text: string, type: ProgramType = 'xdp'): Program {
  return assembleProgram(text, { name: 'main', source: 'test.s', type });
}

/** Turns the `lddw %rN, 0` at `slot` into a BPF_PSEUDO_FUNC reference to slot `target`. */
export function withFuncRef(p: Program, slot: number, target: number): Program {
  const insns = p.insns.slice();
  const insn = readInsn(insns, slot);
  writeInsn(insns, slot, { ...insn, src: PSEUDO.LDDW_FUNC, imm: target - slot - 1 });
  return { ...p, insns };
}

export function slots(p: Program, from: number, count: number): RawInsn[] {
  const out: RawInsn[] = [];
  for (let i = from; i < from + count && i < p.insns.length / INSN_SIZE; i++) out.push(readInsn(p.insns, i));
  return out;
}

/** main calls f (frame 0 check), f calls g (frame N check), g asserts r1 != 0. */
export const NESTED_THROW = `
mov %r6, %r1
mov %r1, 1
call local f
exit
f:
call local g
exit
g:
jne %r1, 0, ok
mov %r1, 7
call kfunc 0x10001
ok:
call 5
mov %r0, 3
exit
`;
