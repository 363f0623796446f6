// Wraps assembled slots as a Program: the unit the validator, rewrites and executor take.

import { INSN_SIZE, PSEUDO, readInsn } from '../isa/encoding.ts';
import { lookupSpec } from '../isa/opcodes.ts';
import type { Program, ProgramType } from '../program.ts';
import { assemble, type AssembleResult } from './assembler.ts';

interface ToProgramOptions {
  /** Program name, also the symbol of slot 0. */
  name: string;
  /** Where the text came from, for error messages. */
  source: string;
  type?: ProgramType;
}

/**
 * A Program from assembler output. Symbols: slot 0 is `name`; every label that a
 * `call local` targets names the subprogram starting there (plain jump labels are not
 * functions and are left out).
 */
export function programFromAssembly(result: AssembleResult, opts: ToProgramOptions): Program {
  const nameAt = new Map<number, string>();
  for (const [label, slot] of result.labels) if (!nameAt.has(slot)) nameAt.set(slot, label);
  const symbols = new Map<number, string>([[0, opts.name]]);
  const count = result.insns.length / INSN_SIZE;
  for (let pc = 0; pc < count; pc++) {
    const insn = readInsn(result.insns, pc);
    const spec = lookupSpec(insn.opcode, insn.src, insn.off, insn.imm);
    if (spec?.form === 'lddw') pc++;
    if (spec?.form !== 'local' || insn.src !== PSEUDO.CALL_LOCAL) continue;
    const target = pc + 1 + insn.imm;
    const label = nameAt.get(target);
    if (target !== 0) symbols.set(target, label ?? `sub_${target}`);
  }
  return { name: opts.name, source: opts.source, insns: result.insns, maps: [], type: opts.type ?? 'raw', symbols };
}

/** Assemble text straight into a Program named after its source. */
export function assembleProgram(text: string, opts: ToProgramOptions): Program {
  return programFromAssembly(assemble(text, opts.source), opts);
}
