// `bpfexc run --referee kernel <program>`: every program the argument names (all of an
// object's programs unless --section picks one) run by bpfexc and by the running kernel on
// the same input, one verdict line each (engine/oracle/kernel-referee.ts). The exit
// status says the worst verdict, so scripts can tell a disagreement from a program the
// kernel refuses and from a machine without bpf().
import { existsSync, readFileSync } from 'node:fs';
import { loadBpfObject } from '../../elf/bpf-object.ts';
import { BpfError } from '../../errors.ts';
import type { ExecutionTier } from '../../exec/index.ts';
import { hexBytesOption } from '../../inputs/options.ts';
import { readProgramInput, type ProgramInput } from '../../inputs/program-input.ts';
import { openKernel } from '../../kernel/bpf-syscall.ts';
import { refereeProgram, worstOutcome, type RefereeOutcome, type RefereeVerdict } from '../../oracle/kernel-referee.ts';
import type { Program } from '../../program.ts';
import { looksLikeWorkloadName, unknownWorkload, workloadByName } from '../workload-catalog.ts';

export const REFEREES = ['kernel'] as const;

/** Exit statuses of a refereed run (1 stays every BpfError's). */
export const REFEREE_EXIT: Record<RefereeOutcome | 'unavailable', number> = {
  agrees: 0,
  disagrees: 2,
  rejected: 3,
  'kernel-cannot-run': 3,
  unavailable: 4,
};

export const REFEREE_HELP = `  --referee kernel   also load each program into the running kernel, run it
                     with BPF_PROG_TEST_RUN on the same input and compare r0
                     and the output packet: one verdict line per program (all
                     of an object's programs unless --section picks one).
                     Exit 0 all agree, 2 a disagreement, 3 the kernel rejects
                     or cannot test-run one, 4 bpf() is unavailable here`;

export interface RefereeRunOptions {
  referee: string;
  section?: string;
  mem?: string;
  packet?: string;
  seed: number;
  maxInsns: number;
  tier: ExecutionTier;
  format: string;
}

/** The context a kernel test run of a non-packet type needs when none is given: zeroed
 * bytes covering what the verifier lets the type read (raw_tp: MAX_BPF_FUNC_ARGS u64
 * arguments, bpf_prog_test_run_raw_tp; syscall: the test run refuses a ctx shorter than
 * the largest offset the program reads, so a generous block). */
function defaultContext(p: Program): Uint8Array | undefined {
  if (p.type === 'raw_tracepoint') return new Uint8Array(12 * 8);
  if (p.type === 'syscall') return new Uint8Array(256);
  return undefined;
}

function withDefault(input: ProgramInput, given: Uint8Array | undefined): { program: Program; ctx?: Uint8Array } {
  return { program: input.program, ctx: given ?? input.ctx ?? defaultContext(input.program) };
}

/** The programs `arg` names, each with its input. */
export function refereedPrograms(arg: string, o: Pick<RefereeRunOptions, 'section' | 'mem' | 'packet'>): { program: Program; ctx?: Uint8Array }[] {
  const hexCtx = o.mem ?? o.packet;
  const given = hexCtx === undefined ? undefined : hexBytesOption(o.mem !== undefined ? 'mem' : 'packet', hexCtx);
  if (looksLikeWorkloadName(arg) && !existsSync(arg)) {
    const w = workloadByName(arg);
    if (!w) throw unknownWorkload(arg);
    return [withDefault(readProgramInput(w.file, { section: o.section ?? w.section, ctx: given ?? w.context }), given ?? w.context)];
  }
  if (o.section !== undefined || !arg.toLowerCase().endsWith('.o')) return [withDefault(readProgramInput(arg, { section: o.section, ctx: given }), given)];
  let bytes: Uint8Array;
  try {
    bytes = readFileSync(arg);
  } catch (e) {
    throw new BpfError('usage', `cannot read '${arg}': ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
  // Each program by the part of its source after `file:` (its section, or its function
  // where a section holds several), which readProgramInput selects unambiguously.
  return loadBpfObject(bytes, arg).programs.map((p) => withDefault(readProgramInput(arg, { section: p.source.slice(arg.length + 1), ctx: given }), given));
}

/** Runs the referee and prints its verdicts; returns the exit status. */
export async function refereeRun(arg: string, o: RefereeRunOptions): Promise<number> {
  if (!(REFEREES as readonly string[]).includes(o.referee)) throw new BpfError('usage', `--referee must be one of ${REFEREES.join(', ')}, not '${o.referee}'`);
  if (o.format !== 'text' && o.format !== 'json') throw new BpfError('usage', `--referee prints text or json, not '${o.format}'`);
  const programs = refereedPrograms(arg, o);
  const k = await openKernel();
  if (!k.available) {
    if (o.format === 'json') process.stdout.write(JSON.stringify({ schema: 'bpfexc/referee@1', available: false, reason: k.reason }, null, 2) + '\n');
    else process.stdout.write(`kernel referee unavailable: ${k.reason}\n`);
    return REFEREE_EXIT.unavailable;
  }
  const verdicts: RefereeVerdict[] = [];
  try {
    for (const { program, ctx } of programs) verdicts.push(await refereeProgram(k, program, { ctx, seed: o.seed, maxInsns: o.maxInsns, tier: o.tier }));
  } finally {
    await k.close();
  }
  if (o.format === 'json') {
    process.stdout.write(JSON.stringify({ schema: 'bpfexc/referee@1', available: true, kernel: k.info.release, verdicts }, null, 2) + '\n');
  } else {
    process.stdout.write(verdicts.map((v) => `${v.program}: ${v.line}`).join('\n') + '\n');
  }
  return REFEREE_EXIT[worstOutcome(verdicts)];
}
