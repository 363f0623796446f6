// One calibration run, from options to the finished document: build the variants, time
// them on the kernel when it can be used, predict them with the timing models, and
// write the document atomically under results/calibration/.
import type { Mitigations } from '../cpus/mitigations.ts';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { openKernel } from '../kernel/bpf-syscall.ts';
import { chooseCpuModel, type HostCpu } from '../cpus/host-model.ts';
import { readCpuIdentity, readHostInfo } from '../kernel/host-info.ts';
import type { ExecutionTier } from '../exec/index.ts';
import { writeFileAtomic } from '../results/atomic-write.ts';
import { collectProvenance } from '../results/provenance.ts';
import { measureVariants } from './measure.ts';
import { modelTier, predict } from './model.ts';
import { buildVariants } from './programs.ts';
import type { CalibrateKind, CalibrationKind, CalibrationSection, SectionContext } from './section.ts';
import { sitesSection } from './sites-section.ts';
import { calibrationDocument, measuredForDocument, programInfo, SPREAD_METHOD, type CalibrationDocument } from './report.ts';

interface CalibrationOptions {
  sites: number;
  loads: number;
  runsPerLoad: number;
  repeat: number;
  /** Timing model CPU; default: the one closest to `host` (engine/cpus/host-model.ts). */
  cpuModel?: string;
  /** The host CPU the default is chosen for and the document records (default: this
   * machine's /proc/cpuinfo). */
  host?: HostCpu;
  command: string;
  /** Executor of the model side (default DEFAULT_TIER); the kernel side is the kernel's
   * JIT whatever this says. Recorded in provenance.tier. */
  tier?: ExecutionTier;
  /** The mitigations the model assumes (see engine/cpus/mitigations.ts); recorded in
   * options. Default 'default'. */
  mitigations?: Mitigations;
  /** Memoise the ooo model (default true; identical figures). Recorded in provenance.memo. */
  memo?: boolean;
  /** Skip the kernel even where it is available (model only). */
  noKernel?: boolean;
  /** Calibration kinds beyond the N-site check overhead ('sites', always run), in the
   * order to run them; each gets the same kernel handle and model settings. */
  kinds?: readonly KindRunner[];
  onRound?: (done: number, total: number) => void;
  /** Progress of the other kinds: what is being timed, and how far it is. */
  onProgress?: (label: string, done: number, total: number) => void;
}

/** One calibration kind to run, named for the document and the progress line. */
export interface KindRunner {
  kind: CalibrationKind;
  run: CalibrateKind;
}

export const DEFAULT_CALIBRATION = { sites: 128, loads: 20, runsPerLoad: 15, repeat: 20000 } as const;

const DEFAULT_RESULTS_DIR = fileURLToPath(new URL('../../results/calibration/', import.meta.url));

export async function runCalibration(o: CalibrationOptions): Promise<CalibrationDocument> {
  const tier = modelTier(o);
  const choice = chooseCpuModel(o.cpuModel, o.host ?? (await readCpuIdentity()));
  const variants = buildVariants(o.sites);
  const mitigations = o.mitigations ?? 'default';
  const memo = o.memo ?? true;
  const model = await predict(variants, choice.chosen, { tier, mitigations, memo });
  let kernel: CalibrationDocument['kernel'];
  let kernelUnavailable: string | undefined;
  const handle = o.noKernel ? { available: false as const, reason: 'skipped (--no-kernel)' } : await openKernel();
  const sections: CalibrationSection[] = [];
  try {
    if (handle.available) {
      const m = await measureVariants(handle, variants, { loads: o.loads, runsPerLoad: o.runsPerLoad, repeat: o.repeat, onRound: o.onRound });
      kernel = { host: await readHostInfo(), clock: m.clock, pinnedCpu: m.pinnedCpu, measured: measuredForDocument(m), skipped: m.skipped, spreadMethod: SPREAD_METHOD };
    } else {
      kernelUnavailable = handle.reason;
    }
    sections.push(sitesSection(variants, kernel?.measured, model.predicted, kernelUnavailable && `no kernel: ${kernelUnavailable}`));
    for (const k of o.kinds ?? []) {
      const ctx: SectionContext = {
        ...(handle.available ? { handle } : {}),
        cpuModel: choice.chosen,
        mitigations,
        tier,
        memo,
        rounds: { loads: o.loads, runsPerLoad: o.runsPerLoad, repeat: o.repeat },
        onProgress: o.onProgress,
      };
      sections.push(await k.run(ctx));
    }
  } finally {
    if (handle.available) await handle.close();
  }
  return calibrationDocument({
    provenance: collectProvenance(o.command, { tier, memo }),
    options: { sites: o.sites, loads: o.loads, runsPerLoad: o.runsPerLoad, repeat: o.repeat, cpuModel: choice.chosen, mitigations, kinds: ['sites', ...(o.kinds ?? []).map((k) => k.kind)] },
    cpuModelChoice: choice,
    programs: variants.map(programInfo),
    kernel,
    kernelUnavailable,
    model,
    sections,
  });
}

export const LATEST = 'latest.json';
const MODEL_ONLY = 'model-only.json';

interface WrittenCalibration {
  /** The file written: <dir>/<timestamp>.json for a run that measured the kernel,
   * <dir>/model-only.json for one that did not. */
  path: string;
  /** Whether <dir>/latest.json (what the model-vs-kernel chart reads) now holds this run. */
  latest: boolean;
}

/** A run that measured the kernel writes <dir>/<timestamp>.json and <dir>/latest.json. A
 * run that did not (--no-kernel, or the kernel refused) writes <dir>/model-only.json
 * only: latest.json keeps the last kernel measurements, which such a run cannot replace. */
export function writeCalibration(doc: CalibrationDocument, dir = DEFAULT_RESULTS_DIR): WrittenCalibration {
  const text = JSON.stringify(doc, null, 2) + '\n';
  if (!doc.kernel) {
    const path = join(dir, MODEL_ONLY);
    writeFileAtomic(path, text);
    return { path, latest: false };
  }
  const stamp = doc.provenance.createdAt.replace(/[:.]/g, '-');
  const path = join(dir, `${stamp}.json`);
  writeFileAtomic(path, text);
  writeFileAtomic(join(dir, LATEST), text);
  return { path, latest: true };
}
