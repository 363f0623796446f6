// The original calibration shape (N call sites of one kind, each followed by a check) as
// rows held to the issue-14 targets: a strategy's check overhead per call site, kernel vs
// the ooo model for the same bytes.
import type { MeasuredVariant } from './measure.ts';
import type { PredictedVariant } from './model.ts';
import { judged, TARGETS, type CalibrationSection } from './section.ts';
import type { CalibrationVariant } from './programs.ts';

export function sitesSection(
  variants: readonly CalibrationVariant[],
  measured: readonly Omit<MeasuredVariant, 'xlated'>[] | undefined,
  predicted: readonly PredictedVariant[],
  noKernel?: string,
): CalibrationSection {
  const rows = variants
    .filter((v) => v.strategy !== 'none')
    .map((v) => {
      const m = measured?.find((x) => x.strategy === v.strategy && x.sites === v.sites && x.n === v.n);
      const p = predicted.find((x) => x.strategy === v.strategy && x.sites === v.sites && x.n === v.n && x.kind === 'ooo');
      const name = v.faithful ? v.strategy : `${v.strategy}~`;
      return judged({
        kind: 'sites' as const,
        label: `${name} at ${v.sites} sites`,
        unit: 'cycles/site',
        ...(m ? { measured: m.cyclesPerSite } : {}),
        ...(p ? { model: p.cyclesPerSite } : {}),
        target: v.strategy === 'call' ? TARGETS.callOverhead : TARGETS.checkOverhead,
        rank: { group: `${v.sites} sites`, item: name },
        ...(m ? {} : { skipped: noKernel ?? 'the kernel refused this variant' }),
      });
    });
  const n = variants[0]?.n ?? 0;
  return {
    kind: 'sites',
    title: `Check overhead per call site, ${n} call sites per program`,
    rows,
    notes: ['~: analog of the strategy, not its exact sequence (the JSON lists every substitution)'],
  };
}
