// (d) Correctness errors (missed + spurious unwinds + wrong cookie) against CPU count, per
// strategy: the races show up only with several CPUs. Pooled over workloads, CPU models,
// throw rates and seeds, as errors per 1000 invocations so runs of different lengths
// weigh by their invocations. `none` catches nothing by design and is left out.
import { scenarioOf } from '../engine/report/run-metrics.ts';
import type { TopLevelSpec } from 'vega-lite';
import { correctnessErrors, hasCorrectnessData } from '../engine/report/run-metrics.ts';
import type { ChartBuilder, ChartInput, ChartOutcome } from './chart.ts';
import { CONFIG, groupBy, provenanceLines, strategyScale } from './style.ts';

export interface CorrectnessRow {
  strategy: string;
  cpus: number;
  errors: number;
  invocations: number;
  errorsPer1000: number;
}

export function correctnessRows({ doc }: ChartInput): CorrectnessRow[] {
  const runs = doc.runs.filter((r) => r.strategy !== 'none' && scenarioOf(r) === undefined);
  const rows: CorrectnessRow[] = [];
  for (const g of groupBy(runs, (r) => [r.strategy, r.cpus]).values()) {
    const errors = g.reduce((n, r) => n + correctnessErrors(r), 0);
    const invocations = g.reduce((n, r) => n + r.invocations, 0);
    if (invocations === 0) continue;
    rows.push({ strategy: g[0].strategy, cpus: g[0].cpus, errors, invocations, errorsPer1000: (1000 * errors) / invocations });
  }
  return rows.sort((a, b) => a.cpus - b.cpus);
}

function build(input: ChartInput): ChartOutcome {
  if (!hasCorrectnessData(input.doc)) return { skipped: 'no run threw or got a throw wrong, so there is no correctness to show' };
  const rows = correctnessRows(input);
  if (rows.length === 0) return { skipped: 'only strategy none threw' };
  const colour = strategyScale(rows.map((r) => r.strategy));
  const spec: TopLevelSpec = {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title: {
      text: 'Correctness errors vs CPU count',
      subtitle: provenanceLines(input.doc.provenance, 'Missed throws + spurious unwinds + wrong cookies per 1000 invocations; labels: error counts.'),
    },
    config: CONFIG,
    data: { values: rows as unknown as Record<string, unknown>[] },
    // With xOffset the step is one bar's width.
    width: { step: 20 },
    height: 220,
    encoding: {
      x: { field: 'cpus', type: 'ordinal', title: 'CPUs', axis: { labelAngle: 0 } },
      xOffset: { field: 'strategy', type: 'nominal', sort: colour.domain },
      y: { field: 'errorsPer1000', type: 'quantitative', title: 'errors per 1000 invocations' },
      color: { field: 'strategy', type: 'nominal', title: 'strategy', scale: colour, sort: colour.domain },
    },
    layer: [
      { mark: { type: 'bar' } },
      { mark: { type: 'text', dy: -5, fontSize: 9, baseline: 'bottom', color: '#333' }, encoding: { text: { field: 'errors', type: 'quantitative' } } },
    ],
  };
  return { spec };
}

export const correctnessVsCpusChart: ChartBuilder = {
  name: 'correctness-vs-cpus',
  title: 'Correctness errors vs CPU count',
  build,
};
