// Writes a failing differential case as a bpf_conformance-style `.data` file: the
// disassembly under `-- asm` (map references print as `.raw` slots, which the assembler
// reads back exactly), the referee's r0 under `-- result`, and in the leading comment
// everything else needed to reproduce it (map definition and initial value, both sides'
// observations).

import { disassemble } from '../asm/disassembler.ts';
import { hex, hexBytes } from '../hex.ts';
import type { FuzzCase, Observation } from './differential.ts';

interface DivergenceReport {
  c: FuzzCase;
  seed: number;
  refereeName: string;
  referee: Observation;
  /** Executor's observation, or the error it raised. */
  subject: Observation | { error: string };
  differences: string[];
  /** Slots before minimisation. */
  originalSlots: number;
}


export function formatDivergence(r: DivergenceReport): string {
  const m = r.c.map;
  const lines = [
    `# Differential fuzzing: the executor disagrees with ${r.refereeName} on this program.`,
    `# Generator seed ${r.seed}; minimised from ${r.originalSlots} to ${r.c.insns.length / 8} slots.`,
    `# Program type: socket filter, run by BPF_PROG_TEST_RUN on a 64-byte zero packet.`,
    `# Map 0 (lddw src 5/6 in the .raw slots): ${m.type} '${m.name}', key ${m.keySize}, value ${m.valueSize}, ${m.maxEntries} entries.`,
    `# Map 0 entry 0 initial value: ${m.initialValue ? hexBytes(m.initialValue) : 'zero'}`,
    `# Referee r0: 0x${r.referee.r0.toString(16)} (low ${r.referee.r0Bits} bits)`,
    'error' in r.subject ? `# Executor error: ${r.subject.error}` : `# Executor r0: 0x${BigInt.asUintN(64, (r.subject as Observation).r0).toString(16)}`,
    ...r.differences.map((d) => `# differs: ${d}`),
    ...r.referee.entries.map((e, i) => `# referee map 0 entry ${i} after the run: ${hexBytes(e)}`),
    '-- asm',
    disassemble(r.c.insns).trimEnd(),
    '-- result',
    hex(r.referee.r0),
    '',
  ];
  return lines.join('\n');
}
