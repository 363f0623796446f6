// (e) What the `aux` strategy's entry reset costs on several CPUs: `aux` keeps one
// exception flag in prog->aux, shared by every CPU. Resetting it on every entry
// ('always') writes that line on every invocation, so each CPU's next read of the flag
// fetches it from the CPU that wrote it last; resetting only when it is set ('if-set')
// leaves the line shared. Runs of the bench's aux-reset sweep carry
// `params.resetPolicy` and `params.invocationRate` (task-context invocations per CPU
// per second); top: overhead against CPU count at one rate, bottom: against the rate at
// one CPU count (each the one with the most points); a column per policy.
//
// Each point's overhead over `none` is drawn as its three parts (machine.overheadParts),
// stacked, with the total as a line: flag-line transfers, transfers of every other
// line, and the cores' own cycles. The parts add up to the total, and the other lines'
// part is often below zero: the machine runs the CPU with the smallest clock next, one
// slice of instructions at a time, so a slower program changes the schedule, and with it
// how often the program's own shared lines (map values, globals) move between CPUs. That
// is a different interleaving, not a saving of the check, and drawn as a total with its
// flag part alone it looked like a part larger than its whole.
import { invocationRateOf, resetPolicyOf } from '../engine/report/run-metrics.ts';
import type { TopLevelSpec } from 'vega-lite';
import type { RunRecord } from '../engine/results/document.ts';
import type { ChartBuilder, ChartInput, ChartOutcome } from './chart.ts';
import { formatCycles } from './format-cycles.ts';
import { CONFIG, groupBy, mean, provenanceLines } from './style.ts';

export type ResetPolicy = 'always' | 'if-set';



interface OverheadParts {
  core: number;
  exceptionStateCoherence: number;
  otherCoherence: number;
}

/** The overhead split by cause (machine.overheadParts), averaged as the overhead is. */
function overheadParts(run: RunRecord): OverheadParts | undefined {
  const p = (run.machine as { overheadParts?: Partial<OverheadParts> | null } | undefined)?.overheadParts;
  const ok = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);
  return p && ok(p.core) && ok(p.exceptionStateCoherence) && ok(p.otherCoherence) ? { core: p.core, exceptionStateCoherence: p.exceptionStateCoherence, otherCoherence: p.otherCoherence } : undefined;
}

export type AuxResetMeasure = 'overhead' | 'flag-line transfers' | 'other-line transfers' | 'core cycles';
/** The parts, in stacking order; 'overhead' is their sum. */
export const AUX_RESET_PARTS: readonly AuxResetMeasure[] = ['flag-line transfers', 'other-line transfers', 'core cycles'];

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
      const parts = g.map(overheadParts);
      if (parts.every((v): v is OverheadParts => v !== undefined)) {
        rows.push({ ...common, measure: 'flag-line transfers', cyclesPerInvocation: mean(parts.map((p) => p.exceptionStateCoherence)) });
        rows.push({ ...common, measure: 'other-line transfers', cyclesPerInvocation: mean(parts.map((p) => p.otherCoherence)) });
        rows.push({ ...common, measure: 'core cycles', cyclesPerInvocation: mean(parts.map((p) => p.core)) });
      }
    }
  };
  if (atRate !== undefined) add('cpus', here.filter((r) => rate(r) === atRate));
  if (atCpus !== undefined) add('rate', here.filter((r) => r.cpus === atCpus));
  return rows.sort((a, b) => a.cpus - b.cpus || a.invocationRate - b.invocationRate || (a.resetPolicy < b.resetPolicy ? -1 : 1));
}

const PART_SCALE = { domain: [...AUX_RESET_PARTS], range: ['#e15759', '#bab0ac', '#76b7b2'] };

function rateLabel(rate: number): string {
  return rate >= 1e6 ? `${Number((rate / 1e6).toPrecision(3))}M` : rate >= 1e3 ? `${Number((rate / 1e3).toPrecision(3))}k` : String(rate);
}

/** The finding, for the title: the always policy's overhead at the most CPUs, its
 * flag-line part, and if-set's at the same point. */
export function auxResetFinding(rows: readonly AuxResetRow[]): string | undefined {
  const cpusRows = rows.filter((r) => r.panel === 'cpus');
  if (cpusRows.length === 0) return undefined;
  const max = Math.max(...cpusRows.map((r) => r.cpus));
  const get = (policy: ResetPolicy, measure: AuxResetMeasure) => cpusRows.find((r) => r.cpus === max && r.resetPolicy === policy && r.measure === measure)?.cyclesPerInvocation;
  const always = get('always', 'overhead');
  const flag = get('always', 'flag-line transfers');
  const ifSet = get('if-set', 'overhead');
  if (always === undefined) return undefined;
  return `Resetting aux's flag on every entry costs ${formatCycles(always)} cycles/invocation at ${max} CPUs` + (flag !== undefined ? ` (${formatCycles(flag)} in flag-line transfers)` : '') + (ifSet !== undefined ? `; only when set: ${formatCycles(ifSet)}` : '');
}

function panel(which: AuxResetRow['panel'], xField: 'cpus' | 'rateLabel', xTitle: string, xOrder: string[] | number[], title: string, policy: ResetPolicy, first: boolean) {
  const x = { field: xField, type: 'ordinal', title: xTitle, sort: xOrder, axis: { labelAngle: 0 } };
  return {
    title: { text: `${title}, reset ${policy}`, fontSize: 12 },
    width: 380,
    height: 170,
    transform: [{ filter: `datum.panel === '${which}' && datum.resetPolicy === '${policy}'` }, { calculate: 'datum.invocationRate >= 1e6 ? format(datum.invocationRate / 1e6, "~r") + "M" : format(datum.invocationRate / 1e3, "~r") + "k"', as: 'rateLabel' }],
    layer: [
      {
        transform: [{ filter: "datum.measure !== 'overhead'" }],
        mark: { type: 'bar', width: { band: 0.55 } },
        encoding: {
          x,
          y: { field: 'cyclesPerInvocation', type: 'quantitative', title: first ? 'cycles per invocation' : null, stack: 'zero' },
          color: { field: 'measure', type: 'nominal', title: 'part of the overhead', scale: PART_SCALE, sort: [...AUX_RESET_PARTS] },
          order: { field: 'partOrder', type: 'quantitative' },
        },
      },
      {
        transform: [{ filter: "datum.measure === 'overhead'" }],
        mark: { type: 'line', color: '#222', strokeWidth: 2, point: { color: '#222', size: 36 } },
        encoding: { x, y: { field: 'cyclesPerInvocation', type: 'quantitative' } },
      },
      {
        transform: [{ filter: "datum.measure === 'overhead'" }],
        mark: { type: 'text', dy: -9, fontSize: 10, color: '#222' },
        encoding: { x, y: { field: 'cyclesPerInvocation', type: 'quantitative' }, text: { field: 'cyclesPerInvocation', type: 'quantitative', format: '.1f' } },
      },
    ],
  };
}

function build(input: ChartInput): ChartOutcome {
  const rows = auxResetRows(input).map((r) => ({ ...r, partOrder: AUX_RESET_PARTS.indexOf(r.measure) }));
  if (rows.length === 0) return { skipped: 'no aux-reset sweep runs (params.resetPolicy)' };
  const cpusRows = rows.filter((r) => r.panel === 'cpus');
  const rateRows = rows.filter((r) => r.panel === 'rate');
  const lines: Record<string, unknown>[] = [];
  const policies: ResetPolicy[] = (['always', 'if-set'] as const).filter((p) => rows.some((r) => r.resetPolicy === p));
  if (cpusRows.length) {
    const rate = cpusRows[0].invocationRate;
    const order = [...new Set(cpusRows.map((r) => r.cpus))].sort((a, b) => a - b);
    lines.push({ hconcat: policies.map((p, i) => panel('cpus', 'cpus', 'CPUs', order, `vs CPU count at ${rateLabel(rate)} invocations/s per CPU`, p, i === 0)), resolve: { scale: { y: 'shared' } } });
  }
  if (rateRows.length) {
    const cpus = rateRows[0].cpus;
    const order = [...new Set(rateRows.map((r) => r.invocationRate))].sort((a, b) => a - b).map(rateLabel);
    lines.push({ hconcat: policies.map((p, i) => panel('rate', 'rateLabel', 'invocations per CPU per second', order, `vs invocation rate on ${cpus} CPUs`, p, i === 0)), resolve: { scale: { y: 'shared' } } });
  }
  const spec = {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title: {
      text: auxResetFinding(rows) ?? 'Cost of the aux flag reset on several CPUs',
      subtitle: provenanceLines(input.doc.provenance, [
        `${rows[0].cpuModel}, no throws. Line: aux overhead over none per invocation; bars: its parts, which add up to it.`,
        'Other lines move less than under none where the bar dips below 0: a slower program changes the CPUs\' interleaving, not a saving.',
      ]),
    },
    config: { ...CONFIG, legend: { ...CONFIG.legend, orient: 'top', direction: 'horizontal' } },
    data: { values: rows as unknown as Record<string, unknown>[] },
    vconcat: lines,
    spacing: 20,
  } as unknown as TopLevelSpec;
  return { spec };
}

export const auxResetCostChart: ChartBuilder = {
  name: 'aux-reset-cost',
  title: 'Cost of the aux flag reset on several CPUs',
  build,
};
