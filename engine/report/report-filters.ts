// What `bpfexc report` narrows its details to: the runs of some workloads, CPU models,
// strategies, CPU counts, and the call sites of one kind. The summary table is made
// from the same runs, so a narrowed report's summary answers for what was asked.
import { BpfError } from '../errors.ts';
import type { ResultDocument, RunRecord } from '../results/document.ts';

export const SITE_KINDS = ['helper', 'subprog'] as const;
export type SiteKind = (typeof SITE_KINDS)[number];

/** Call-site kinds of each group: helper calls (kfuncs and helpers that call back
 * included) and bpf-to-bpf calls (direct and indirect). */
export const KINDS_OF: Record<SiteKind, readonly string[]> = {
  helper: ['helper', 'kfunc', 'callback-helper'],
  subprog: ['subprog', 'callx'],
};

export interface ReportFilters {
  workloads?: readonly string[];
  cpuModels?: readonly string[];
  strategies?: readonly string[];
  cpus?: readonly number[];
  sites?: SiteKind;
}

const list = (text: string | undefined): string[] | undefined => (text === undefined ? undefined : text.split(',').map((s) => s.trim()).filter((s) => s !== ''));

/** Filters from command-line values; every name must occur in the document, or the
 * option is refused naming the ones that do. */
export function parseReportFilters(doc: ResultDocument, v: { workload?: string; 'cpu-model'?: string; strategy?: string; cpus?: string; sites?: string }): ReportFilters {
  const known = (option: string, names: string[] | undefined, present: Iterable<string>): string[] | undefined => {
    if (!names) return undefined;
    const have = [...new Set(present)].sort();
    for (const n of names) if (!have.includes(n)) throw new BpfError('usage', `--${option}: '${n}' is not in this document (it has: ${have.join(', ')})`);
    return names;
  };
  const cpus = list(v.cpus)?.map((c) => {
    const n = Number(c);
    if (!Number.isInteger(n) || n < 1) throw new BpfError('usage', `--cpus: '${c}' is not a CPU count`);
    return n;
  });
  if (cpus) known('cpus', cpus.map(String), doc.runs.map((r) => String(r.cpus)));
  if (v.sites !== undefined && !(SITE_KINDS as readonly string[]).includes(v.sites)) throw new BpfError('usage', `--sites must be one of ${SITE_KINDS.join(', ')}, not '${v.sites}'`);
  return {
    workloads: known('workload', list(v.workload), doc.runs.map((r) => r.workload)),
    cpuModels: known('cpu-model', list(v['cpu-model']), doc.runs.map((r) => r.cpuModel)),
    strategies: known('strategy', list(v.strategy), doc.runs.map((r) => r.strategy)),
    cpus,
    sites: v.sites as SiteKind | undefined,
  };
}

/** Runs the filters keep. `none` stays whatever --strategy says: every overhead is over it. */
export function filterRuns(runs: readonly RunRecord[], f: ReportFilters): RunRecord[] {
  return runs.filter(
    (r) =>
      (!f.workloads || f.workloads.includes(r.workload)) &&
      (!f.cpuModels || f.cpuModels.includes(r.cpuModel)) &&
      (!f.strategies || r.strategy === 'none' || f.strategies.includes(r.strategy)) &&
      (!f.cpus || f.cpus.includes(r.cpus)),
  );
}

export function isFiltered(f: ReportFilters): boolean {
  return Boolean(f.workloads || f.cpuModels || f.strategies || f.cpus || f.sites);
}

/** The filters as command-line options, to repeat them in the reproduction line. */
export function filterOptions(f: ReportFilters): string[] {
  const out: string[] = [];
  if (f.workloads) out.push('--workload', f.workloads.join(','));
  if (f.cpuModels) out.push('--cpu-model', f.cpuModels.join(','));
  if (f.strategies) out.push('--strategy', f.strategies.join(','));
  if (f.cpus) out.push('--cpus', f.cpus.join(','));
  if (f.sites) out.push('--sites', f.sites);
  return out;
}
