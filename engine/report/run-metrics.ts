// Figures derived from one run record, shared by the report tables and the charts so a
// number in an email and the bar it is linked to are computed the same way.
import type { ResultDocument, RunRecord } from '../results/document.ts';
import { STRATEGY_NAMES } from '../strategies/index.ts';

/** Overhead cycles per executed call site: the executor's per-site overheads summed and
 * divided by the call executions they cover (a weighted mean, not a mean of means). */
export function overheadPerCallSite(run: RunRecord): number | undefined {
  let cycles = 0;
  let executions = 0;
  for (const s of run.callSites) {
    cycles += s.overheadCycles;
    executions += s.executions;
  }
  return executions > 0 ? cycles / executions : undefined;
}

/** Cycles of the entry sequences per invocation (`cycles.entryPerInvocation`): what a
 * strategy pays however few call sites run, and what overheadPerCallSite leaves out.
 * Documents written before it was recorded have none. */
export function entryPerInvocation(run: RunRecord): number | undefined {
  const v = (run.cycles as Record<string, unknown>).entryPerInvocation;
  return typeof v === 'number' && Number.isFinite(v) ? v : undefined;
}

export function callExecutions(run: RunRecord): number {
  return run.callSites.reduce((n, s) => n + s.executions, 0);
}

/** Throws the strategy got wrong: not caught, caught when none happened, or caught with
 * the wrong cookie. */
export function correctnessErrors(run: RunRecord): number {
  const c = run.correctness;
  return (c.missed ?? 0) + (c.spuriousUnwinds ?? 0) + (c.wrongCookie ?? 0);
}

/**
 * Call density of a density-sweep run: `run.params.callsPer100Insns`, the number of call
 * sites per 100 instructions of the generated workload. Runs of other workloads do not
 * carry it.
 */
export function callsPer100Insns(run: RunRecord): number | undefined {
  const params = run.params;
  if (typeof params !== 'object' || params === null) return undefined;
  const v = (params as Record<string, unknown>).callsPer100Insns;
  return typeof v === 'number' && Number.isFinite(v) ? v : undefined;
}

/** Whether any run threw or got a throw wrong: only then do correctness columns say
 * anything. */
export function hasCorrectnessData(doc: ResultDocument): boolean {
  return doc.runs.some((r) => (r.correctness.throws ?? 0) > 0 || correctnessErrors(r) > 0);
}

/** Strategies in the order every table and chart lists them; unknown names last, sorted. */
export function compareStrategies(a: string, b: string): number {
  const ia = STRATEGY_NAMES.indexOf(a as never);
  const ib = STRATEGY_NAMES.indexOf(b as never);
  const ra = ia < 0 ? STRATEGY_NAMES.length : ia;
  const rb = ib < 0 ? STRATEGY_NAMES.length : ib;
  return ra !== rb ? ra - rb : a < b ? -1 : a > b ? 1 : 0;
}

export function sortedUnique<T extends string | number>(values: Iterable<T>, compare?: (a: T, b: T) => number): T[] {
  const out = [...new Set(values)];
  return out.sort(compare ?? ((a, b) => (a < b ? -1 : a > b ? 1 : 0)));
}

/** A run parameter of the bench's sweeps (`run.params`), when the run carries it. */
function param(run: RunRecord, name: string): unknown {
  const p = run.params;
  return typeof p === 'object' && p !== null ? (p as Record<string, unknown>)[name] : undefined;
}

/** The aux/percpu reset policy of a run of the reset-policy sweep; undefined elsewhere. */
export function resetPolicyOf(run: RunRecord): 'always' | 'if-set' | undefined {
  const v = param(run, 'resetPolicy');
  return v === 'always' || v === 'if-set' ? v : undefined;
}

/** Task-context invocations per CPU per second of a machine sweep run. */
export function invocationRateOf(run: RunRecord): number | undefined {
  const v = param(run, 'invocationRate');
  return typeof v === 'number' && Number.isFinite(v) ? v : undefined;
}

/** The machine scenario a run came from (`params.scenario`, the bench's scenario matrix). */
export function scenarioOf(run: RunRecord): string | undefined {
  const v = param(run, 'scenario');
  return typeof v === 'string' ? v : undefined;
}

/** Runs of the bench's machine sweeps (reset policy, scenarios): they have tables and
 * charts of their own and stay out of the suite's. */
export function isSideRun(run: RunRecord): boolean {
  return resetPolicyOf(run) !== undefined || scenarioOf(run) !== undefined;
}
