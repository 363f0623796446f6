// (a) Overhead per call site by strategy, grouped by CPU model: the chart users asked
// for. Runs without throws (what checks cost when nothing goes wrong), at the smallest
// CPU count present, density-sweep runs left out; seeds pooled.
import type { TopLevelSpec } from 'vega-lite';
import { callsPer100Insns } from '../engine/report/run-metrics.ts';
import { isSideRun } from '../engine/report/run-metrics.ts';
import type { ChartBuilder, ChartInput, ChartOutcome } from './chart.ts';
import { cpuModelLabel } from '../engine/cpus/mitigations.ts';
import { CONFIG, groupBy, provenanceLines, strategyScale } from './style.ts';

export interface SiteOverheadRow {
  workload: string;
  cpuModel: string;
  strategy: string;
  overheadPerCallSite: number;
  callExecutions: number;
}

export function siteOverheadRows({ doc }: ChartInput): { rows: SiteOverheadRow[]; cpus: number } {
  const runs = doc.runs.filter((r) => r.throwRate === 0 && r.strategy !== 'none' && callsPer100Insns(r) === undefined && !isSideRun(r));
  const cpus = Math.min(...runs.map((r) => r.cpus));
  const rows: SiteOverheadRow[] = [];
  for (const group of groupBy(runs.filter((r) => r.cpus === cpus), (r) => [r.workload, r.cpuModel, r.strategy]).values()) {
    const sites = group.flatMap((r) => r.callSites);
    const executions = sites.reduce((n, s) => n + s.executions, 0);
    if (executions === 0) continue;
    const cycles = sites.reduce((n, s) => n + s.overheadCycles, 0);
    const { workload, strategy } = group[0];
    rows.push({ workload, cpuModel: cpuModelLabel(group[0].cpuModel, group[0].returnThunk), strategy, overheadPerCallSite: cycles / executions, callExecutions: executions });
  }
  return { rows, cpus };
}

function build(input: ChartInput): ChartOutcome {
  const { rows, cpus } = siteOverheadRows(input);
  if (rows.length === 0) return { skipped: 'no run without throws executed a call site under a checking strategy' };
  const colour = strategyScale(rows.map((r) => r.strategy));
  const spec: TopLevelSpec = {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title: {
      text: 'Exception-check overhead per call site',
      subtitle: provenanceLines(input.doc.provenance, `Model cycles per executed call site over strategy none; no throws, ${cpus} CPU${cpus === 1 ? '' : 's'}.`),
    },
    config: CONFIG,
    data: { values: rows as unknown as Record<string, unknown>[] },
    facet: { row: { field: 'workload', type: 'nominal', title: 'workload', header: { labelAngle: 0, labelAlign: 'left' } } },
    resolve: { scale: { y: 'independent' } },
    spec: {
      // With xOffset the step is one bar's width.
      width: { step: 22 },
      height: 160,
      encoding: {
        x: { field: 'cpuModel', type: 'nominal', title: 'CPU model', axis: { labelAngle: 0 } },
        xOffset: { field: 'strategy', type: 'nominal', sort: colour.domain },
        y: { field: 'overheadPerCallSite', type: 'quantitative', title: 'cycles per call site' },
        color: { field: 'strategy', type: 'nominal', title: 'strategy', scale: colour, sort: colour.domain },
      },
      // Values on the bars: a zero-overhead strategy has no bar to see, and readers quote
      // the numbers.
      layer: [
        { mark: { type: 'bar' } },
        { mark: { type: 'text', dy: -3, baseline: 'bottom', fontSize: 8, color: '#333' }, encoding: { text: { field: 'overheadPerCallSite', type: 'quantitative', format: '.3~r' } } },
      ],
    },
  };
  return { spec };
}

export const overheadPerSiteChart: ChartBuilder = {
  name: 'overhead-per-call-site',
  title: 'Exception-check overhead per call site',
  build,
};
