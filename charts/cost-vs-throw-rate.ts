// (c) Cost per invocation against throw rate, one panel per workload x CPU model that was
// run at two or more throw rates with `unwind` and a check-based strategy, with the
// crossover (see crossover.ts) marked. Smallest CPU count of each panel; seeds averaged.
import type { TopLevelSpec } from 'vega-lite';
import { sortedUnique } from '../engine/report/run-metrics.ts';
import type { RunRecord } from '../engine/results/document.ts';
import { isSideRun } from '../engine/report/run-metrics.ts';
import type { ChartBuilder, ChartInput, ChartOutcome } from './chart.ts';
import { findCrossover, type CostPoint } from './crossover.ts';
import { CONFIG, groupBy, mean, provenanceLines, strategyScale } from './style.ts';

export interface ThrowRateRow {
  kind: 'cost' | 'crossover';
  workload: string;
  cpuModel: string;
  strategy: string;
  throwRate: number;
  cost: number;
  label?: string[];
  /** Label on the left of the line (crossover in the right half of the panel). */
  labelLeft?: boolean;
}

const isCheck = (s: string) => s !== 'none' && s !== 'unwind';

function costPoints(runs: RunRecord[]): CostPoint[] {
  return [...groupBy(runs, (r) => [r.throwRate]).values()].map((g) => ({ throwRate: g[0].throwRate, cost: mean(g.map((r) => r.cycles.perInvocation)) }));
}

export function throwRateRows({ doc }: ChartInput): ThrowRateRow[] {
  const rows: ThrowRateRow[] = [];
  for (const panel of groupBy(doc.runs.filter((r) => r.strategy !== 'none' && !isSideRun(r)), (r) => [r.workload, r.cpuModel]).values()) {
    const cpus = Math.min(...panel.map((r) => r.cpus));
    const byStrategy = new Map([...groupBy(panel.filter((r) => r.cpus === cpus), (r) => [r.strategy]).values()].map((g) => [g[0].strategy, costPoints(g)]));
    const unwind = byStrategy.get('unwind');
    const checks = new Map([...byStrategy].filter(([s, pts]) => isCheck(s) && pts.length >= 2));
    if (!unwind || unwind.length < 2 || checks.size === 0) continue;
    const { workload, cpuModel } = panel[0];
    for (const [strategy, pts] of byStrategy) {
      if (pts.length < 2) continue;
      for (const p of pts) rows.push({ kind: 'cost', workload, cpuModel, strategy, ...p });
    }
    const x = findCrossover(unwind, checks);
    if (x) {
      rows.push({ kind: 'crossover', workload, cpuModel, strategy: x.against, throwRate: x.throwRate, cost: x.cost, label: [`p = ${formatRate(x.throwRate)}`, `vs ${x.against}`] });
    }
  }
  return rows;
}

function formatRate(p: number): string {
  return p === 0 ? '0' : p >= 0.01 ? p.toFixed(3) : p.toPrecision(2);
}

function build(input: ChartInput): ChartOutcome {
  const rows = throwRateRows(input);
  if (rows.length === 0) {
    return { skipped: "no workload was run at two or more throw rates with 'unwind' and a check-based strategy" };
  }
  const costRows = rows.filter((r) => r.kind === 'cost');
  const colour = strategyScale(costRows.map((r) => r.strategy));
  const nonZero = costRows.map((r) => r.throwRate).filter((p) => p > 0);
  const spread = nonZero.length ? Math.max(...nonZero) / Math.min(...nonZero) : 1;
  // Throw rates usually step by decades (0, 0.001, 0.01, 0.1): a symlog axis keeps the
  // low rates, where the crossover tends to be, apart; it still shows rate 0.
  const xScale = spread >= 50 ? { type: 'symlog' as const, constant: Math.min(...nonZero) } : { type: 'linear' as const };
  const position = (p: number) => (xScale.type === 'symlog' ? Math.log1p(p / xScale.constant) : p);
  const [lo, hi] = [position(Math.min(...costRows.map((r) => r.throwRate))), position(Math.max(...costRows.map((r) => r.throwRate)))];
  for (const r of rows) if (r.kind === 'crossover') r.labelLeft = position(r.throwRate) > (lo + hi) / 2;
  const rates = sortedUnique(costRows.map((r) => r.throwRate), (a, b) => a - b);
  const spec: TopLevelSpec = {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title: {
      text: 'Cost vs throw rate',
      subtitle: provenanceLines(input.doc.provenance, 'Model cycles per invocation; dashed: throw rate p at which unwind costs as much as the cheapest check.'),
    },
    config: CONFIG,
    data: { values: rows as unknown as Record<string, unknown>[] },
    facet: {
      row: { field: 'workload', type: 'nominal', title: 'workload' },
      column: { field: 'cpuModel', type: 'nominal', title: 'CPU model' },
    },
    spec: {
      width: 300,
      height: 200,
      layer: [
        {
          transform: [{ filter: "datum.kind === 'cost'" }],
          mark: { type: 'line', point: true },
          encoding: {
            x: { field: 'throwRate', type: 'quantitative', title: 'throw rate (probability per invocation)', scale: xScale, axis: { values: rates, labelOverlap: true, format: '~g' } },
            y: { field: 'cost', type: 'quantitative', title: 'cycles per invocation' },
            color: { field: 'strategy', type: 'nominal', title: 'strategy', scale: colour, sort: colour.domain },
          },
        },
        {
          transform: [{ filter: "datum.kind === 'crossover'" }],
          mark: { type: 'rule', strokeDash: [5, 4], color: '#333' },
          encoding: { x: { field: 'throwRate', type: 'quantitative' } },
        },
        ...([false, true] as const).map((left) => ({
          transform: [{ filter: `datum.kind === 'crossover' && ${left ? '' : '!'}datum.labelLeft` }],
          mark: { type: 'text' as const, align: left ? ('right' as const) : ('left' as const), baseline: 'top' as const, dx: left ? -4 : 4, dy: 4, fontSize: 10, color: '#333' },
          encoding: {
            x: { field: 'throwRate', type: 'quantitative' as const },
            y: { value: 0 },
            text: { field: 'label' },
          },
        })),
      ],
    },
  };
  return { spec };
}

export const costVsThrowRateChart: ChartBuilder = {
  name: 'cost-vs-throw-rate',
  title: 'Cost vs throw rate',
  build,
};
