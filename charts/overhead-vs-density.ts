// (b) Overhead per invocation against call density: runs of density-sweep workloads,
// which carry `params.callsPer100Insns` (call sites per 100 instructions). Runs without
// throws at the smallest CPU count present; seeds averaged. Both axes logarithmic: the
// densities double from point to point, and the overheads run from a few cycles (stack,
// aux at realistic densities) to tens of thousands (call on zen3 at 64), so on a linear
// axis everything a real program has reads as zero. Where the rewritten code outgrows
// the modelled op cache or L1i (front-end-cliff.ts) the panel marks the point and says so.
import type { TopLevelSpec } from 'vega-lite';
import { callsPer100Insns, compareStrategies } from '../engine/report/run-metrics.ts';
import type { ChartBuilder, ChartInput, ChartOutcome } from './chart.ts';
import { cpuGroups } from './cpu-groups.ts';
import { formatCycles } from './format-cycles.ts';
import { capacityOf, frontEndCliffs, frontEndOf, type FrontEndCliff, type SweepPoint } from './front-end-cliff.ts';
import { CONFIG, dashOf, groupBy, mean, provenanceLines, shapeOf, strategyScale } from './style.ts';

export interface DensityRow {
  kind: 'overhead' | 'cliff';
  workload: string;
  cpuModel: string;
  strategy: string;
  callsPer100Insns: number;
  overheadPerInvocation: number;
  /** Cliff rows: what the mark says. */
  label?: string[];
}

export interface DensityData {
  rows: DensityRow[];
  cpus: number;
  /** Per CPU model: where the rewritten code outgrows the op cache or L1i, and whether
   * the overhead jumps there (a cliff) or carries on as before. */
  cliffs: Map<string, { found: FrontEndCliff[]; jumps: boolean }>;
  /** Strategies whose overhead is at or below 0 at every density (a log axis cannot
   * show them: the subtitle names them). */
  flat: string[];
  /** Points at or below 0 in otherwise drawn series. */
  dropped: number;
}

function cliffLabel(cpuModel: string, c: FrontEndCliff): string[] {
  const cap = capacityOf(cpuModel, c.structure);
  const what = c.structure === 'op cache' ? 'code windows decoded' : 'L1i misses';
  const lo = Math.min(...c.strategies.map((s) => s.excess));
  const hi = Math.max(...c.strategies.map((s) => s.excess));
  const range = lo === hi || c.strategies.length === 1 ? formatCycles(hi) : `${formatCycles(lo)}-${formatCycles(hi)}`;
  return [`code outgrows the ${c.structure}${cap ? ` (${cap})` : ''}:`, `+${range} ${what}`, `per invocation (${c.strategies.map((s) => s.strategy).join(', ')})`];
}

export function densityRows({ doc }: ChartInput): DensityData {
  const sweep = doc.runs.filter((r) => r.throwRate === 0 && callsPer100Insns(r) !== undefined);
  const cpus = Math.min(...sweep.map((r) => r.cpus));
  const here = sweep.filter((r) => r.cpus === cpus);
  const series = new Map<string, DensityRow[]>();
  const cliffs: DensityData['cliffs'] = new Map();
  /** Call sites of the program at a density (params.callSites), else the density. */
  const sitesAt = new Map<number, number>();
  const points: Map<string, SweepPoint[]> = new Map();
  for (const group of groupBy(here, (r) => [r.workload, r.cpuModel, r.strategy, callsPer100Insns(r)!]).values()) {
    const { workload, cpuModel, strategy } = group[0];
    const x = callsPer100Insns(group[0])!;
    const calls = (group[0].params as { callSites?: unknown }).callSites;
    sitesAt.set(x, typeof calls === 'number' && calls > 0 ? calls : x);
    const fronts = group.map(frontEndOf);
    if (fronts.every((f) => f !== undefined)) {
      const key = `${workload}/${cpuModel}`;
      const list = points.get(key) ?? [];
      list.push({ x, strategy, frontEnd: { decodedWindowsPerInvocation: mean(fronts.map((f) => f!.decodedWindowsPerInvocation)), l1iMissesPerInvocation: mean(fronts.map((f) => f!.l1iMissesPerInvocation)) } });
      points.set(key, list);
    }
    if (strategy === 'none') continue;
    const row: DensityRow = { kind: 'overhead', workload, cpuModel, strategy, callsPer100Insns: x, overheadPerInvocation: mean(group.map((r) => r.cycles.overheadPerInvocation)) };
    const key = `${workload}/${cpuModel}/${strategy}`;
    series.set(key, [...(series.get(key) ?? []), row]);
  }
  const rows: DensityRow[] = [];
  const flat = new Set<string>();
  let dropped = 0;
  for (const s of series.values()) {
    const positive = s.filter((r) => r.overheadPerInvocation > 0);
    if (positive.length === 0) flat.add(s[0].strategy);
    else dropped += s.length - positive.length;
    rows.push(...positive);
  }
  for (const [key, pts] of points) {
    const [workload, cpuModel] = key.split('/');
    const found = frontEndCliffs(pts);
    if (found.length === 0) continue;
    const first = found[0];
    const jumps = jumpsAt(rows.filter((r) => r.workload === workload && r.cpuModel === cpuModel), first, sitesAt);
    cliffs.set(cpuModel, { found, jumps });
    // A mark only where the overhead jumps: elsewhere the front end takes the bigger
    // image in its stride and the subtitle says so. The label names the L1i too.
    if (!jumps) continue;
    const label = cliffLabel(cpuModel, first);
    const later = found.slice(1);
    for (const c of later) label.push(c.at === first.at ? `and the L1i (${capacityOf(cpuModel, 'L1i')})` : `L1i (${capacityOf(cpuModel, 'L1i')}) from ${Number(c.at.toPrecision(2))}`);
    rows.push({ kind: 'cliff', workload, cpuModel, strategy: '', callsPer100Insns: first.at, overheadPerInvocation: 0, label });
  }
  return { rows, cpus, cliffs, flat: [...flat].sort(compareStrategies), dropped };
}

/** Overhead that grows, from the point before the overflow to it, JUMP times more than
 * the program's call sites do: more than the checks added, so the front end's. */
const JUMP = 3;

function jumpsAt(rows: readonly DensityRow[], cliff: FrontEndCliff, sitesAt: ReadonlyMap<number, number>): boolean {
  const xs = [...new Set(rows.map((r) => r.callsPer100Insns))].sort((a, b) => a - b);
  const prev = xs[xs.indexOf(cliff.at) - 1];
  if (prev === undefined) return false;
  const growth = sitesAt.get(cliff.at)! / sitesAt.get(prev)!;
  return cliff.strategies.some(({ strategy }) => {
    const a = rows.find((r) => r.strategy === strategy && r.callsPer100Insns === prev)?.overheadPerInvocation;
    const b = rows.find((r) => r.strategy === strategy && r.callsPer100Insns === cliff.at)?.overheadPerInvocation;
    return a !== undefined && b !== undefined && a > 0 && b / a >= JUMP * growth;
  });
}

/** The finding, for the title: on the headline model, how call's overhead grows over
 * the sweep against the cheapest strategies, and where a front-end cliff is. */
export function densityFinding(data: DensityData): string | undefined {
  const rows = data.rows.filter((r) => r.kind === 'overhead');
  const models = [...new Set(rows.map((r) => r.cpuModel))];
  const model = models.includes('zen5') ? 'zen5' : models.sort()[0];
  const at = (strategy: string) => rows.filter((r) => r.cpuModel === model && r.strategy === strategy).sort((a, b) => a.callsPer100Insns - b.callsPer100Insns);
  const call = at('call');
  if (call.length < 2) return undefined;
  const [lo, hi] = [call[0], call[call.length - 1]];
  const others = [...new Set(rows.filter((r) => r.cpuModel === model && r.strategy !== 'call').map((r) => r.strategy))].sort(compareStrategies);
  const othersMax = Math.max(...others.flatMap((s) => at(s).map((r) => r.overheadPerInvocation)));
  const rest = others.length && othersMax < hi.overheadPerInvocation / 10 ? `; ${others.join(', ')} stay under ${formatCycles(Math.ceil(othersMax))}` : '';
  return `${model}: call costs ${formatCycles(lo.overheadPerInvocation)} to ${formatCycles(hi.overheadPerInvocation)} cycles/invocation from ${lo.callsPer100Insns} to ${hi.callsPer100Insns} sites per 100 insns${rest}`;
}

function build(input: ChartInput): ChartOutcome {
  const data = densityRows(input);
  const { rows, cpus } = data;
  const overhead = rows.filter((r) => r.kind === 'overhead');
  const densities = [...new Set(overhead.map((r) => r.callsPer100Insns))].sort((a, b) => a - b);
  if (densities.length < 2) {
    return { skipped: 'no density sweep (runs with params.callsPer100Insns at two or more densities, without throws)' };
  }
  const colour = strategyScale(overhead.map((r) => r.strategy));
  const groups = cpuGroups(overhead.map((r) => r.cpuModel));
  const workloads = [...new Set(overhead.map((r) => r.workload))].sort();
  // Fixed domains (no rounding out to the next decade, which left a third of each panel
  // empty) and one gridline per decade.
  const xDomain = [densities[0] / 1.2, densities[densities.length - 1] * 1.2];
  const ys = overhead.map((r) => r.overheadPerInvocation);
  const [yLo, yHi] = [10 ** Math.floor(Math.log10(Math.min(...ys))), 10 ** Math.ceil(Math.log10(Math.max(...ys)))];
  const decades: number[] = [];
  for (let v = yLo; v <= yHi * 1.001; v *= 10) decades.push(v);
  const at = (x: number) => String(Number(x.toPrecision(2)));
  const cliffModels = [...data.cliffs.entries()].filter(([, c]) => c.jumps).map(([m, c]) => `${m}: ${c.found[0].structure} from ${at(c.found[0].at)}`);
  const smooth = [...data.cliffs.entries()].filter(([, c]) => !c.jumps).map(([m, c]) => `${m} from ${at(c.found[0].at)}`);
  const notes = [
    `Model cycles per invocation over strategy none, both axes logarithmic; no throws, ${cpus} CPU${cpus === 1 ? '' : 's'}; seeds averaged.`,
    [
      data.flat.length ? `Not drawn: ${data.flat.join(', ')} (no overhead at any density without throws)` : '',
      data.dropped ? `${data.dropped} point${data.dropped === 1 ? '' : 's'} at or below 0 not drawn` : '',
    ]
      .filter(Boolean)
      .join('. ') + '.',
    cliffModels.length ? `Dashed: the overhead jumps where the rewritten code outgrows the modelled front end (${cliffModels.join('; ')}).` : '',
    smooth.length ? `Front end outgrown without a jump in cost: ${smooth.join('; ')}.` : '',
  ].filter((l) => l !== '.' && l !== '');
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
      height: 190,
      layer: [
        {
          transform: [{ filter: "datum.kind === 'overhead'" }],
          mark: { type: 'line', point: true },
          encoding: {
            x: { field: 'callsPer100Insns', type: 'quantitative', title: 'call sites per 100 instructions', scale: { type: 'log', domain: xDomain, nice: false }, axis: { values: densities, format: '.2~r', labelFontSize: 10, grid: false } },
            y: { field: 'overheadPerInvocation', type: 'quantitative', title: 'overhead cycles per invocation', scale: { type: 'log', domain: [yLo, yHi], nice: false }, axis: { values: decades, format: '~s', labelFontSize: 10 } },
            color: { field: 'strategy', type: 'nominal', title: 'strategy', scale: colour, sort: colour.domain },
            strokeDash: { field: 'strategy', type: 'nominal', title: 'strategy', sort: colour.domain, scale: { domain: colour.domain, range: colour.domain.map(dashOf) } },
            shape: { field: 'strategy', type: 'nominal', title: 'strategy', sort: colour.domain, scale: { domain: colour.domain, range: colour.domain.map(shapeOf) } },
          },
        },
        {
          transform: [{ filter: "datum.kind === 'cliff'" }],
          mark: { type: 'rule', strokeDash: [4, 3], color: '#333' },
          encoding: { x: { field: 'callsPer100Insns', type: 'quantitative' } },
        },
        {
          transform: [{ filter: "datum.kind === 'cliff'" }],
          mark: { type: 'text', align: 'right', baseline: 'top', dx: -4, dy: 4, fontSize: 9, color: '#333' },
          encoding: { x: { field: 'callsPer100Insns', type: 'quantitative' }, y: { value: 0 }, text: { field: 'label' } },
        },
      ],
    },
  });
  const spec = {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title: { text: densityFinding(data) ?? 'Overhead vs call density', subtitle: provenanceLines(input.doc.provenance, notes) },
    config: { ...CONFIG, legend: { ...CONFIG.legend, orient: 'top', direction: 'horizontal', symbolStrokeWidth: 2, symbolSize: 80 } },
    data: { values: rows as unknown as Record<string, unknown>[] },
    vconcat: groups.map((g) => panel(g.models, g.isa)),
    resolve: { scale: { y: 'shared' } },
    spacing: 16,
  } as TopLevelSpec;
  return { spec };
}

export const overheadVsDensityChart: ChartBuilder = {
  name: 'overhead-vs-density',
  title: 'Overhead vs call density',
  build,
};
