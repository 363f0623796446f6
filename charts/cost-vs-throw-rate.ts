// (c) Cost per invocation against throw rate, one panel per workload x CPU model that was
// run at two or more throw rates with `unwind` and a check-based strategy, with the
// crossover (see crossover.ts) marked, or the reason there is none written in the panel.
// Smallest CPU count of each panel; seeds averaged. Panels in a grid, x86-64 models apart
// from arm64 ones; the y axis is logarithmic (unwind's throws reach ten times the checks'
// cost), and every strategy has its own dash pattern and point shape as well as colour:
// call, aux and percpu run within a few cycles of each other.
import type { TopLevelSpec } from 'vega-lite';
import { sortedUnique } from '../engine/report/run-metrics.ts';
import type { RunRecord } from '../engine/results/document.ts';
import { isSideRun } from '../engine/report/run-metrics.ts';
import type { ChartBuilder, ChartInput, ChartOutcome } from './chart.ts';
import { cpuGroups } from './cpu-groups.ts';
import { findCrossover, noCrossoverReason, type CostPoint } from './crossover.ts';
import { CONFIG, dashOf, groupBy, mean, provenanceLines, shapeOf, strategyScale } from './style.ts';

export interface ThrowRateRow {
  kind: 'cost' | 'crossover' | 'note';
  workload: string;
  cpuModel: string;
  strategy: string;
  throwRate: number;
  cost: number;
  label?: string[] | string;
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
    } else {
      const why = noCrossoverReason(unwind, checks);
      if (why) rows.push({ kind: 'note', workload, cpuModel, strategy: '', throwRate: 0, cost: 0, label: wrap(`No crossover: ${why}.`, 44) });
    }
  }
  return rows;
}

/** Lines of at most `width` characters, broken at spaces. */
function wrap(text: string, width: number): string[] {
  const lines: string[] = [];
  for (const word of text.split(' ')) {
    const last = lines[lines.length - 1];
    if (last !== undefined && last.length + 1 + word.length <= width) lines[lines.length - 1] = `${last} ${word}`;
    else lines.push(word);
  }
  return lines;
}

/** The finding, for the title: the crossover rates found, lowest first, or that there
 * are none. */
export function throwRateFinding(rows: readonly ThrowRateRow[]): string {
  const xs = rows.filter((r) => r.kind === 'crossover').sort((a, b) => a.throwRate - b.throwRate);
  const panels = new Set(rows.filter((r) => r.kind === 'cost').map((r) => `${r.workload}/${r.cpuModel}`)).size;
  if (xs.length === 0) return `Unwinding and the cheapest check never change places at the rates run (${panels} panel${panels === 1 ? '' : 's'})`;
  const lo = xs[0];
  const hi = xs[xs.length - 1];
  const range = xs.length === 1 ? `p = ${formatRate(lo.throwRate)} (${lo.cpuModel})` : `p = ${formatRate(lo.throwRate)} (${lo.cpuModel}) to ${formatRate(hi.throwRate)} (${hi.cpuModel})`;
  const none = panels - xs.length;
  return `A check beats unwinding above ${range}${none ? `; no crossover on ${none} of ${panels}` : ''}`;
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
  const allRates = sortedUnique(costRows.map((r) => r.throwRate), (a, b) => a - b);
  // Ticks at 0 and the decades when there are more rates than a 220-px axis can label.
  const decades = allRates.filter((p) => p === 0 || Math.abs(Math.log10(p) - Math.round(Math.log10(p))) < 1e-9);
  const rates = allRates.length > 5 && decades.length >= 3 ? decades : allRates;
  const costs = costRows.map((r) => r.cost).filter((c) => c > 0);
  const logY = Math.max(...costs) / Math.min(...costs) >= 8;
  const yDomain = [Math.min(...costs) / 1.15, Math.max(...costs) * 1.15];
  const yScale = logY ? { type: 'log' as const, domain: yDomain, nice: false } : { zero: false };
  // On a log axis, ticks at 1, 2 and 5 of each decade: vega's default fills a decade with
  // nine gridlines.
  const yTicks = logY ? [...Array(12).keys()].flatMap((k) => [1, 2, 5].map((m) => m * 10 ** (k - 2))).filter((v) => v >= yDomain[0] && v <= yDomain[1]) : undefined;
  const groups = cpuGroups(costRows.map((r) => r.cpuModel));
  const workloads = [...new Set(costRows.map((r) => r.workload))].sort();
  const panel = (models: string[], isa: string) => ({
    title: { text: isa, anchor: 'middle', fontSize: 13 },
    transform: [{ filter: { field: 'cpuModel', oneOf: models } }],
    facet: {
      column: { field: 'cpuModel', type: 'nominal', title: null, sort: models, header: { labelFontSize: 12 } },
      ...(workloads.length > 1 ? { row: { field: 'workload', type: 'nominal', title: null } } : {}),
    },
    spacing: 12,
    spec: {
      width: 220,
      height: 200,
      layer: [
        {
          transform: [{ filter: "datum.kind === 'cost'" }],
          mark: { type: 'line', point: { size: 30 }, strokeWidth: 1.6 },
          encoding: {
            x: { field: 'throwRate', type: 'quantitative', title: 'throw rate (per invocation)', scale: xScale, axis: { values: rates, labelOverlap: true, format: '~g', labelFontSize: 10 } },
            y: { field: 'cost', type: 'quantitative', title: 'cycles per invocation', scale: yScale, axis: { format: '~s', labelFontSize: 10, ...(yTicks ? { values: yTicks } : {}) } },
            color: { field: 'strategy', type: 'nominal', title: 'strategy', scale: colour, sort: colour.domain },
            strokeDash: { field: 'strategy', type: 'nominal', title: 'strategy', sort: colour.domain, scale: { domain: colour.domain, range: colour.domain.map(dashOf) } },
            shape: { field: 'strategy', type: 'nominal', title: 'strategy', sort: colour.domain, scale: { domain: colour.domain, range: colour.domain.map(shapeOf) } },
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
        {
          transform: [{ filter: "datum.kind === 'note'" }],
          mark: { type: 'text', align: 'left', baseline: 'top', fontSize: 9, color: '#333', lineHeight: 11 },
          encoding: { x: { value: 4 }, y: { value: 4 }, text: { field: 'label' } },
        },
      ],
    },
  });
  const spec = {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title: {
      text: throwRateFinding(rows),
      subtitle: provenanceLines(input.doc.provenance, [
        `Model cycles per invocation of ${workloads.join(', ')}${logY ? ' (log scale)' : ''}; dashed rule: the throw rate p at which unwind costs as much as the cheapest check.`,
      ]),
    },
    config: { ...CONFIG, legend: { ...CONFIG.legend, orient: 'top', direction: 'horizontal', symbolStrokeWidth: 2, symbolSize: 80 } },
    data: { values: rows as unknown as Record<string, unknown>[] },
    vconcat: groups.map((g) => panel(g.models, g.isa)),
    resolve: { scale: { y: 'shared' } },
    spacing: 16,
  } as TopLevelSpec;
  return { spec };
}

export const costVsThrowRateChart: ChartBuilder = {
  name: 'cost-vs-throw-rate',
  title: 'Cost vs throw rate',
  build,
};
