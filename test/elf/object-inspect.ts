// Test helpers: read a committed object and list what a linked program references.

import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { INSN_SIZE, readInsn } from '../../engine/isa/encoding.ts';
import type { Program } from '../../engine/program.ts';

export const WORKLOADS = ['xdp-parse', 'trace-events', 'loop-callback', 'deep-assert', 'call-chain'] as const;

export function repoPath(rel: string): string {
  return fileURLToPath(new URL(`../../${rel}`, import.meta.url));
}

export function workloadObject(name: string): { bytes: Uint8Array; file: string } {
  const file = `benchmarks/workloads/obj/${name}.o`;
  return { bytes: new Uint8Array(readFileSync(repoPath(file))), file };
}

export function fixtureObject(name: string): { bytes: Uint8Array; file: string } {
  const file = `test/elf/fixtures/${name}.o`;
  return { bytes: new Uint8Array(readFileSync(repoPath(file))), file };
}

export interface Ref {
  pc: number;
  opcode: number;
  src: number;
  imm: number;
  /** Second-slot imm of an lddw. */
  imm2?: number;
}

/** Every call and every lddw whose src field is not 0, in program order. */
export function pseudoRefs(p: Program): Ref[] {
  const out: Ref[] = [];
  const n = p.insns.length / INSN_SIZE;
  for (let pc = 0; pc < n; pc++) {
    const x = readInsn(p.insns, pc);
    if (x.opcode === 0x85 || (x.opcode === 0x18 && x.src !== 0)) {
      const ref: Ref = { pc, opcode: x.opcode, src: x.src, imm: x.imm };
      if (x.opcode === 0x18) ref.imm2 = readInsn(p.insns, pc + 1).imm;
      out.push(ref);
    }
    if (x.opcode === 0x18) pc++;
  }
  return out;
}
