// The table a report opens with: per CPU model (x86 models, then arm64) and strategy, the
// check's cycles per executed call site, helper sites and bpf-to-bpf sites apart, with
// the entry sequences' cycles per invocation beside them (a strategy that pays at entry,
// stack, looks free per site without it), each also in nanoseconds at the model's clock.
// Pooled over the workloads: cycles summed over every site of a kind and divided by its
// executions, so a row aggregating several sites weighs as much as they do.
import { cpuModelById } from '../cpus/index.ts';
import type { RunRecord } from '../results/document.ts';
import { formatNumber } from '../results/text-table.ts';
import { KINDS_OF, SITE_KINDS, type SiteKind } from './report-filters.ts';
import { callsPer100Insns, compareStrategies, entryPerInvocation, isSideRun, sortedUnique } from './run-metrics.ts';

export interface SummaryColumn {
  header: string;
  align: 'left' | 'right';
}

export interface SummaryTable {
  title: string;
  columns: SummaryColumn[];
  /** A row of one cell is a group heading (the ISA). */
  rows: string[][];
  notes: string[];
}

/** The runs a summary pools: no throws, the smallest CPU count there is, the suite's
 * workloads (no sweep points, no machine scenarios). */
export function summaryRuns(runs: readonly RunRecord[]): RunRecord[] {
  const base = runs.filter((r) => r.throwRate === 0 && callsPer100Insns(r) === undefined && !isSideRun(r));
  if (base.length === 0) return [];
  const cpus = Math.min(...base.map((r) => r.cpus));
  return base.filter((r) => r.cpus === cpus);
}

/** Cycles per executed site of `kinds`, over every run given. */
export function cyclesPerSite(runs: readonly RunRecord[], kinds: readonly string[]): number | undefined {
  let cycles = 0;
  let executions = 0;
  for (const r of runs) {
    for (const s of r.callSites) {
      if (!kinds.includes(s.kind)) continue;
      cycles += s.overheadCycles;
      executions += s.executions;
    }
  }
  return executions > 0 ? cycles / executions : undefined;
}

function mean(xs: (number | undefined)[]): number | undefined {
  const v = xs.filter((x): x is number => x !== undefined && Number.isFinite(x));
  return v.length ? v.reduce((a, b) => a + b, 0) / v.length : undefined;
}

const cyc = (v: number | undefined): string => (v === undefined ? '-' : formatNumber(v));
const ns = (v: number | undefined, ghz: number | undefined): string => (v === undefined || !ghz ? '-' : formatNumber(v / ghz));

/** The model's nominal clock, GHz (engine/cpus: each model's frequencyGHz, with source). */
export function clockOf(cpuModel: string): number | undefined {
  return cpuModelById(cpuModel)?.frequencyGHz.value;
}

const ISA_ORDER = ['x86-64', 'arm64'];

export function buildSummaryTable(runs: readonly RunRecord[], sites?: SiteKind): SummaryTable | undefined {
  const pooled = summaryRuns(runs);
  const checked = pooled.filter((r) => r.strategy !== 'none');
  if (checked.length === 0) return undefined;
  const kinds = sites ? [sites] : [...SITE_KINDS];
  const label: Record<SiteKind, string> = { helper: 'helper', subprog: 'bpf2bpf' };
  const columns: SummaryColumn[] = [
    { header: 'cpu model', align: 'left' },
    { header: 'GHz', align: 'right' },
    { header: 'strategy', align: 'left' },
    ...kinds.flatMap((k) => [{ header: label[k], align: 'right' as const }, { header: 'ns', align: 'right' as const }]),
    { header: 'entry', align: 'right' },
    { header: 'ns', align: 'right' },
  ];
  const isaOf = (m: string) => cpuModelById(m)?.isa ?? 'other';
  const models = sortedUnique(checked.map((r) => r.cpuModel), (a, b) => {
    const ia = ISA_ORDER.indexOf(isaOf(a));
    const ib = ISA_ORDER.indexOf(isaOf(b));
    return (ia < 0 ? 9 : ia) - (ib < 0 ? 9 : ib) || a.localeCompare(b);
  });
  const rows: string[][] = [];
  let isa = '';
  for (const model of models) {
    if (isaOf(model) !== isa) {
      isa = isaOf(model);
      rows.push([isa]);
    }
    const ghz = clockOf(model);
    const strategies = sortedUnique(checked.filter((r) => r.cpuModel === model).map((r) => r.strategy), compareStrategies);
    strategies.forEach((s, i) => {
      const here = checked.filter((r) => r.cpuModel === model && r.strategy === s);
      const entry = mean(here.map(entryPerInvocation));
      const perKind = kinds.flatMap((k) => {
        const v = cyclesPerSite(here, KINDS_OF[k]);
        return [cyc(v), ns(v, ghz)];
      });
      rows.push([i === 0 ? model : '', i === 0 && ghz ? String(ghz) : '', s, ...perKind, cyc(entry), ns(entry, ghz)]);
    });
  }
  const cpus = pooled[0].cpus;
  const workloads = sortedUnique(pooled.map((r) => r.workload));
  const title = `Check overhead: model cycles per executed call site, and of the entry sequences per invocation (over strategy none; no throws, ${cpus} CPU${cpus === 1 ? '' : 's'})`;
  const notes = [
    `${kinds.map((k) => (k === 'helper' ? 'helper: helper and kfunc call sites' : 'bpf2bpf: bpf-to-bpf call sites')).join('; ')}; entry: per invocation, paid however few sites run; ns: cycles / GHz, the model's nominal clock. Pooled over ${workloads.join(', ')}; '-': no such site ran.`,
  ];
  return { title, columns, rows, notes };
}
