// Call-site rows that stand for several sites (result@2). A bench run's per-site rows
// were most of its result document, and most of them repeat: a generated density-sweep
// program has up to hundreds of sites with one target, each costing the same. Every
// figure a report, chart or compare reads is a sum over sites (cycles over executions),
// so a row of summed sites keeps them all; the per-site CSV (results/latest-sites.csv,
// written from the runs in memory) keeps one row per site.
import type { CallSiteResult } from './document.ts';

/** Fields a row carries for one site only: meaningless once sites are merged. */
const PER_SITE_FIELDS = ['pc', 'sites', 'pcs', 'rewrittenPc', 'executions', 'overheadCycles', 'overheadPerExecution'];

function merged(group: CallSiteResult[], withPcs: boolean): CallSiteResult {
  if (group.length === 1) return group[0];
  const executions = group.reduce((n, s) => n + s.executions, 0);
  const overheadCycles = group.reduce((n, s) => n + s.overheadCycles, 0);
  const sites = group.reduce((n, s) => n + (s.sites ?? 1), 0);
  const pcs = group.flatMap((s) => s.pcs ?? [s.pc]).sort((a, b) => a - b);
  const rest = Object.fromEntries(Object.entries(group[0]).filter(([k]) => !PER_SITE_FIELDS.includes(k)));
  return {
    pc: pcs[0],
    sites,
    ...(withPcs ? { pcs } : {}),
    ...(rest as Pick<CallSiteResult, 'kind' | 'target' | 'frame'>),
    executions,
    overheadCycles,
    overheadPerExecution: executions > 0 ? overheadCycles / executions : 0,
  };
}

function groupBy(sites: readonly CallSiteResult[], key: (s: CallSiteResult) => string): CallSiteResult[][] {
  const groups = new Map<string, CallSiteResult[]>();
  for (const s of sites) {
    const k = key(s);
    const g = groups.get(k);
    if (g) g.push(s);
    else groups.set(k, [s]);
  }
  return [...groups.values()];
}

/** What identifies a site's kind of call, apart from where it is and what it cost. */
function callKey(s: CallSiteResult): unknown[] {
  const extra = Object.entries(s).filter(([k]) => !PER_SITE_FIELDS.includes(k)).sort(([a], [b]) => (a < b ? -1 : 1));
  return extra;
}

/** Sites identical in every figure (kind, target, frame, rewrite, executions, cycles) as
 * one row listing their pcs: lossless but for the per-site rewritten pcs. */
export function groupIdenticalSites(sites: readonly CallSiteResult[]): CallSiteResult[] {
  return groupBy(sites, (s) => JSON.stringify([callKey(s), s.executions, s.overheadCycles])).map((g) => merged(g, true));
}

/** One row per kind, target, frame and rewrite, its figures summed: for runs whose sites
 * matter only in aggregate (sweeps, several CPUs). */
export function sumSitesPerTarget(sites: readonly CallSiteResult[]): CallSiteResult[] {
  return groupBy(sites, (s) => JSON.stringify(callKey(s))).map((g) => merged(g, false));
}

/** How many call sites a run's rows stand for. */
export function siteCount(sites: readonly CallSiteResult[]): number {
  return sites.reduce((n, s) => n + (s.sites ?? 1), 0);
}
