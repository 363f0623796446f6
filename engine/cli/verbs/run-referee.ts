import { readFileSync } from 'node:fs';
import { readElf64 } from '../../elf/elf64.ts';
// `bpfexc run --referee kernel <program>`: every program the argument names (all of an
// object's programs unless --section picks one) run by bpfexc and by the running kernel on
// the same input, one verdict line each (engine/oracle/kernel-referee.ts). The exit
// status says the worst verdict, so scripts can tell a disagreement from a program the
// kernel refuses and from a machine without bpf().
import { existsSync } from 'node:fs';
import { BpfError } from '../../errors.ts';
import type { ExecutionTier } from '../../exec/index.ts';
import { hexBytesOption } from '../../inputs/options.ts';
import { readProgramInput } from '../../inputs/program-input.ts';
import type { TailCallSlot } from '../../elf/bpf-object.ts';
import { programsWithInputs, withDefaultContext, type ProgramWithInput } from '../../inputs/program-inputs.ts';
import { openKernel } from '../../kernel/bpf-syscall.ts';
import { refereeProgram, worstOutcome, type RefereeOutcome, type RefereeVerdict } from '../../oracle/kernel-referee.ts';
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
  /** --tail-call slots to fill (both sides), besides the object's `.values`. */
  tailCalls?: readonly TailCallSlot[];
}

/** The programs `arg` names (a built-in workload, or a file: programs-inputs.ts), each
 * with its input. */
export function refereedPrograms(arg: string, o: Pick<RefereeRunOptions, 'section' | 'mem' | 'packet' | 'tailCalls'>): ProgramWithInput[] {
  const hexCtx = o.mem ?? o.packet;
  const given = hexCtx === undefined ? undefined : hexBytesOption(o.mem !== undefined ? 'mem' : 'packet', hexCtx);
  if (looksLikeWorkloadName(arg) && !existsSync(arg)) {
    const w = workloadByName(arg);
    if (!w) throw unknownWorkload(arg);
    return [withDefaultContext(readProgramInput(w.file, { section: o.section ?? w.section, ctx: given ?? w.context }), given ?? w.context)];
  }
  return programsWithInputs(arg, { section: o.section, ctx: given, ...(o.tailCalls ? { tailCalls: o.tailCalls } : {}) });
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
    const object = arg.toLowerCase().endsWith('.o') ? readElf64(readFileSync(arg), arg) : undefined;
    for (const { program, ctx } of programs) verdicts.push(await refereeProgram(k, program, { ctx, seed: o.seed, maxInsns: o.maxInsns, tier: o.tier, ...(object ? { object } : {}) }));
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
