// The call-density sweep: one fixed piece of work (WORK_INSNS ALU instructions mixing
// r6..r9) with bpf-to-bpf calls to a two-instruction subprogram interleaved at a chosen
// density, so the only thing that changes from one point to the next is how many call
// sites the strategies must guard. The checks' cost should grow with the density; the
// `unwind` design's should not.
//
// Density is counted over the calling code (the main function): call sites per 100 of
// its instructions, the ratio the strategies' patching sees. With the work fixed the
// count of calls for a nominal density N is round(F * N / (100 - N)), F the main
// function's other instructions, so the density a program really has is within 0.1 of
// N (0.97 for N = 1, 8.09 for N = 8): run records carry that value, not the nominal one.
import { assembleProgram } from '../../../engine/asm/to-program.ts';
import { BpfError } from '../../../engine/errors.ts';
import type { Program } from '../../../engine/program.ts';

/** Bumped when the generated instructions change, so old result files say which. */
export const CALL_DENSITY_GENERATOR_VERSION = 1;
export const CALL_DENSITIES: readonly number[] = [1, 2, 4, 8, 16, 32, 64];
export const WORK_INSNS = 400;
/** Every point of the sweep carries this workload name in its run records (with
 * `params.callsPer100Insns` telling the points apart), so charts and reports draw the
 * sweep as one series; the programs themselves are named `call-density-<N>`. */
export const DENSITY_WORKLOAD_NAME = 'call-density';
export const DENSITY_WORKLOAD_PREFIX = `${DENSITY_WORKLOAD_NAME}-`;

export interface CallDensityProgram {
  /** e.g. `call-density-16` */
  name: string;
  program: Program;
  nominalCallsPer100Insns: number;
  /** 100 * calls / instructions of the main function (work + calls + set-up + exit). */
  callsPer100Insns: number;
  calls: number;
  mainInsns: number;
}

// Four dependence chains (one per callee-saved register) so the out-of-order model has
// some overlap to lose when a call or a check gets in the way. r1..r5 are clobbered by
// every call, r6..r9 survive it, as the BPF calling convention says.
const WORK_OPS: readonly string[] = [
  'add %r6, %r7',
  'xor %r7, 0x5bd1',
  'lsh %r8, 3',
  'add %r9, %r6',
  'xor %r6, %r8',
  'rsh %r7, 1',
  'add %r8, 0x2f',
  'xor %r9, %r7',
];

const PROLOGUE = ['mov %r6, 1', 'mov %r7, 0x1234', 'mov %r8, 7', 'mov %r9, 0x77'];
const EPILOGUE = ['mov %r0, %r6', 'xor %r0, %r7', 'add %r0, %r8', 'xor %r0, %r9', 'exit'];

export function callsForDensity(nominal: number): number {
  if (!(nominal > 0 && nominal < 100)) throw new BpfError('usage', `call density must be between 0 and 100 per 100 instructions, not ${nominal}`);
  const fixed = WORK_INSNS + PROLOGUE.length + EPILOGUE.length;
  return Math.max(1, Math.round((fixed * nominal) / (100 - nominal)));
}

/** The assembly text of the sweep point: calls spread evenly through the work. */
export function callDensitySource(nominal: number): { text: string; calls: number; mainInsns: number } {
  const calls = callsForDensity(nominal);
  const main: string[] = [...PROLOGUE];
  let placed = 0;
  for (let w = 0; w < WORK_INSNS; w++) {
    main.push(WORK_OPS[w % WORK_OPS.length]);
    // After work instruction w, place the calls due by then: call k goes after
    // work instruction floor((k + 1) * WORK / (calls + 1)).
    while (placed < calls && Math.floor(((placed + 1) * WORK_INSNS) / (calls + 1)) <= w + 1) {
      main.push('call local leaf');
      placed++;
    }
  }
  while (placed < calls) {
    main.push('call local leaf');
    placed++;
  }
  main.push(...EPILOGUE);
  const leaf = ['leaf:', 'mov %r0, 0', 'exit'];
  const header = [`# ${DENSITY_WORKLOAD_PREFIX}${nominal}: ${WORK_INSNS} work instructions, ${calls} calls (generated)`];
  return { text: [...header, ...main, ...leaf].join('\n') + '\n', calls, mainInsns: main.length };
}

export function callDensityProgram(nominal: number): CallDensityProgram {
  const name = `${DENSITY_WORKLOAD_PREFIX}${nominal}`;
  const { text, calls, mainInsns } = callDensitySource(nominal);
  const program = assembleProgram(text, { name, source: `${name} (generated)`, type: 'raw' });
  return {
    name,
    program,
    nominalCallsPer100Insns: nominal,
    callsPer100Insns: Math.round((10000 * calls) / mainInsns) / 100,
    calls,
    mainInsns,
  };
}
