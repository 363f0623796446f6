// (d) Correctness errors (missed + spurious unwinds + wrong cookie) against CPU count, per
// strategy: the races show up only with several CPUs. Only runs that throw can get a
// throw wrong, and an error rate means something only at one throw rate: the chart takes
// the workloads and throw rates (above 0) run at the most CPU counts, names them, and
// pools their CPU models and seeds, as errors per 1000 invocations so runs of different
// lengths weigh by their invocations. `none` catches nothing by design and is left out;
// so are the machine sweeps (their own tables).
import { isSideRun, sortedUnique } from '../engine/report/run-metrics.ts';
import type { RunRecord } from '../engine/results/document.ts';
import type { TopLevelSpec } from 'vega-lite';
import { correctnessErrors, hasCorrectnessData } from '../engine/report/run-metrics.ts';
import type { ChartBuilder, ChartInput, ChartOutcome } from './chart.ts';
import { compareStrategies } from '../engine/report/run-metrics.ts';
import { CONFIG, groupBy, provenanceLines, strategyScale } from './style.ts';

export interface CorrectnessRow {
  strategy: string;
  cpus: number;
  errors: number;
  invocations: number;
  errorsPer1000: number;
}

export interface PooledRuns {
  runs: RunRecord[];
  /** `workload at p = rate` of every pooled combination. */
  pools: string[];
  cpuModels: string[];
  seeds: number;
}

/** The runs the chart pools: the (workload, throw rate) combinations above rate 0 that
 * were run at the most CPU counts. */
export function pooledRuns(runs: readonly RunRecord[]): PooledRuns {
  const throwing = runs.filter((r) => r.strategy !== 'none' && r.throwRate > 0 && !isSideRun(r));
  const combos = [...groupBy(throwing, (r) => [r.workload, r.throwRate]).values()];
  const reach = (g: RunRecord[]) => new Set(g.map((r) => r.cpus)).size;
  const most = Math.max(0, ...combos.map(reach));
  const chosen = combos.filter((g) => reach(g) === most);
  const pooled = chosen.flat();
  return {
    runs: pooled,
    pools: chosen.map((g) => `${g[0].workload}, p = ${g[0].throwRate}`).sort(),
    cpuModels: sortedUnique(pooled.map((r) => r.cpuModel)),
    seeds: new Set(pooled.map((r) => r.seed)).size,
  };
}

export function correctnessRows({ doc }: ChartInput): CorrectnessRow[] {
  const { runs } = pooledRuns(doc.runs);
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
  if (rows.length === 0) return { skipped: 'no run of a checking strategy had a throw rate above 0' };
  const pool = pooledRuns(input.doc.runs);
  const colour = strategyScale(rows.map((r) => r.strategy));
  const spec: TopLevelSpec = {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title: {
      text: `${pool.pools.join(', ')}: ${correctnessFinding(rows)}`,
      subtitle: provenanceLines(input.doc.provenance, [
        `Missed throws + spurious unwinds + wrong cookies per 1000 invocations (labels: error counts); throw rate p per invocation;`,
        `pooled over ${pool.cpuModels.length} CPU model${pool.cpuModels.length === 1 ? '' : 's'} (${pool.cpuModels.join(', ')}) and ${pool.seeds} seed${pool.seeds === 1 ? '' : 's'}.`,
      ]),
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

/** The finding: which strategies get throws wrong, at the most CPUs, and which never do. */
export function correctnessFinding(rows: readonly CorrectnessRow[]): string {
  const maxCpus = Math.max(...rows.map((r) => r.cpus));
  const wrong = rows.filter((r) => r.cpus === maxCpus && r.errors > 0).sort((a, b) => b.errorsPer1000 - a.errorsPer1000);
  const strategies = sortedUnique(rows.map((r) => r.strategy), compareStrategies);
  const clean = strategies.filter((s) => rows.every((r) => r.strategy !== s || r.errors === 0));
  if (wrong.length === 0) return clean.length === strategies.length ? 'no strategy got a throw wrong' : `errors below ${maxCpus} CPUs only`;
  const first = wrong[0];
  const from = Math.min(...rows.filter((r) => r.strategy === first.strategy && r.errors > 0).map((r) => r.cpus));
  return `${first.strategy} gets ${Number(first.errorsPer1000.toPrecision(2))} invocations in 1000 wrong at ${maxCpus} CPUs (from ${from} on)${clean.length ? `; ${clean.join(', ')} none` : ''}`;
}

export const correctnessVsCpusChart: ChartBuilder = {
  name: 'correctness-vs-cpus',
  title: 'Correctness errors vs CPU count',
  build,
};
