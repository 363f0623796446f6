// (b) Overhead per invocation against call density: runs of density-sweep workloads,
// which carry `params.callsPer100Insns` (call sites per 100 instructions). Runs without
// throws at the smallest CPU count present; seeds averaged.
import type { TopLevelSpec } from 'vega-lite';
import { callsPer100Insns } from '../engine/report/run-metrics.ts';
import type { ChartBuilder, ChartInput, ChartOutcome } from './chart.ts';
import { CONFIG, groupBy, mean, provenanceLines, strategyScale } from './style.ts';

export interface DensityRow {
  workload: string;
  cpuModel: string;
  strategy: string;
  callsPer100Insns: number;
  overheadPerInvocation: number;
}

export function densityRows({ doc }: ChartInput): { rows: DensityRow[]; cpus: number } {
  const runs = doc.runs.filter((r) => r.throwRate === 0 && r.strategy !== 'none' && callsPer100Insns(r) !== undefined);
  const cpus = Math.min(...runs.map((r) => r.cpus));
  const rows: DensityRow[] = [];
  const groups = groupBy(runs.filter((r) => r.cpus === cpus), (r) => [r.workload, r.cpuModel, r.strategy, callsPer100Insns(r)!]);
  for (const group of groups.values()) {
    const { workload, cpuModel, strategy } = group[0];
    rows.push({ workload, cpuModel, strategy, callsPer100Insns: callsPer100Insns(group[0])!, overheadPerInvocation: mean(group.map((r) => r.cycles.overheadPerInvocation)) });
  }
  return { rows, cpus };
}

function build(input: ChartInput): ChartOutcome {
  const { rows, cpus } = densityRows(input);
  const points = new Set(rows.map((r) => r.callsPer100Insns));
  if (points.size < 2) {
    return { skipped: 'no density sweep (runs with params.callsPer100Insns at two or more densities, without throws)' };
  }
  const colour = strategyScale(rows.map((r) => r.strategy));
  const spec: TopLevelSpec = {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title: {
      text: 'Overhead vs call density',
      subtitle: provenanceLines(input.doc.provenance, `Model cycles per invocation over strategy none; no throws, ${cpus} CPU${cpus === 1 ? '' : 's'}; seeds averaged.`),
    },
    config: CONFIG,
    data: { values: rows as unknown as Record<string, unknown>[] },
    facet: {
      row: { field: 'workload', type: 'nominal', title: 'workload' },
      column: { field: 'cpuModel', type: 'nominal', title: 'CPU model' },
    },
    spec: {
      width: 220,
      height: 180,
      mark: { type: 'line', point: true },
      encoding: {
        x: { field: 'callsPer100Insns', type: 'quantitative', title: 'call sites per 100 instructions' },
        y: { field: 'overheadPerInvocation', type: 'quantitative', title: 'overhead cycles per invocation' },
        color: { field: 'strategy', type: 'nominal', title: 'strategy', scale: colour, sort: colour.domain },
      },
    },
  };
  return { spec };
}

export const overheadVsDensityChart: ChartBuilder = {
  name: 'overhead-vs-density',
  title: 'Overhead vs call density',
  build,
};
