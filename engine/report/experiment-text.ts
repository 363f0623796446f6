// `bpfexc run --strategy …` for a terminal: per CPU model, a per-invocation summary and
// the overhead of each call site under each strategy, 80 columns at most.
import { returnThunkNote } from '../cpus/mitigations.ts';
import { wrap } from '../results/text-table.ts';
import type { ExecutionTier } from '../exec/index.ts';
import { formatCompact, formatNumber, formatTable, RULE, type Column, type Row } from '../results/text-table.ts';
import { caveatLine, type ExperimentRunRecord, type RunCaveat } from '../experiment/run-experiment.ts';

const WIDTH = 80;
const TARGET_WIDTH = 20;

const invocations = (n: number): string => `${n} invocation${n === 1 ? '' : 's'}`;

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
    `${invocations(r0.invocations)} after ${r0.warmupInvocations} warm-up, seed ${r0.seed}, ` +
    `${throwsStated(r0)}, checks after ${r0.sites === 'all-calls' ? 'every call site' : 'call sites that may throw'}` +
    `${tier ? `, ${tier} tier` : ''}. ` +
    'Model cycles per invocation; overhead = cycles - none.';
  out.push(...wrap(head, WIDTH));
  const thunk = returnThunkNote(r0.cpuModel, r0.returnThunk);
  if (thunk) out.push(...wrap(thunk, WIDTH));
  out.push('');

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
  out.push(...otherLines(runs));

  const checked = runs.filter((r) => r.strategy !== 'none');
  const sites = runs[0].callSites;
  if (sites.length > 0 && checked.length > 0) {
    // A check's per-site figure alone understates a strategy whose cost is at entry
    // (stack): the entry and the whole overhead per invocation close the same table.
    out.push('', ...wrap('Overhead cycles per execution of each call site (n/inv: executions per invocation), then per invocation: the entry sequences and the whole overhead (sites x n/inv + entry + other):', WIDTH));
    const cols: Column[] = [
      { header: 'pc' },
      { header: 'call site', align: 'left' },
      { header: 'frame', align: 'left' },
      { header: 'n/inv' },
      ...checked.map((r) => ({ header: r.strategy })),
    ];
    const rows: Row[] = sites.map((s, k) => [
      s.pc,
      clip(s.target, TARGET_WIDTH),
      s.frame,
      s.executions / runs[0].invocations,
      ...checked.map((r) => siteCell(r, k, s.pc)),
    ]);
    const perInvocation = (label: string, value: (r: ExperimentRunRecord) => number): Row => ['', label, '', '', ...checked.map(value)];
    rows.push(RULE, perInvocation('entry/inv', (r) => r.cycles.entryPerInvocation), perInvocation('overhead/inv', (r) => r.cycles.overheadPerInvocation));
    out.push(formatTable(cols, rows, WIDTH));
  } else if (sites.length === 0) {
    out.push('', 'No call site gets a check in this program.');
  }

  out.push('', ...correctnessLines(runs));
  const caveats = mergeCaveats(runs);
  if (caveats.length > 0) {
    out.push('', 'Timing-model caveats (insn: a slot of the program as given):');
    for (const c of caveats) out.push(...wrap(c, WIDTH, '- '));
  }
  return out.join('\n');
}

/** One line per distinct caveat over every strategy's run, naming the places in the
 * program as given once each, and the strategies when not all of them have it. */
function mergeCaveats(runs: readonly ExperimentRunRecord[]): string[] {
  const byText = new Map<string, { caveat: RunCaveat; strategies: string[] }>();
  for (const r of runs) {
    for (const c of r.caveatSites) {
      const seen = byText.get(c.text);
      if (!seen) {
        byText.set(c.text, { caveat: { ...c, pcs: [...c.pcs], inserted: [...c.inserted] }, strategies: [r.strategy] });
        continue;
      }
      seen.caveat.pcs.push(...c.pcs);
      seen.caveat.inserted.push(...c.inserted);
      seen.caveat.entry ||= c.entry;
      if (!seen.strategies.includes(r.strategy)) seen.strategies.push(r.strategy);
    }
  }
  const ascending = (xs: number[]) => [...new Set(xs)].sort((a, b) => a - b);
  const all = new Set(runs.map((r) => r.strategy)).size;
  return [...byText.values()].map(({ caveat, strategies }) => {
    const line = caveatLine({ ...caveat, pcs: ascending(caveat.pcs), inserted: ascending(caveat.inserted) });
    if (strategies.length === all) return line;
    const i = line.indexOf(': ');
    return `${line.slice(0, i)} (${strategies.join(', ')})${line.slice(i)}`;
  });
}

/** The site's figure in one strategy's run, matched by original pc (every strategy
 * reports the same sites, but not necessarily in the same order). */
function siteCell(run: ExperimentRunRecord, k: number, pc: number): string {
  const s = run.callSites[k]?.pc === pc ? run.callSites[k] : run.callSites.find((x) => x.pc === pc);
  if (!s) return '-';
  return s.executions > 0 ? formatCompact(s.overheadPerExecution) : '-';
}

/** The throw rate only where the workload has a knob for it; always what was observed
 * (the oracle's throws under none: the same invocations under every strategy). */
/** What a large 'other' is made of: the original instructions whose cycles changed most.
 * When it is negative, 'at sites' holds cycles the program would have waited anyway. */
function otherLines(runs: readonly ExperimentRunRecord[]): string[] {
  const listed = runs.filter((r) => r.cycles.unattributedByInsn.length > 0);
  if (listed.length === 0) return [];
  const out: string[] = ['', ...wrap('other, by the original instructions whose cycles changed most (cycles per invocation, strategy minus none):', WIDTH)];
  for (const r of listed) {
    const parts = r.cycles.unattributedByInsn.map((u) => `insn ${u.pc} '${u.insn}' ${u.cyclesPerInvocation > 0 ? '+' : ''}${formatNumber(u.cyclesPerInvocation)}`);
    out.push(...wrap(`- ${r.strategy} (other ${formatNumber(r.cycles.unattributedPerInvocation)}): ${parts.join(', ')}`, WIDTH - 2).map((l, i) => (i === 0 ? l : `  ${l}`)));
  }
  if (listed.some((r) => r.cycles.unattributedPerInvocation < 0)) {
    out.push(...wrap('A negative other: those instructions waited under none (on an atomic, a load, a return) and the inserted code now retires during that wait, so at sites counts cycles the program spent waiting anyway; the overhead column is what the checks cost.', WIDTH));
  }
  return out;
}

function throwsStated(r: ExperimentRunRecord): string {
  const threw = `${r.correctness.throws} of ${invocations(r.invocations)} threw`;
  return r.throwKnob !== undefined ? `throw rate ${r.throwRate} (knob ${r.throwKnob}), ${threw}` : `${threw} (no throw-rate knob)`;
}

function correctnessLines(runs: readonly ExperimentRunRecord[]): string[] {
  const anyThrows = runs.some((r) => r.correctness.throws > 0);
  const bad = runs.filter((r) => r.correctness.missed + r.correctness.spuriousUnwinds + r.correctness.wrongCookie > 0);
  if (!anyThrows && bad.length === 0) {
    return wrap(`Correctness: no invocation threw under none, and every strategy returned what none returned (given the clock, random, CPU and task values the strategy's run read) in ${runs[0].invocations === 1 ? 'the one invocation' : `all ${runs[0].invocations} invocations`}.`, WIDTH);
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
