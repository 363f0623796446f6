// `bpfexc calibrate --program <workload|file.o>`: the `programs` calibration kind on its
// own, printed as a plain table of its rows. (Until the calibration document takes every
// kind, this is the path that shows them.)
import type { Mitigations } from '../../cpus/mitigations.ts';
import { calibratePrograms, calibrationPrograms } from '../../calibrate/program-calibration.ts';
import type { CalibrationSection } from '../../calibrate/section.ts';
import type { ExecutionTier } from '../../exec/index.ts';
import { openKernel } from '../../kernel/bpf-syscall.ts';
import { loadCatalog } from '../workload-catalog.ts';

export interface ProgramCalibrationOptions {
  programs: string[];
  cpuModel: string;
  mitigations: Mitigations;
  tier: ExecutionTier;
  loads: number;
  runsPerLoad: number;
  repeat: number;
  noKernel: boolean;
  onProgress?: (label: string, done: number, total: number) => void;
}

const fmt = (x: number | undefined): string => (x === undefined ? '-' : x.toFixed(1));

/** The rows as a table: label, kernel median [min..max], model, within target. */
export function formatSectionRows(s: CalibrationSection): string {
  const lines = [s.title, '', `${'program / strategy'.padEnd(34)} ${'kernel median [min..max]'.padEnd(28)} ${'model'.padStart(8)}  ok`];
  for (const r of s.rows) {
    const kernel = r.measured ? `${fmt(r.measured.median)} [${fmt(r.measured.min)}..${fmt(r.measured.max)}]` : '-';
    const ok = r.pass === undefined ? '-' : r.pass ? 'yes' : 'NO';
    lines.push(`${r.label.padEnd(34)} ${kernel.padEnd(28)} ${fmt(r.model).padStart(8)}  ${ok}`);
    if (r.skipped) lines.push(`    skipped: ${r.skipped}`);
    if (r.note) lines.push(`    note: ${r.note}`);
  }
  lines.push('', `unit: ${[...new Set(s.rows.map((r) => r.unit))].join(', ')}`, ...s.notes.map((n) => `- ${n}`));
  return lines.join('\n') + '\n';
}

export async function runProgramCalibration(o: ProgramCalibrationOptions): Promise<CalibrationSection> {
  const programs = calibrationPrograms(o.programs, loadCatalog());
  const handle = o.noKernel ? undefined : await openKernel();
  const kernel = handle?.available ? handle : undefined;
  try {
    const section = await calibratePrograms(programs)({
      handle: kernel,
      cpuModel: o.cpuModel,
      mitigations: o.mitigations,
      tier: o.tier,
      rounds: { loads: o.loads, runsPerLoad: o.runsPerLoad, repeat: o.repeat },
      onProgress: o.onProgress,
    });
    if (handle && !handle.available) section.notes.unshift(`kernel not available: ${handle.reason}`);
    return section;
  } finally {
    await kernel?.close();
  }
}
