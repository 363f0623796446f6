// The `programs` calibration kind from the command line: `--program <workload|file.o>` on
// its own (one table), and every built-in workload in the default calibration.
import type { Mitigations } from '../../cpus/mitigations.ts';
import { calibratePrograms, calibrationPrograms } from '../../calibrate/program-calibration.ts';
import type { CalibrateKind, CalibrationSection } from '../../calibrate/section.ts';
import type { ExecutionTier } from '../../exec/index.ts';
import { openKernel } from '../../kernel/bpf-syscall.ts';
import { loadCatalog } from '../workload-catalog.ts';

export interface ProgramCalibrationOptions {
  programs: string[];
  /** Context bytes for object files given with --program (--mem). */
  mem?: Uint8Array;
  /** BTF file the objects' CO-RE relocations resolve against (--btf). */
  btf?: string;
  cpuModel: string;
  mitigations: Mitigations;
  tier: ExecutionTier;
  /** Memoise the ooo model (default true; identical figures). */
  memo?: boolean;
  loads: number;
  runsPerLoad: number;
  repeat: number;
  noKernel: boolean;
  onProgress?: (label: string, done: number, total: number) => void;
}

/** The programs kind over every built-in workload, as the default calibration runs it:
 * fewer rounds and a shorter repeat than the call-site kind, since whole programs are long
 * and the kind times dozens of forms. */
export function builtInPrograms(): CalibrateKind {
  const catalog = loadCatalog();
  const kind = calibratePrograms(calibrationPrograms(catalog.map((w) => w.name), catalog));
  return (ctx) => kind({ ...ctx, rounds: { loads: Math.min(ctx.rounds.loads, 7), runsPerLoad: Math.min(ctx.rounds.runsPerLoad, 5), repeat: Math.min(ctx.rounds.repeat, 2000) } });
}

export async function runProgramCalibration(o: ProgramCalibrationOptions): Promise<CalibrationSection> {
  const notices: string[] = [];
  const programs = calibrationPrograms(o.programs, loadCatalog(), o.mem, { btf: o.btf, notices });
  const handle = o.noKernel ? undefined : await openKernel();
  const kernel = handle?.available ? handle : undefined;
  try {
    const section = await calibratePrograms(programs)({
      handle: kernel,
      cpuModel: o.cpuModel,
      mitigations: o.mitigations,
      tier: o.tier,
      memo: o.memo,
      rounds: { loads: o.loads, runsPerLoad: o.runsPerLoad, repeat: o.repeat },
      onProgress: o.onProgress,
    });
    if (handle && !handle.available) section.notes.unshift(`kernel not available: ${handle.reason}`);
    section.notes.push(...notices);
    return section;
  } finally {
    await kernel?.close();
  }
}
