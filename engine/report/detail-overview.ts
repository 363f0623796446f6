// The details of a report too large to list run by run (a whole bench document): a few
// tables that cover every part of it in at most ~150 lines: overhead per invocation per
// workload, JIT code size, correctness, and the two sweeps on one CPU model. Every run
// is in `--format csv`; narrowing with the filters gives the run-by-run tables.
import { cpuModelLabel } from '../cpus/mitigations.ts';
import type { RunRecord } from '../results/document.ts';
import { formatNumber } from '../results/text-table.ts';
import type { ReportTable } from './report-table.ts';
import { callsPer100Insns, compareStrategies, correctnessErrors, isSideRun, sortedUnique } from './run-metrics.ts';
import { summaryRuns } from './summary-table.ts';

const num = (v: number | undefined): string => (v === undefined || !Number.isFinite(v) ? '-' : formatNumber(v));
const col = (key: string, header: string, align: 'left' | 'right' = 'right') => ({ key, header, align, meaning: '' });

function mean(xs: (number | undefined)[]): number | undefined {
  const v = xs.filter((x): x is number => x !== undefined && Number.isFinite(x));
  return v.length ? v.reduce((a, b) => a + b, 0) / v.length : undefined;
}

const strategiesOf = (runs: readonly RunRecord[], withNone: boolean) => sortedUnique(runs.map((r) => r.strategy).filter((s) => withNone || s !== 'none'), compareStrategies);

function overheadTable(runs: readonly RunRecord[]): ReportTable | undefined {
  const base = summaryRuns(runs);
  const strategies = strategiesOf(base, false);
  if (strategies.length === 0) return undefined;
  const rows: string[][] = [];
  for (const w of sortedUnique(base.map((r) => r.workload))) {
    sortedUnique(base.filter((r) => r.workload === w).map((r) => r.cpuModel)).forEach((m, i) => {
      const here = base.filter((r) => r.workload === w && r.cpuModel === m);
      rows.push([i === 0 ? w : '', cpuModelLabel(m, here[0].returnThunk), ...strategies.map((s) => num(mean(here.filter((r) => r.strategy === s).map((r) => r.cycles.overheadPerInvocation))))]);
    });
  }
  return { title: `Overhead per invocation, model cycles over none (no throws, ${base[0].cpus} CPU${base[0].cpus === 1 ? '' : 's'})`, columns: [col('workload', 'workload', 'left'), col('cpuModel', 'cpu model', 'left'), ...strategies.map((s) => col(s, s))], keyColumns: 2, rows };
}

function codeSizeTable(runs: readonly RunRecord[]): ReportTable | undefined {
  const base = summaryRuns(runs).filter((r) => r.codeBytes);
  const strategies = strategiesOf(base, false);
  if (strategies.length === 0) return undefined;
  const none = (r: RunRecord) => base.find((x) => x.strategy === 'none' && x.workload === r.workload && x.cpuModel === r.cpuModel);
  const rows: string[][] = [];
  for (const m of sortedUnique(base.map((r) => r.cpuModel))) {
    const cells = strategies.map((s) => {
      const here = base.filter((r) => r.cpuModel === m && r.strategy === s);
      const site = mean(here.map((r) => r.codeBytes!.perSite ?? undefined));
      const entry = mean(here.map((r) => r.codeBytes!.entry));
      const growth = mean(here.map((r) => { const n = none(r); return n?.codeBytes ? (100 * (r.codeBytes!.program - n.codeBytes.program)) / n.codeBytes.program : undefined; }));
      return `${site === undefined ? '-' : Math.round(site)}/${entry === undefined ? '-' : Math.round(entry)}/${growth === undefined ? '-' : `+${Math.round(growth)}%`}`;
    });
    rows.push([m, ...cells]);
  }
  return {
    title: 'JIT code size: bytes inserted per checked call site / bytes of the entry sequences / whole image over none (mean over the workloads)',
    columns: [col('cpuModel', 'cpu model', 'left'), ...strategies.map((s) => col(s, s))],
    keyColumns: 1,
    rows,
  };
}

function correctnessTable(runs: readonly RunRecord[]): ReportTable | undefined {
  const rs = runs.filter((r) => r.strategy !== 'none');
  if (!rs.some((r) => r.correctness.throws > 0 || correctnessErrors(r) > 0)) return undefined;
  const rows: string[][] = [];
  for (const s of strategiesOf(rs, false)) {
    const g = rs.filter((r) => r.strategy === s);
    const sum = (f: (r: RunRecord) => number) => num(g.reduce((n, r) => n + f(r), 0));
    rows.push([s, sum((r) => r.invocations), sum((r) => r.correctness.throws), sum((r) => r.correctness.handled), sum((r) => r.correctness.missed), sum((r) => r.correctness.spuriousUnwinds), sum((r) => r.correctness.wrongCookie)]);
  }
  const headers = ['invocations', 'throws', 'handled', 'missed', 'spurious', 'cookie'];
  return { title: 'Correctness, every run pooled (spurious: unwinds without a throw; cookie: caught with the wrong cookie)', columns: [col('strategy', 'strategy', 'left'), ...headers.map((h) => col(h, h))], keyColumns: 1, rows };
}

function sweepModel(runs: readonly RunRecord[]): string | undefined {
  const models = sortedUnique(runs.map((r) => r.cpuModel));
  return models.includes('zen5') ? 'zen5' : models[0];
}

function sweepTable(runs: readonly RunRecord[], key: (r: RunRecord) => number | undefined, keyHeader: string, title: (model: string) => string, value: (r: RunRecord) => number, withNone: boolean): ReportTable | undefined {
  const model = sweepModel(runs);
  if (!model) return undefined;
  const here = runs.filter((r) => r.cpuModel === model);
  const keys = sortedUnique(here.map((r) => key(r)!), (a, b) => a - b);
  if (keys.length < 2) return undefined;
  const strategies = strategiesOf(here, withNone);
  const rows = keys.map((k) => [String(Number(k.toPrecision(3))), ...strategies.map((s) => num(mean(here.filter((r) => key(r) === k && r.strategy === s).map(value))))]);
  return { title: title(model), columns: [col('key', keyHeader), ...strategies.map((s) => col(s, s))], keyColumns: 1, rows };
}

export function detailOverview(runs: readonly RunRecord[]): ReportTable[] {
  const cpus = runs.length ? Math.min(...runs.map((r) => r.cpus)) : 1;
  const single = runs.filter((r) => r.cpus === cpus && !isSideRun(r));
  // The throw-rate sweep: the workload run at the most throw rates.
  const swept = sortedUnique(single.map((r) => r.workload)).map((w) => ({ w, rates: new Set(single.filter((r) => r.workload === w).map((r) => r.throwRate)).size })).sort((a, b) => b.rates - a.rates)[0];
  const throwWorkload = swept && swept.rates >= 2 ? swept.w : undefined;
  const throwRuns = single.filter((r) => r.workload === throwWorkload && callsPer100Insns(r) === undefined);
  const densityRuns = single.filter((r) => callsPer100Insns(r) !== undefined && r.throwRate === 0);
  return [
    overheadTable(runs),
    codeSizeTable(runs),
    correctnessTable(runs),
    sweepTable(throwRuns, (r) => r.throwRate, 'throw p', (m) => `Throw-rate sweep: ${throwWorkload} on ${m}, model cycles per invocation`, (r) => r.cycles.perInvocation, true),
    sweepTable(densityRuns, callsPer100Insns, 'calls/100', (m) => `Call-density sweep on ${m}: overhead cycles per invocation by call sites per 100 instructions`, (r) => r.cycles.overheadPerInvocation, false),
  ].filter((t): t is ReportTable => t !== undefined);
}
