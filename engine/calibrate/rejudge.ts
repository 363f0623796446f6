// Holds the current model to kernel figures recorded earlier, on this host or another
// one the project may not see again (`bpfexc calibrate --recorded FILE`): the recorded
// document's programs are rebuilt, the current model predicts them for the document's
// CPU model and mitigations, and every row is judged again against the recorded kernel
// figure. No kernel is needed, so the Intel and Zen 5 references stay checked on a
// machine that is neither.
import { readFileSync } from 'node:fs';
import { BpfError } from '../errors.ts';
import type { ExecutionTier } from '../exec/index.ts';
import { collectProvenance } from '../results/provenance.ts';
import type { KindRunner } from './run-calibration.ts';
import { predict } from './model.ts';
import { buildVariants } from './programs.ts';
import { calibrationDocument, programInfo, type CalibrationDocument } from './report.ts';
import { judged, type CalibrationSection } from './section.ts';
import { sitesSection } from './sites-section.ts';

const READABLE = ['bpfexc/calibration@1', 'bpfexc/calibration@2'];

export function readRecorded(file: string): CalibrationDocument {
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(file, 'utf8'));
  } catch (e) {
    throw new BpfError('usage', `--recorded: cannot read ${file}: ${(e as Error).message}`, { file });
  }
  const d = raw as Partial<CalibrationDocument>;
  if (!READABLE.includes(d?.schema as string)) throw new BpfError('usage', `--recorded: ${file} is not a calibration document (schema ${JSON.stringify(d?.schema)})`, { file });
  if (!d.kernel) throw new BpfError('usage', `--recorded: ${file} has no kernel measurements to judge against`, { file });
  if (!d.options || !Number.isInteger(d.options.sites)) throw new BpfError('usage', `--recorded: ${file} has no options.sites`, { file });
  return d as CalibrationDocument;
}

/** Rows of `fresh` (model only) with the kernel figures of `recorded` where labels match. */
function withRecordedKernel(fresh: CalibrationSection, recorded: CalibrationSection | undefined): CalibrationSection {
  const rows = fresh.rows.map((r) => {
    const old = recorded?.rows.find((x) => x.label === r.label);
    if (!old?.measured) return { ...r, skipped: old?.skipped ?? 'not measured in the recorded run' };
    const { skipped: _s, ...rest } = r;
    return judged({ ...rest, measured: old.measured });
  });
  return { ...fresh, rows };
}

export async function rejudgeCalibration(
  recorded: CalibrationDocument,
  o: { file: string; command: string; tier: ExecutionTier; kinds: readonly KindRunner[]; memo?: boolean },
): Promise<CalibrationDocument> {
  const cpuModel = recorded.options.cpuModel;
  const mitigations = recorded.options.mitigations ?? 'default';
  const variants = buildVariants(recorded.options.sites);
  const memo = o.memo ?? true;
  const model = await predict(variants, cpuModel, { tier: o.tier, mitigations, memo });
  const sections: CalibrationSection[] = [sitesSection(variants, recorded.kernel?.measured, model.predicted, 'not measured in the recorded run')];
  const recordedKinds = new Set(recorded.sections?.map((s) => s.kind) ?? []);
  for (const k of o.kinds) {
    if (!recordedKinds.has(k.kind)) continue;
    const fresh = await k.run({ cpuModel, mitigations, tier: o.tier, memo, rounds: { loads: 1, runsPerLoad: 1, repeat: 1 } });
    sections.push(withRecordedKernel(fresh, recorded.sections?.find((s) => s.kind === k.kind)));
  }
  const from = recorded.provenance;
  return calibrationDocument({
    provenance: collectProvenance(o.command, { tier: o.tier, memo }),
    options: { ...recorded.options, kinds: sections.map((s) => s.kind) },
    ...(recorded.cpuModelChoice ? { cpuModelChoice: recorded.cpuModelChoice } : {}),
    programs: variants.map(programInfo),
    kernel: recorded.kernel,
    recordedFrom: { file: o.file, gitCommit: String(from?.gitCommit ?? 'unknown'), createdAt: String(from?.createdAt ?? 'unknown') },
    model,
    sections,
  });
}
