// The two CSV forms of a result document: one row per run, one row per call site.
// Column names are stable: scripts read them (see README, "bpfexc report").
import { toCsv } from '../results/csv.ts';
import type { RunRecord } from '../results/document.ts';
import { callExecutions, callsPer100Insns, overheadPerCallSite } from './run-metrics.ts';

/** Columns of the per-run form, in order. Names are stable: scripts read them. */
export const RUN_CSV_COLUMNS = [
  'workload', 'strategy', 'cpuModel', 'cpus', 'invocations', 'seed', 'throwRate', 'r0',
  'cyclesPerInvocation', 'baselinePerInvocation', 'overheadPerInvocation',
  'overheadPerCallSite', 'callSiteExecutions', 'callsPer100Insns',
  'throws', 'handled', 'missed', 'spuriousUnwinds', 'wrongCookie',
  'insnsOriginal', 'insnsRewritten', 'insnsExecuted',
  'jitBytes', 'jitBytesEntry', 'jitBytesPerSite',
] as const;

export function runsToCsv(runs: readonly RunRecord[]): string {
  return toCsv(RUN_CSV_COLUMNS, runs.map((r) => [
    r.workload, r.strategy, r.cpuModel, r.cpus, r.invocations, r.seed, r.throwRate, r.r0,
    r.cycles.perInvocation, r.cycles.baselinePerInvocation, r.cycles.overheadPerInvocation,
    overheadPerCallSite(r), callExecutions(r), callsPer100Insns(r),
    r.correctness.throws, r.correctness.handled, r.correctness.missed,
    r.correctness.spuriousUnwinds, r.correctness.wrongCookie,
    r.insns?.original, r.insns?.rewritten, r.insns?.executed,
    r.codeBytes?.program, r.codeBytes?.entry, r.codeBytes?.perSite,
  ]));
}

/** Columns of the per-call-site form: the run's key, then the site's own fields, then
 * what a row of a result@2 document stands for: `sites` call sites (1: one site), at the
 * space-separated `pcs` when they were identical, else summed per kind, target and frame
 * (`pcs` empty, `pc` the first site's). executions and overheadCycles are the row's sums. */
const CALL_SITE_CSV_COLUMNS = [
  'workload', 'strategy', 'cpuModel', 'cpus', 'seed', 'throwRate',
  'pc', 'kind', 'target', 'frame', 'executions', 'overheadCycles', 'overheadPerExecution',
  'sites', 'pcs',
] as const;

export function callSitesToCsv(runs: readonly RunRecord[]): string {
  return toCsv(CALL_SITE_CSV_COLUMNS, runs.flatMap((r) => r.callSites.map((s) => [
    r.workload, r.strategy, r.cpuModel, r.cpus, r.seed, r.throwRate,
    s.pc, s.kind, s.target, s.frame, s.executions, s.overheadCycles, s.overheadPerExecution,
    s.sites ?? 1, s.pcs ? s.pcs.join(' ') : (s.sites ?? 1) === 1 ? String(s.pc) : '',
  ])));
}
