// What a report says, independent of how it is typeset: the provenance a reader needs to
// reproduce the numbers, a legend, and one table per workload x CPU model. The plain-text
// and markdown renderers only lay this out.
import { cpuModelLabel } from '../cpus/mitigations.ts';
import type { ResultDocument, RunRecord } from '../results/document.ts';
import { formatNumber } from '../results/text-table.ts';
import { callExecutions, callsPer100Insns, compareStrategies, correctnessErrors, entryPerInvocation, hasCorrectnessData, invocationRateOf, overheadPerCallSite, resetPolicyOf, scenarioOf, sortedUnique } from './run-metrics.ts';

interface ReportColumn {
  key: string;
  header: string;
  align: 'left' | 'right';
  meaning: string;
  /** Kept in the same part as the column before it when a table is split. */
  withPrevious?: boolean;
}

export interface ReportTable {
  title: string;
  columns: ReportColumn[];
  /** Leading columns that identify a row (strategy and the varying run keys); a table
   * too wide for its medium is split by the renderer, repeating these. */
  keyColumns: number;
  rows: string[][];
}

export interface ReportModel {
  heading: string;
  provenance: [label: string, value: string][];
  legend: ReportColumn[];
  tables: ReportTable[];
}

const col = (key: string, header: string, align: 'left' | 'right', meaning: string): ReportColumn => ({ key, header, align, meaning });

// Run-key columns appear only where they vary inside a table: a table of one CPU count
// needs no cpus column.
const KEY_COLUMNS: { column: ReportColumn; value: (r: RunRecord) => string }[] = [
  { column: col('callsPer100Insns', 'calls/100', 'right', 'call sites per 100 instructions (density sweep)'), value: (r) => num(callsPer100Insns(r)) },
  { column: col('scenario', 'scenario', 'left', 'machine scenario (benchmarks/scenarios)'), value: (r) => scenarioOf(r) ?? '-' },
  { column: col('resetPolicy', 'reset', 'left', 'aux/percpu flag reset on entry: always, or only if set'), value: (r) => resetPolicyOf(r) ?? '-' },
  { column: col('invocationRate', 'inv/s', 'right', 'invocations per CPU per second (machine sweeps)'), value: (r) => { const v = invocationRateOf(r); return v === undefined ? '-' : v.toExponential(1); } },
  { column: col('cpus', 'cpus', 'right', 'simulated CPUs'), value: (r) => String(r.cpus) },
  { column: col('throwRate', 'throw p', 'right', 'throw rate set (--throw-rate, a workload knob); throws counts what threw'), value: (r) => formatRate(r.throwRate) },
  { column: col('seed', 'seed', 'right', 'seed of the run'), value: (r) => String(r.seed) },
];

const STRATEGY = col('strategy', 'strategy', 'left', 'exception-check strategy (none = no checks: the baseline)');

const COST_COLUMNS: { column: ReportColumn; value: (r: RunRecord) => string }[] = [
  { column: col('perInvocation', 'cyc/inv', 'right', 'model cycles per invocation'), value: (r) => num(r.cycles.perInvocation) },
  { column: col('overheadPerInvocation', 'ovh/inv', 'right', 'cycles over the none baseline, per invocation'), value: (r) => num(r.cycles.overheadPerInvocation) },
  { column: col('overheadPct', 'ovh %', 'right', 'ovh/inv as a percentage of the baseline'), value: overheadPercent },
  { column: col('entryPerInvocation', 'entry', 'right', 'cycles of the entry sequences per invocation, paid however few call sites run'), value: (r) => num(entryPerInvocation(r)) },
  // Never without the entry beside it: a strategy that pays at entry (stack) looks
  // cheapest per call site.
  { column: { ...col('overheadPerCallSite', 'ovh/call', 'right', 'overhead cycles per executed call site, entry not included'), withPrevious: true }, value: (r) => num(overheadPerCallSite(r)) },
  { column: col('callsPerInvocation', 'calls/inv', 'right', 'call sites executed per invocation'), value: (r) => num(r.invocations > 0 ? callExecutions(r) / r.invocations : undefined) },
];

const CORRECTNESS_COLUMNS: { column: ReportColumn; value: (r: RunRecord) => string }[] = [
  { column: col('throws', 'throws', 'right', 'invocations that threw'), value: (r) => num(r.correctness.throws) },
  { column: col('handled', 'handled', 'right', 'throws the strategy caught'), value: (r) => num(r.correctness.handled) },
  { column: col('missed', 'missed', 'right', 'throws not caught'), value: (r) => num(r.correctness.missed) },
  { column: col('spuriousUnwinds', 'spurious', 'right', 'unwinds without a throw'), value: (r) => num(r.correctness.spuriousUnwinds) },
  { column: col('wrongCookie', 'cookie', 'right', 'throws caught with the wrong cookie'), value: (r) => num(r.correctness.wrongCookie) },
];

function num(v: number | undefined): string {
  return v === undefined || !Number.isFinite(v) ? '-' : formatNumber(v);
}

function formatRate(p: number): string {
  return String(Number(p.toPrecision(4)));
}

function overheadPercent(r: RunRecord): string {
  const base = r.cycles.baselinePerInvocation;
  if (!(base > 0)) return '-';
  return num((100 * r.cycles.overheadPerInvocation) / base);
}

function compareRuns(a: RunRecord, b: RunRecord): number {
  return compareStrategies(a.strategy, b.strategy) || (callsPer100Insns(a) ?? 0) - (callsPer100Insns(b) ?? 0) || (scenarioOf(a) ?? '').localeCompare(scenarioOf(b) ?? '') || (resetPolicyOf(a) ?? '').localeCompare(resetPolicyOf(b) ?? '') || (invocationRateOf(a) ?? 0) - (invocationRateOf(b) ?? 0) || a.cpus - b.cpus || a.throwRate - b.throwRate || a.seed - b.seed;
}

function table(title: string, runs: RunRecord[], measures: typeof COST_COLUMNS): ReportTable {
  const keys = KEY_COLUMNS.filter((k) => new Set(runs.map(k.value)).size > 1);
  const all = [{ column: STRATEGY, value: (r: RunRecord) => r.strategy }, ...keys, ...measures];
  return { title, columns: all.map((c) => c.column), keyColumns: 1 + keys.length, rows: runs.map((r) => all.map((c) => c.value(r))) };
}

function seedLine(doc: ResultDocument): string {
  if (typeof doc.provenance.seed === 'number') return String(doc.provenance.seed);
  const seeds = sortedUnique(doc.runs.map((r) => r.seed), (a, b) => a - b);
  return seeds.length ? seeds.join(', ') : '-';
}

export function buildReportModel(doc: ResultDocument): ReportModel {
  const p = doc.provenance;
  const provenance: [string, string][] = [
    ['version', `bpfexc ${p.version}`],
    ['commit', `${p.gitCommit}${p.gitDirty ? ' (dirty: uncommitted changes)' : ' (clean)'}`],
    ['node', String(p.node)],
    ['host CPU', String(p.host)],
    ['command', String(p.command)],
    ['seed', seedLine(doc)],
    ['created', String(p.createdAt)],
  ];
  const withCorrectness = hasCorrectnessData(doc);
  const tables: ReportTable[] = [];
  const groups = new Map<string, RunRecord[]>();
  for (const r of doc.runs) {
    const key = JSON.stringify([r.workload, r.cpuModel]);
    groups.set(key, [...(groups.get(key) ?? []), r]);
  }
  const ordered = [...groups.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  for (const [key, runs] of ordered) {
    const [workload, cpuModel] = JSON.parse(key) as [string, string];
    runs.sort(compareRuns);
    // A return thunk is the kernel's setting, not the core's: the title says so.
    tables.push(table(`${workload} on ${cpuModelLabel(cpuModel, runs[0].returnThunk)}: cost (model cycles)`, runs, COST_COLUMNS));
    const threw = runs.some((r) => (r.correctness.throws ?? 0) > 0 || correctnessErrors(r) > 0);
    if (withCorrectness && threw) tables.push(table(`${workload} on ${cpuModel}: correctness (invocations)`, runs, CORRECTNESS_COLUMNS));
  }
  const used = new Set(tables.flatMap((t) => t.columns.map((c) => c.key)));
  const legend = [STRATEGY, ...KEY_COLUMNS.map((k) => k.column), ...COST_COLUMNS.map((c) => c.column), ...CORRECTNESS_COLUMNS.map((c) => c.column)].filter((c) => used.has(c.key));
  const runsWord = doc.runs.length === 1 ? 'run' : 'runs';
  return { heading: `bpfexc exception-check results (${doc.runs.length} ${runsWord})`, provenance, legend, tables };
}
