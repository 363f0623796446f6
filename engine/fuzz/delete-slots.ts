// Deletes instructions from a program and re-aims every pc-relative jump and local call
// so the rest keeps its control flow: a branch to a deleted instruction lands on the next
// one kept. The minimiser's only edit.

import { INSN_SIZE, PSEUDO, readInsn, writeInsn } from '../isa/encoding.ts';
import { lookupSpec } from '../isa/opcodes.ts';

/** Slot index of each instruction (an lddw is one instruction of two slots). */
export function instructionStarts(insns: Uint8Array): number[] {
  const n = insns.length / INSN_SIZE;
  const out: number[] = [];
  for (let pc = 0; pc < n; ) {
    out.push(pc);
    const insn = readInsn(insns, pc);
    pc += lookupSpec(insn.opcode, insn.src, insn.off, insn.imm)?.form === 'lddw' ? 2 : 1;
  }
  return out;
}

/**
 * The program without the instructions starting at `drop` (slot indices from
 * instructionStarts), or undefined when nothing would be left or a branch would have to
 * leave the program or exceed its offset field.
 */
export function deleteInstructions(insns: Uint8Array, drop: ReadonlySet<number>): Uint8Array | undefined {
  const n = insns.length / INSN_SIZE;
  const keep = new Uint8Array(n);
  for (const pc of instructionStarts(insns)) {
    if (drop.has(pc)) continue;
    keep[pc] = 1;
    const insn = readInsn(insns, pc);
    if (lookupSpec(insn.opcode, insn.src, insn.off, insn.imm)?.form === 'lddw' && pc + 1 < n) keep[pc + 1] = 1;
  }
  const newIndex = new Int32Array(n + 1);
  let m = 0;
  for (let pc = 0; pc < n; pc++) {
    newIndex[pc] = m;
    if (keep[pc]) m++;
  }
  newIndex[n] = m;
  if (m === 0) return undefined;
  const out = new Uint8Array(m * INSN_SIZE);
  for (let pc = 0; pc < n; pc++) {
    if (!keep[pc]) continue;
    const insn = readInsn(insns, pc);
    const spec = lookupSpec(insn.opcode, insn.src, insn.off, insn.imm);
    const at = newIndex[pc];
    const form = spec?.form;
    const field = form === 'dst,src,off' || form === 'dst,imm,off' || form === 'off' ? 'off' : form === 'imm-target' || (form === 'local' && insn.src === PSEUDO.CALL_LOCAL) ? 'imm' : undefined;
    if (field) {
      const target = pc + 1 + insn[field];
      if (target < 0 || target > n) return undefined;
      // newIndex of a deleted slot is the index of the next kept one.
      const nt = newIndex[target];
      if (nt >= m) return undefined;
      const delta = nt - (at + 1);
      if (field === 'off' && (delta < -0x8000 || delta > 0x7fff)) return undefined;
      insn[field] = delta;
    }
    writeInsn(out, at, insn);
  }
  return out;
}
