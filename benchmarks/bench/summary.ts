// The bench's 80-column summaries: the long one written to results/summary.txt (every
// table of the suite and its sweeps), and the closing screen printed on stdout (the
// report's summary table and where the files went). Model cycles only; the host's own
// speed comes last, labelled as such.
import { auxResetRows } from '../../charts/aux-reset-cost.ts';
import { callsPer100Insns, compareStrategies, correctnessErrors, entryPerInvocation, isSideRun, overheadPerCallSite, scenarioOf, sortedUnique } from '../../engine/report/run-metrics.ts';
import type { ResultDocument, RunRecord } from '../../engine/results/document.ts';
import { formatNumber, formatTable, type Column } from '../../engine/results/text-table.ts';
import { returnThunkNote } from '../../engine/cpus/mitigations.ts';
import { wrap } from '../../engine/results/text-table.ts';
import { buildSummaryTable } from '../../engine/report/summary-table.ts';
import type { HostTimingCase } from './host-timing.ts';
import { THROW_SWEEP_WORKLOAD } from './sweeps.ts';

export const SUMMARY_WIDTH = 80;

const num = (v: number | undefined): string => (v === undefined || !Number.isFinite(v) ? '-' : formatNumber(v));

function checked(runs: RunRecord[]): string[] {
  return sortedUnique(runs.map((r) => r.strategy).filter((s) => s !== 'none'), compareStrategies);
}

interface Measure {
  label: string;
  value: (r: RunRecord) => number | undefined;
}

/** One row per workload x CPU model (per measure, when there are several), one column per
 * strategy, at the smallest CPU count, without throws, density-sweep runs left out. */
function perWorkloadTable(runs: RunRecord[], measures: Measure[]): string {
  const cpus = Math.min(...runs.map((r) => r.cpus));
  const base = runs.filter((r) => r.throwRate === 0 && r.cpus === cpus && callsPer100Insns(r) === undefined && !isSideRun(r));
  const strategies = checked(base);
  const several = measures.length > 1;
  const columns: Column[] = [
    { header: 'workload', align: 'left' },
    { header: 'cpu model', align: 'left' },
    ...(several ? [{ header: 'per', align: 'left' as const }] : []),
    ...strategies.map((s) => ({ header: s })),
  ];
  const rows: string[][] = [];
  for (const workload of sortedUnique(base.map((r) => r.workload))) {
    for (const cpuModel of sortedUnique(base.filter((r) => r.workload === workload).map((r) => r.cpuModel))) {
      const here = base.filter((r) => r.workload === workload && r.cpuModel === cpuModel);
      measures.forEach((m, i) => {
        const cells = strategies.map((s) => num(mean(here.filter((r) => r.strategy === s).map(m.value))));
        rows.push([i === 0 ? workload : '', i === 0 ? cpuModel : '', ...(several ? [m.label] : []), ...cells]);
      });
    }
  }
  return formatTable(columns, rows, SUMMARY_WIDTH);
}

/** One note per CPU model whose runs put a return thunk on every return. */
function returnThunkNotes(runs: RunRecord[]): string[] {
  const seen = new Map<string, string>();
  for (const r of runs) if (typeof r.returnThunk === 'string') seen.set(`${r.cpuModel}\0${r.returnThunk}`, returnThunkNote(r.cpuModel, r.returnThunk) ?? '');
  return [...seen.values()].filter((n) => n !== '').sort();
}

function mean(values: (number | undefined)[]): number | undefined {
  const xs = values.filter((v): v is number => v !== undefined && Number.isFinite(v));
  return xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : undefined;
}

function correctnessTable(runs: RunRecord[]): string {
  const rs = runs.filter((r) => r.strategy !== 'none');
  const rows: string[][] = [];
  for (const strategy of checked(rs)) {
    for (const cpus of sortedUnique(rs.filter((r) => r.strategy === strategy).map((r) => r.cpus), (a, b) => a - b)) {
      const g = rs.filter((r) => r.strategy === strategy && r.cpus === cpus);
      const sum = (f: (r: RunRecord) => number) => g.reduce((n, r) => n + f(r), 0);
      rows.push([strategy, String(cpus), num(sum((r) => r.invocations)), num(sum((r) => r.correctness.throws)), num(sum((r) => r.correctness.handled)), num(sum((r) => r.correctness.missed)), num(sum((r) => r.correctness.spuriousUnwinds)), num(sum((r) => r.correctness.wrongCookie)), num(sum(correctnessErrors))]);
    }
  }
  const cols = ['cpus', 'invocations', 'throws', 'handled', 'missed', 'spurious', 'cookie', 'errors'].map((h) => ({ header: h }));
  return formatTable([{ header: 'strategy', align: 'left' }, ...cols], rows, SUMMARY_WIDTH);
}

function scenarioTable(runs: RunRecord[]): string {
  const rows = runs.map((r) => [scenarioOf(r)!, r.cpuModel, r.strategy, num(r.correctness.throws), num(r.correctness.handled), num(r.correctness.missed), num(r.correctness.spuriousUnwinds), num(r.correctness.wrongCookie)]);
  const cols = ['throws', 'handled', 'missed', 'spur', 'cookie'].map((h) => ({ header: h }));
  return formatTable([{ header: 'scenario', align: 'left' }, { header: 'model', align: 'left' }, { header: 'strategy', align: 'left' }, ...cols], rows, SUMMARY_WIDTH);
}

/** A sweep on one CPU model: rows by the swept value, a column per strategy. */
function sweepTable(runs: RunRecord[], key: (r: RunRecord) => number | undefined, keyHeader: string, value: (r: RunRecord) => number, withNone: boolean, showKey: (k: number) => string = num): string {
  const strategies = sortedUnique(runs.map((r) => r.strategy).filter((s) => withNone || s !== 'none'), compareStrategies);
  const rows: string[][] = [];
  for (const k of sortedUnique(runs.map((r) => key(r)!), (a, b) => a - b)) {
    rows.push([showKey(k), ...strategies.map((s) => num(mean(runs.filter((r) => key(r) === k && r.strategy === s).map(value))))]);
  }
  return formatTable([{ header: keyHeader }, ...strategies.map((s) => ({ header: s }))], rows, SUMMARY_WIDTH);
}

function sweepModel(runs: RunRecord[]): string | undefined {
  const models = sortedUnique(runs.map((r) => r.cpuModel));
  return models.includes('zen5') ? 'zen5' : models[0];
}

/** The aux-reset sweep: aux overhead and its flag-transfer part per point and policy. */
function auxResetTable(doc: ResultDocument): string | undefined {
  const rows = auxResetRows({ doc });
  if (rows.length === 0) return undefined;
  const points = new Map<string, { cpus: number; rate: number; cells: Record<string, number> }>();
  for (const r of rows) {
    const key = `${r.cpus}/${r.invocationRate}`;
    const p = points.get(key) ?? { cpus: r.cpus, rate: r.invocationRate, cells: {} };
    p.cells[`${r.resetPolicy}/${r.measure}`] = r.cyclesPerInvocation;
    points.set(key, p);
  }
  const sorted = [...points.values()].sort((a, b) => a.rate - b.rate || a.cpus - b.cpus);
  const cols = ['always/overhead', 'always/flag transfers', 'always/rest', 'if-set/overhead', 'if-set/flag transfers', 'if-set/rest'];
  const table = formatTable(
    [{ header: 'cpus' }, { header: 'inv/s/cpu' }, { header: 'always' }, { header: '= xfer' }, { header: '+ rest' }, { header: 'if-set' }, { header: '= xfer' }, { header: '+ rest' }],
    sorted.map((p) => [String(p.cpus), p.rate.toExponential(1), ...cols.map((c) => num(p.cells[c]))]),
    SUMMARY_WIDTH,
  );
  return [
    `aux reset policy on ${rows[0].cpuModel}, no throws: aux overhead cycles per invocation over`,
    'none = xfer (flag-line transfers between CPUs) + rest (core cycles and other',
    "lines; negative where the CPUs interleaved so that the program's shared data",
    'moved less)',
    table,
  ].join('\n');
}

export function formatHostTimings(cases: readonly HostTimingCase[]): string {
  const rows = cases.map((c) => [c.name, num(c.insnsPerSample), num(c.nsPerInsn.p50), num(c.nsPerInsn.p99), `+-${num(c.nsPerInsn.rme)}%`, String(c.samples)]);
  return formatTable([{ header: 'case', align: 'left' }, { header: 'insns/sample' }, { header: 'p50' }, { header: 'p99' }, { header: 'mean moe' }, { header: 'samples' }], rows, SUMMARY_WIDTH);
}

export function formatSummary(doc: ResultDocument, hostCases: readonly HostTimingCase[]): string {
  const runs = doc.runs;
  const p = doc.provenance;
  const out: string[] = [];
  const commit = typeof p.gitCommit === 'string' ? p.gitCommit.slice(0, 12) : '?';
  // Documents from before execution tiers have no provenance.tier.
  const tier = typeof p.tier === 'string' ? p.tier : undefined;
  out.push(`bpfexc ${p.version} bench: ${runs.length} runs, seed ${String(p.seed)}${tier ? `, ${tier} tier` : ''}`);
  out.push(`commit ${commit}${p.gitDirty ? ' (dirty)' : ''}, node ${p.node}`);
  out.push('model cycles of the named CPU model (timing model ooo)');
  if (runs.length === 0) return out.join('\n') + '\n';
  const cpus = Math.min(...runs.map((r) => r.cpus));
  const cpuCount = `${cpus} CPU${cpus === 1 ? '' : 's'}`;
  // A per-site figure never stands alone: stack is the cheapest per site and the
  // dearest per invocation, its cost being at entry.
  out.push('', `Overhead per executed call site (site) and of the entry sequences per`, `invocation (entry), cycles over strategy none (no throws, ${cpuCount})`);
  out.push(perWorkloadTable(runs, [{ label: 'site', value: overheadPerCallSite }, { label: 'entry', value: entryPerInvocation }]));
  out.push('', `Overhead per invocation, cycles over strategy none (no throws, ${cpuCount})`);
  out.push(perWorkloadTable(runs, [{ label: 'inv', value: (r) => r.cycles.overheadPerInvocation }]));
  for (const note of returnThunkNotes(runs)) out.push(...wrap(note, SUMMARY_WIDTH));
  out.push('', 'Correctness, all runs pooled (errors = missed + spurious + cookie)');
  out.push(correctnessTable(runs.filter((r) => scenarioOf(r) === undefined)));
  const scenarioRuns = runs.filter((r) => scenarioOf(r) !== undefined && r.strategy !== 'none');
  if (scenarioRuns.length) {
    out.push('', 'Scenarios (benchmarks/scenarios; CPUs as each file says)', 'spur = spurious unwinds, cookie = wrong cookie');
    out.push(scenarioTable(scenarioRuns));
  }

  const throwRuns = runs.filter((r) => r.workload === THROW_SWEEP_WORKLOAD && r.cpus === cpus && !isSideRun(r));
  const tm = sweepModel(throwRuns);
  if (tm && new Set(throwRuns.map((r) => r.throwRate)).size >= 2) {
    out.push('', `Throw-rate sweep: ${THROW_SWEEP_WORKLOAD} on ${tm}, cycles per invocation`);
    out.push(sweepTable(throwRuns.filter((r) => r.cpuModel === tm), (r) => r.throwRate, 'throw p', (r) => r.cycles.perInvocation, true, (p) => String(Number(p.toPrecision(3)))));
  }
  const densityRuns = runs.filter((r) => callsPer100Insns(r) !== undefined && r.cpus === cpus && r.throwRate === 0);
  const dm = sweepModel(densityRuns);
  if (dm) {
    out.push('', `Call-density sweep on ${dm}, overhead cycles per invocation`);
    out.push(sweepTable(densityRuns.filter((r) => r.cpuModel === dm), callsPer100Insns, 'calls/100', (r) => r.cycles.overheadPerInvocation, false));
  }
  const reset = auxResetTable(doc);
  if (reset) out.push('', reset);
  if (hostCases.length) {
    out.push('', tier ? `Simulator speed (${tier} tier): host wall-clock ns per BPF insn, not cycles` : 'Simulator speed, host wall clock: ns per simulated BPF insn (not model cycles)');
    out.push(formatHostTimings(hostCases));
  }
  return out.join('\n') + '\n';
}

export interface ClosingInfo {
  tasks: number;
  wallSeconds: number;
  workers: number;
  /** Files written, as the user should see their paths. */
  document: string;
  others: string[];
  summaryFile: string;
  charts?: { count: number; dir: string };
}

/** What `npm run bench` leaves on the screen: the report's summary table and where
 * everything went, within ~40 lines; the long summary is in summary.txt. */
export function formatClosingScreen(doc: ResultDocument, info: ClosingInfo): string {
  const out: string[] = [];
  const t = buildSummaryTable(doc.runs);
  if (t) {
    out.push(...wrap(t.title, SUMMARY_WIDTH), formatTable(t.columns, t.rows, SUMMARY_WIDTH));
    out.push('helper/bpf2bpf: cycles per call site; entry: per invocation; ns at the clock');
  }
  const tier = typeof doc.provenance.tier === 'string' ? `, ${doc.provenance.tier} tier` : '';
  out.push(`${doc.runs.length} runs (${info.tasks} tasks), seed ${String(doc.provenance.seed)}${tier}, ${info.wallSeconds} s wall on ${info.workers} worker${info.workers === 1 ? '' : 's'}`);
  out.push(`result   ${info.document} (${info.others.join(', ')})`);
  out.push(`summary  ${info.summaryFile}; report: npx bpfexc report ${info.document}`);
  if (info.charts) out.push(`charts   ${info.charts.count} in ${info.charts.dir}`);
  return out.join('\n') + '\n';
}
