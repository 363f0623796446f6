// (a) Overhead per call site by strategy, per workload and CPU model: the chart users
// asked for. Runs without throws (what checks cost when nothing goes wrong), at the
// smallest CPU count present, density-sweep runs left out; seeds pooled.
//
// Beside each per-site bar, a pale bar: the entry sequence's cycles per invocation,
// which a strategy pays however few call sites run (stack's spill of the flag pointer):
// per-site figures alone make such a strategy look free. Every cell has its own scale,
// so zen3's SRSO return thunk (every `ret` several times dearer) does not flatten the
// other models. A callSites row may stand for several sites (`sites`): its executions
// and cycles are sums, so per-site figures are cycles over executions, never a mean of
// rows.
import type { TopLevelSpec } from 'vega-lite';
import { callsPer100Insns, entryPerInvocation, isSideRun } from '../engine/report/run-metrics.ts';
import type { CallSiteResult, RunRecord } from '../engine/results/document.ts';
import type { ChartBuilder, ChartInput, ChartOutcome } from './chart.ts';
import { cpuGroups, cpuModelLines } from './cpu-groups.ts';
import { formatCycles } from './format-cycles.ts';
import { CONFIG, groupBy, mean, provenanceLines, strategyScale } from './style.ts';

export interface SiteOverheadRow {
  workload: string;
  cpuModel: string;
  /** Header lines: the model and the return thunk it ran with. */
  cpuModelLines: string[];
  strategy: string;
  overheadPerCallSite: number;
  label: string;
  /** '+3.9/inv': the entry sequence's cycles per invocation, or '' when not recorded. */
  entryLabel: string;
}

export interface SiteOverhead {
  workload: string;
  cpuModel: string;
  returnThunk: unknown;
  strategy: string;
  overheadCycles: number;
  callExecutions: number;
  overheadPerCallSite: number;
  entryPerInvocation: number | undefined;
  /** Call sites of one run that executed (a callSites row counts `sites` of them). */
  sites: number;
}

/** How many call sites a callSites row stands for (result@2 aggregates identical ones). */
export function siteCount(s: CallSiteResult): number {
  const n = (s as { sites?: unknown }).sites;
  return typeof n === 'number' && Number.isFinite(n) && n >= 1 ? n : 1;
}

function suiteRuns(runs: readonly RunRecord[]): { runs: RunRecord[]; cpus: number } {
  const suite = runs.filter((r) => r.throwRate === 0 && r.strategy !== 'none' && callsPer100Insns(r) === undefined && !isSideRun(r));
  const cpus = Math.min(...suite.map((r) => r.cpus));
  return { runs: suite.filter((r) => r.cpus === cpus), cpus };
}

export function siteOverheads(runs: readonly RunRecord[]): { overheads: SiteOverhead[]; cpus: number } {
  const suite = suiteRuns(runs);
  const overheads: SiteOverhead[] = [];
  for (const group of groupBy(suite.runs, (r) => [r.workload, r.cpuModel, r.strategy]).values()) {
    const sites = group.flatMap((r) => r.callSites);
    const callExecutions = sites.reduce((n, s) => n + s.executions, 0);
    if (callExecutions === 0) continue;
    const overheadCycles = sites.reduce((n, s) => n + s.overheadCycles, 0);
    const entries = group.map(entryPerInvocation).filter((v): v is number => v !== undefined);
    const { workload, cpuModel, strategy, returnThunk } = group[0];
    overheads.push({
      workload,
      cpuModel,
      returnThunk,
      strategy,
      overheadCycles,
      callExecutions,
      overheadPerCallSite: overheadCycles / callExecutions,
      entryPerInvocation: entries.length === group.length ? mean(entries) : undefined,
      sites: group[0].callSites.filter((s) => s.executions > 0).reduce((n, s) => n + siteCount(s), 0),
    });
  }
  return { overheads, cpus: suite.cpus };
}

export function siteOverheadRows({ doc }: ChartInput): { rows: SiteOverheadRow[]; cpus: number } {
  const { overheads, cpus } = siteOverheads(doc.runs);
  const rows = overheads.map((o) => ({
    workload: o.workload,
    cpuModel: o.cpuModel,
    cpuModelLines: cpuModelLines(o.cpuModel, o.returnThunk),
    strategy: o.strategy,
    overheadPerCallSite: o.overheadPerCallSite,
    label: formatCycles(o.overheadPerCallSite),
    entryLabel: o.entryPerInvocation === undefined ? '' : `+${formatCycles(o.entryPerInvocation)}/inv`,
  }));
  return { rows, cpus };
}

/** The finding, for the title: on the headline model (zen5 when run), the cheapest check
 * per call site over every workload's executions, its entry cost, and call against it. */
export function siteOverheadFinding(overheads: readonly SiteOverhead[]): string | undefined {
  const models = [...new Set(overheads.map((o) => o.cpuModel))];
  const model = models.includes('zen5') ? 'zen5' : models.sort()[0];
  const pooled = [...groupBy(overheads.filter((o) => o.cpuModel === model), (o) => [o.strategy]).values()].map((g) => {
    const entries = g.map((o) => o.entryPerInvocation).filter((v): v is number => v !== undefined);
    return {
      strategy: g[0].strategy,
      perSite: g.reduce((n, o) => n + o.overheadCycles, 0) / g.reduce((n, o) => n + o.callExecutions, 0),
      entry: entries.length === g.length ? mean(entries) : undefined,
    };
  });
  // unwind has no check at the call sites: it is not the cheapest check, it is no check.
  const checks = pooled.filter((p) => p.strategy !== 'unwind').sort((a, b) => a.perSite - b.perSite);
  if (checks.length === 0) return undefined;
  const best = checks[0];
  const entry = best.entry !== undefined && best.entry >= 0.05 ? ` + ${formatCycles(best.entry)} per invocation at entry` : '';
  const call = pooled.find((p) => p.strategy === 'call');
  const vsCall = call && call !== best && best.perSite > 0 ? `; call ${formatCycles(call.perSite)} (${formatCycles(call.perSite / best.perSite)}x)` : '';
  return `${model}: ${best.strategy} adds ${formatCycles(best.perSite)} cycles per call site${entry}${vsCall}`;
}

const CELL_WIDTH = 150;
const BAR_STEP = 14;
/** Per-site bars fill at most 1 / LABEL_ROOM of a cell: the rest holds the value label
 * and, at the right edge, the entry cost. */
const LABEL_ROOM = 1.9;

function build(input: ChartInput): ChartOutcome {
  const { rows, cpus } = siteOverheadRows(input);
  if (rows.length === 0) return { skipped: 'no run without throws executed a call site under a checking strategy' };
  const { overheads } = siteOverheads(input.doc.runs);
  const colour = strategyScale(rows.map((r) => r.strategy));
  const workloads = [...new Set(rows.map((r) => r.workload))].sort();
  const groups = cpuGroups(rows.map((r) => r.cpuModel));
  const finding = siteOverheadFinding(overheads);
  // Workload headers name how many call sites ran (aggregated rows counted by `sites`).
  const sitesOf = new Map<string, number>();
  for (const o of overheads) sitesOf.set(o.workload, Math.max(sitesOf.get(o.workload) ?? 0, o.sites));
  const workloadLines = Object.fromEntries([...sitesOf].map(([w, n]) => [w, [w, `${n} call site${n === 1 ? '' : 's'}`]]));
  const workloadExpr = `${JSON.stringify(workloadLines)}[datum.value] || datum.value`;
  // Header lines from the data; every model gets two, so the groups' headers line up.
  const headerLines = Object.fromEntries(rows.map((r) => [r.cpuModel, [...r.cpuModelLines, ''].slice(0, 2)]));
  const headerExpr = `${JSON.stringify(headerLines)}[datum.value] || datum.value`;
  const facet = (models: string[], isa: string, first: boolean) => ({
    title: { text: isa, anchor: 'middle', fontSize: 13 },
    transform: [{ filter: { field: 'cpuModel', oneOf: models } }],
    facet: {
      row: { field: 'workload', type: 'nominal', title: null, sort: workloads, header: first ? { labelAngle: 0, labelAlign: 'left', labelFontSize: 12, labelLimit: 110, labelExpr: workloadExpr } : { labels: false } },
      column: { field: 'cpuModel', type: 'nominal', title: null, sort: models, header: { labelExpr: headerExpr, labelFontSize: 12 } },
    },
    resolve: { scale: { x: 'independent' } },
    spacing: { row: 8, column: 10 },
    spec: {
      width: CELL_WIDTH,
      height: { step: BAR_STEP },
      transform: [{ joinaggregate: [{ op: 'max', field: 'overheadPerCallSite', as: 'cellMax' }], groupby: ['workload', 'cpuModel'] }, { calculate: `datum.cellMax * ${LABEL_ROOM}`, as: 'labelRoom' }],
      encoding: {
        y: { field: 'strategy', type: 'nominal', title: null, sort: colour.domain, axis: first ? { labelFontSize: 10 } : { labels: false, ticks: false } },
      },
      layer: [
        {
          mark: { type: 'bar', height: { band: 0.75 } },
          encoding: {
            x: { field: 'overheadPerCallSite', type: 'quantitative', title: null, axis: { tickCount: 3, labelFontSize: 9, labelFlush: true, format: '~s' } },
            color: { field: 'strategy', type: 'nominal', title: 'strategy', scale: colour, sort: colour.domain, legend: { orient: 'top', direction: 'horizontal' } },
          },
        },
        { mark: { type: 'text', align: 'left', baseline: 'middle', dx: 2, fontSize: 9, color: '#222' }, encoding: { x: { field: 'overheadPerCallSite', type: 'quantitative' }, text: { field: 'label' } } },
        // The scale reaches past the longest bar so its label fits, in each cell's own scale.
        { mark: { type: 'point', opacity: 0 }, encoding: { x: { field: 'labelRoom', type: 'quantitative' } } },
        { mark: { type: 'text', align: 'right', baseline: 'middle', dx: -2, fontSize: 9, color: '#666' }, encoding: { x: { value: CELL_WIDTH }, text: { field: 'entryLabel' } } },
      ],
    },
  });
  const spec = {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title: {
      text: finding ?? 'Exception-check overhead per call site',
      subtitle: provenanceLines(input.doc.provenance, [
        rows.some((r) => r.entryLabel)
          ? 'Bars: model cycles over strategy none per executed call site. Grey, right: +cycles of the entry sequence per invocation,'
          : 'Bars: model cycles over strategy none per executed call site. This result does not record the entry sequences\' cost,',
        `which a strategy pays however few sites run. No throws, ${cpus} CPU${cpus === 1 ? '' : 's'}, seeds pooled; every cell has its own scale.`,
      ]),
    },
    config: CONFIG,
    data: { values: rows as unknown as Record<string, unknown>[] },
    hconcat: groups.map((g, i) => facet(g.models, g.isa, i === 0)),
    spacing: 16,
  } as TopLevelSpec;
  return { spec };
}

export const overheadPerSiteChart: ChartBuilder = {
  name: 'overhead-per-call-site',
  title: 'Exception-check overhead per call site',
  build,
};
