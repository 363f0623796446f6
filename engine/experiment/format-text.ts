// `bpfexc run --strategy …` for a terminal: per CPU model, a per-invocation summary and
// the overhead of each call site under each strategy, 80 columns at most.
import { wrap } from '../report/plain-text.ts';
import type { ExecutionTier } from '../exec/index.ts';
import { formatNumber, formatTable, type Column } from '../results/text-table.ts';
import type { ExperimentRunRecord } from './run-experiment.ts';

const WIDTH = 80;
const TARGET_WIDTH = 20;

const clip = (s: string, w: number): string => (s.length <= w ? s : s.slice(0, w - 1) + '~');

/** `tier`: the executor that ran them, named in each block's heading when given (the
 * records do not carry it: every tier gives the same ones). */
export function formatExperimentText(runs: readonly ExperimentRunRecord[], opts: { tier?: ExecutionTier } = {}): string {
  const blocks: string[] = [];
  for (const cpu of [...new Set(runs.map((r) => r.cpuModel))]) {
    blocks.push(formatCpuBlock(runs.filter((r) => r.cpuModel === cpu), opts.tier));
  }
  return blocks.join('\n\n') + '\n';
}

function formatCpuBlock(runs: readonly ExperimentRunRecord[], tier: ExecutionTier | undefined): string {
  const r0 = runs[0];
  const out: string[] = [];
  const head =
    `${r0.workload} on ${r0.cpuModel} (${r0.timingModel} model), ${r0.cpus} CPU, ` +
    `${r0.invocations} invocations after ${r0.warmupInvocations} warm-up, seed ${r0.seed}, ` +
    `throw rate ${r0.throwRate}, checks after ${r0.sites === 'all-calls' ? 'every call site' : 'call sites that may throw'}` +
    `${tier ? `, ${tier} tier` : ''}. ` +
    'Model cycles per invocation; overhead = cycles - none.';
  out.push(...wrap(head, WIDTH), '');

  const summaryCols: Column[] = [
    { header: 'strategy', align: 'left' },
    { header: 'cycles' },
    { header: 'overhead' },
    { header: 'at sites' },
    { header: 'entry' },
    { header: 'other' },
    { header: 'insns' },
    { header: 'r0', align: 'left' },
  ];
  const summaryRows = runs.map((r) => {
    const atSites = r.callSites.reduce((a, s) => a + s.overheadCycles, 0) / r.invocations;
    return [
      r.strategy,
      r.cycles.perInvocation,
      r.cycles.overheadPerInvocation,
      atSites,
      r.cycles.entryPerInvocation,
      r.cycles.unattributedPerInvocation,
      r.insns.executed / r.invocations,
      clip(r.r0, 18),
    ];
  });
  out.push(formatTable(summaryCols, summaryRows, WIDTH));
  out.push(...wrap('at sites: inserted check slots; entry: entry sequences; other: the rest of the overhead (changed overlap, caches, predictors, pushes); insns: executed per invocation.', WIDTH));

  const checked = runs.filter((r) => r.strategy !== 'none');
  const sites = runs[0].callSites;
  if (sites.length > 0 && checked.length > 0) {
    out.push('', ...wrap('Overhead cycles per execution of each call site (n/inv: executions per invocation):', WIDTH));
    const cols: Column[] = [
      { header: 'pc' },
      { header: 'call site', align: 'left' },
      { header: 'frame', align: 'left' },
      { header: 'n/inv' },
      ...checked.map((r) => ({ header: r.strategy })),
    ];
    const rows = sites.map((s, k) => [
      s.pc,
      clip(s.target, TARGET_WIDTH),
      s.frame,
      s.executions / runs[0].invocations,
      ...checked.map((r) => siteCell(r, k, s.pc)),
    ]);
    out.push(formatTable(cols, rows, WIDTH));
  } else if (sites.length === 0) {
    out.push('', 'No call site gets a check in this program.');
  }

  out.push('', ...correctnessLines(runs));
  const caveats = [...new Set(runs.flatMap((r) => r.caveats))];
  if (caveats.length > 0) {
    out.push('', 'Timing-model caveats:');
    for (const c of caveats) out.push(...wrap(c, WIDTH, '- '));
  }
  return out.join('\n');
}

/** The site's figure in one strategy's run, matched by original pc (every strategy
 * reports the same sites, but not necessarily in the same order). */
function siteCell(run: ExperimentRunRecord, k: number, pc: number): string {
  const s = run.callSites[k]?.pc === pc ? run.callSites[k] : run.callSites.find((x) => x.pc === pc);
  if (!s) return '-';
  return s.executions > 0 ? formatNumber(s.overheadPerExecution) : '-';
}

function correctnessLines(runs: readonly ExperimentRunRecord[]): string[] {
  const anyThrows = runs.some((r) => r.correctness.throws > 0);
  const bad = runs.filter((r) => r.correctness.missed + r.correctness.spuriousUnwinds + r.correctness.wrongCookie > 0);
  if (!anyThrows && bad.length === 0) {
    return wrap(`Correctness: no invocation threw under none, and every strategy returned what none returned in all ${runs[0].invocations} invocations.`, WIDTH);
  }
  const cols: Column[] = [
    { header: 'strategy', align: 'left' },
    { header: 'throws' },
    { header: 'handled' },
    { header: 'missed' },
    { header: 'spurious unwinds' },
    { header: 'wrong cookie' },
  ];
  const rows = runs.map((r) => {
    const c = r.correctness;
    return [r.strategy, c.throws, c.handled, c.missed, c.spuriousUnwinds, c.wrongCookie];
  });
  return ['Correctness (oracle: the same invocations under none):', formatTable(cols, rows, WIDTH)];
}
