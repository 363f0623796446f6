// (e) What the `aux` strategy's entry reset costs on several CPUs: `aux` keeps one
// exception flag in prog->aux, shared by every CPU. Resetting it on every entry
// ('always') writes that line on every invocation, so each CPU's next read of the flag
// fetches it from the CPU that wrote it last; resetting only when it is set ('if-set')
// leaves the line shared. Runs of the bench's aux-reset sweep carry
// `params.resetPolicy` and `params.invocationRate` (task-context invocations per CPU
// per second); left: overhead against CPU count at one rate, right: against the rate
// at one CPU count (each the one with the most points). Solid: overhead per invocation
// over `none`; dashed: its flag-line part (cross-core transfers of exception-state
// lines); dotted: the rest (core cycles and transfers of other lines). The two parts add
// up to the solid line; the rest can be negative, since the CPUs interleave differently
// under aux than under none and the program's own shared lines can move less.
import { invocationRateOf, resetPolicyOf } from '../engine/report/run-metrics.ts';
import type { TopLevelSpec } from 'vega-lite';
import type { RunRecord } from '../engine/results/document.ts';
import type { ChartBuilder, ChartInput, ChartOutcome } from './chart.ts';
import { CONFIG, groupBy, mean, provenanceLines } from './style.ts';

export type ResetPolicy = 'always' | 'if-set';



/** The overhead's flag-line part, averaged as the overhead is (machine.overheadParts). */
function flagCoherence(run: RunRecord): number | undefined {
  const m = run.machine as { overheadParts?: { exceptionStateCoherence?: unknown } | null } | undefined;
  const v = m?.overheadParts?.exceptionStateCoherence;
  return typeof v === 'number' && Number.isFinite(v) ? v : undefined;
}

export type AuxResetMeasure = 'overhead' | 'flag transfers' | 'rest';
export const AUX_RESET_MEASURES: readonly AuxResetMeasure[] = ['overhead', 'flag transfers', 'rest'];

export interface AuxResetRow {
  panel: 'cpus' | 'rate';
  cpus: number;
  invocationRate: number;
  cpuModel: string;
  resetPolicy: ResetPolicy;
  measure: AuxResetMeasure;
  cyclesPerInvocation: number;
}

/** Mode of a key among runs: the value shared by the most distinct points of `other`. */
function richest(runs: RunRecord[], key: (r: RunRecord) => number, other: (r: RunRecord) => number): number | undefined {
  let best: number | undefined;
  let bestN = 0;
  for (const g of groupBy(runs, (r) => [key(r)]).values()) {
    const n = new Set(g.map(other)).size;
    if (n > bestN || (n === bestN && best !== undefined && key(g[0]) < best)) {
      best = key(g[0]);
      bestN = n;
    }
  }
  return bestN >= 2 ? best : undefined;
}

export function auxResetRows({ doc }: Pick<ChartInput, 'doc'>): AuxResetRow[] {
  const runs = doc.runs.filter((r) => r.strategy === 'aux' && resetPolicyOf(r) !== undefined && invocationRateOf(r) !== undefined && Number.isFinite(r.cycles.overheadPerInvocation));
  if (runs.length === 0) return [];
  const models = [...new Set(runs.map((r) => r.cpuModel))].sort();
  const cpuModel = models.includes('zen5') ? 'zen5' : models[0];
  const here = runs.filter((r) => r.cpuModel === cpuModel);
  const rate = (r: RunRecord) => invocationRateOf(r)!;
  const atRate = richest(here, rate, (r) => r.cpus);
  const atCpus = richest(here, (r) => r.cpus, rate);
  const rows: AuxResetRow[] = [];
  const add = (panel: AuxResetRow['panel'], sel: RunRecord[]) => {
    for (const g of groupBy(sel, (r) => [r.cpus, rate(r), resetPolicyOf(r)!]).values()) {
      const common = { panel, cpus: g[0].cpus, invocationRate: rate(g[0]), cpuModel, resetPolicy: resetPolicyOf(g[0])! };
      const overhead = mean(g.map((r) => r.cycles.overheadPerInvocation));
      rows.push({ ...common, measure: 'overhead', cyclesPerInvocation: overhead });
      const coh = g.map(flagCoherence);
      if (coh.every((v): v is number => v !== undefined)) {
        const flag = mean(coh);
        rows.push({ ...common, measure: 'flag transfers', cyclesPerInvocation: flag });
        rows.push({ ...common, measure: 'rest', cyclesPerInvocation: overhead - flag });
      }
    }
  };
  if (atRate !== undefined) add('cpus', here.filter((r) => rate(r) === atRate));
  if (atCpus !== undefined) add('rate', here.filter((r) => r.cpus === atCpus));
  return rows.sort((a, b) => a.cpus - b.cpus || a.invocationRate - b.invocationRate || (a.resetPolicy < b.resetPolicy ? -1 : 1));
}

const POLICY_SCALE = { domain: ['always', 'if-set'], range: ['#59a14f', '#4e79a7'] };

function panel(which: AuxResetRow['panel'], x: Record<string, unknown>, title: string) {
  return {
    title: { text: title, fontSize: 12 },
    width: 260,
    height: 200,
    transform: [{ filter: `datum.panel === '${which}'` }],
    mark: { type: 'line', point: true },
    encoding: {
      x,
      y: { field: 'cyclesPerInvocation', type: 'quantitative', title: 'cycles per invocation' },
      color: { field: 'resetPolicy', type: 'nominal', title: 'aux reset', scale: POLICY_SCALE },
      strokeDash: { field: 'measure', type: 'nominal', title: 'what', sort: [...AUX_RESET_MEASURES], scale: { domain: [...AUX_RESET_MEASURES], range: [[1, 0], [4, 2], [1, 2]] }, legend: { symbolType: 'stroke', symbolStrokeWidth: 2, symbolSize: 400, encode: { symbols: { update: { stroke: { value: '#555' } } } } } },
      detail: { field: 'measure' },
    },
  };
}

function build(input: ChartInput): ChartOutcome {
  const rows = auxResetRows(input);
  if (rows.length === 0) return { skipped: 'no aux-reset sweep runs (params.resetPolicy)' };
  const cpusRows = rows.filter((r) => r.panel === 'cpus');
  const rateRows = rows.filter((r) => r.panel === 'rate');
  const parts = [];
  if (cpusRows.length) {
    const rate = cpusRows[0].invocationRate;
    parts.push(panel('cpus', { field: 'cpus', type: 'ordinal', title: 'CPUs', axis: { labelAngle: 0 } }, `vs CPU count (${rate.toExponential(1)} invocations/s per CPU)`));
  }
  if (rateRows.length) {
    const cpus = rateRows[0].cpus;
    const ticks = [...new Set(rateRows.map((r) => r.invocationRate))].sort((a, b) => a - b);
    parts.push(panel('rate', { field: 'invocationRate', type: 'quantitative', title: 'invocations per CPU per second', scale: { type: 'log' }, axis: { format: '.1e', values: ticks, labelAngle: -30 } }, `vs invocation rate (${cpus} CPUs)`));
  }
  const spec = {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title: {
      text: 'Cost of the aux flag reset on several CPUs',
      subtitle: provenanceLines(input.doc.provenance, `${rows[0].cpuModel}, no throws. Solid: aux overhead over none = dashed (flag-line transfers) + dotted (the rest).`),
    },
    config: CONFIG,
    data: { values: rows as unknown as Record<string, unknown>[] },
    hconcat: parts,
  } as TopLevelSpec;
  return { spec };
}

export const auxResetCostChart: ChartBuilder = {
  name: 'aux-reset-cost',
  title: 'Cost of the aux flag reset on several CPUs',
  build,
};
