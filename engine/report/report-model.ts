// What a report says, independent of how it is typeset: the provenance a reader needs to
// reproduce the numbers, a legend, and one table per workload x CPU model. The plain-text
// and markdown renderers only lay this out.
import { cpuModelLabel } from '../cpus/mitigations.ts';
import type { ResultDocument, RunRecord } from '../results/document.ts';
import { formatNumber } from '../results/text-table.ts';
import { callExecutions, callsPer100Insns, compareStrategies, correctnessErrors, entryPerInvocation, invocationRateOf, overheadPerCallSite, resetPolicyOf, scenarioOf, sortedUnique } from './run-metrics.ts';
import { detailOverview } from './detail-overview.ts';
import type { HostCalibration } from './host-calibration.ts';
import { readerNotes, reproductionLines } from './reader-context.ts';
import { filterOptions, filterRuns, KINDS_OF, type ReportFilters } from './report-filters.ts';
import { buildSummaryTable, cyclesPerSite, type SummaryTable } from './summary-table.ts';
import type { ReportColumn, ReportTable } from './report-table.ts';

export type { ReportColumn, ReportTable } from './report-table.ts';

export interface ReportModel {
  heading: string;
  /** The table the report opens with (summary-table.ts); none without checked runs. */
  summary?: SummaryTable;
  /** What a reader needs to judge the numbers (reader-context.ts), one paragraph each. */
  notes: string[];
  /** Shell lines that reproduce the document and this report. */
  reproduce: string[];
  provenance: [label: string, value: string][];
  legend: ReportColumn[];
  /** The run-by-run tables, one per workload x CPU model. */
  tables: ReportTable[];
  /** What stands for `tables` when they are longer than detailLines (detail-overview.ts). */
  overview: ReportTable[];
  detailLines: number;
  /** Said under the overview: how to get the run-by-run tables. */
  narrowHint: string;
}

export interface ReportOptions {
  filters?: ReportFilters;
  calibration?: HostCalibration;
  calibrationWhere?: string;
  repository?: string;
  /** The result file as the user named it (default results/latest.json). */
  file?: string;
  format?: string;
}

/** Lines of run-by-run detail a report holds before it shows the overview instead. */
export const DETAIL_LINES = 150;

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
  { column: col('codeBytes', 'JIT B', 'right', 'JIT image bytes of the rewritten program on the CPU model\'s ISA'), value: (r) => num(r.codeBytes?.program) },
];

/** The cost columns with ovh/call over the sites of one kind only (--sites). */
function costColumns(filters: ReportFilters): typeof COST_COLUMNS {
  const kind = filters.sites;
  if (!kind) return COST_COLUMNS;
  return COST_COLUMNS.map((c) => (c.column.key === 'overheadPerCallSite' ? { column: { ...c.column, meaning: `overhead cycles per executed ${kind} call site, entry not included` }, value: (r: RunRecord) => num(cyclesPerSite([r], KINDS_OF[kind])) } : c));
}

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

export function buildReportModel(doc: ResultDocument, opts: ReportOptions = {}): ReportModel {
  const p = doc.provenance;
  const filters = opts.filters ?? {};
  const runs = filterRuns(doc.runs, filters);
  const file = opts.file ?? 'results/latest.json';
  const reportCommand = ['npx', 'bpfexc', 'report', file, ...(opts.format && opts.format !== 'email' ? ['--format', opts.format] : []), ...filterOptions(filters)];
  const context = { doc, runs, calibration: opts.calibration, calibrationWhere: opts.calibrationWhere, repository: (typeof p.repository === 'string' ? p.repository : undefined) ?? opts.repository, reportCommand, file };
  const provenance: [string, string][] = [
    ['version', `bpfexc ${p.version}`],
    ['commit', `${p.gitCommit}${p.gitDirty ? ' (dirty: uncommitted changes)' : ' (clean)'}`],
    ['node', String(p.node)],
    ['host CPU', String(p.host)],
    ['seed', seedLine(doc)],
    ['created', String(p.createdAt)],
  ];
  const withCorrectness = runs.some((r) => (r.correctness.throws ?? 0) > 0 || correctnessErrors(r) > 0);
  // Documents from before code sizes were recorded get no empty JIT column.
  const measures = costColumns(filters).filter((c) => c.column.key !== 'codeBytes' || runs.some((r) => r.codeBytes));
  const tables: ReportTable[] = [];
  const groups = new Map<string, RunRecord[]>();
  for (const r of runs) {
    const key = JSON.stringify([r.workload, r.cpuModel]);
    groups.set(key, [...(groups.get(key) ?? []), r]);
  }
  const ordered = [...groups.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  for (const [key, group] of ordered) {
    const [workload, cpuModel] = JSON.parse(key) as [string, string];
    group.sort(compareRuns);
    // A return thunk is the kernel's setting, not the core's: the title says so.
    tables.push(table(`${workload} on ${cpuModelLabel(cpuModel, group[0].returnThunk)}: cost (model cycles)`, group, measures));
    const threw = group.some((r) => (r.correctness.throws ?? 0) > 0 || correctnessErrors(r) > 0);
    if (withCorrectness && threw) tables.push(table(`${workload} on ${cpuModel}: correctness (invocations)`, group, CORRECTNESS_COLUMNS));
  }
  const used = new Set(tables.flatMap((t) => t.columns.map((c) => c.key)));
  const legend = [STRATEGY, ...KEY_COLUMNS.map((k) => k.column), ...measures.map((c) => c.column), ...CORRECTNESS_COLUMNS.map((c) => c.column)].filter((c) => used.has(c.key));
  const runsWord = runs.length === 1 ? 'run' : 'runs';
  const of = runs.length === doc.runs.length ? '' : ` of ${doc.runs.length}`;
  return {
    heading: `bpfexc exception-check results (${runs.length}${of} ${runsWord})`,
    summary: buildSummaryTable(runs, filters.sites),
    notes: readerNotes(context),
    reproduce: reproductionLines(context),
    provenance,
    legend,
    tables,
    overview: detailOverview(runs),
    detailLines: DETAIL_LINES,
    narrowHint: `Run-by-run tables (${tables.length} of them) are longer than ${DETAIL_LINES} lines: narrow them with --workload, --cpu-model, --strategy, --cpus or --sites, or take every run with --format csv (per call site: --format csv-sites).`,
  };
}
