// Machine run records (several CPUs, a scenario) as 80-column text: per CPU model one row
// per strategy, the overhead by cause, then the first failure traces.

import { returnThunkNote } from '../cpus/mitigations.ts';
import type { ExecutionTier } from '../exec/index.ts';
import type { MachineRunRecord } from '../machine/index.ts';
import { wrap } from '../results/text-table.ts';

const fmt = (v: number): string => (Math.abs(v) >= 1000 ? v.toFixed(0) : v.toFixed(2));
const one = (v: number): string => (Number.isFinite(v) ? v.toFixed(1) : '-');

const LEVELS = ['task', 'softirq', 'hardirq', 'NMI'];

export interface MachineTextOptions {
  /** The executor that ran them (records do not carry it: every tier gives the same). */
  tier?: ExecutionTier;
  tracesPerStrategy?: number;
}

/** One block per CPU model, in the order the records come. */
export function formatMachineText(records: readonly MachineRunRecord[], opts: MachineTextOptions = {}): string {
  const models = [...new Set(records.map((r) => r.cpuModel))];
  return models.map((m) => block(records.filter((r) => r.cpuModel === m), opts)).join('\n');
}

function block(runs: readonly MachineRunRecord[], opts: MachineTextOptions): string {
  const r0 = runs[0];
  const m = r0.machine;
  const out: string[] = [];
  out.push(...wrap(`scenario ${m.scenario}: ${r0.workload} on ${r0.cpus} x ${r0.cpuModel}${opts.tier ? `, ${opts.tier} tier` : ''}`, 80));
  out.push(...wrap(`seed ${r0.seed}, throw rate ${r0.throwRate} as set, reset ${m.resetPolicy}, slice ${m.sliceInsns}`, 80));
  const nested = m.nestedInvocations;
  out.push(`invocations: ${m.invocationsByLevel.map((n, l) => `${n} ${LEVELS[l]}`).filter((x) => !x.startsWith('0 ')).join(', ')}${nested ? ` (${nested} nested in a helper)` : ''}`);
  out.push('strategy  cyc/inv overhead coh/inv flag-coh throws handled missed spur wrongck');
  for (const x of runs) {
    const c = x.correctness;
    out.push(
      [
        x.strategy.padEnd(8),
        one(x.cycles.perInvocation).padStart(8),
        one(x.cycles.overheadPerInvocation).padStart(8),
        one(x.machine.coherencePerInvocation).padStart(7),
        one(x.machine.exceptionStateCoherencePerInvocation).padStart(8),
        String(c.throws).padStart(6),
        String(c.handled).padStart(7),
        String(c.missed).padStart(6),
        String(c.spuriousUnwinds).padStart(4),
        String(c.wrongCookie).padStart(7),
      ].join(' '),
    );
  }
  const split = runs.filter((x) => x.strategy !== 'none' && x.machine.overheadParts !== null);
  if (split.length) {
    out.push('');
    out.push('overhead by cause, cycles per invocation: overhead = core + flag lines + other');
    out.push('lines (core: the timing models; lines: cross-core transfers)');
    out.push('strategy  overhead      core  flag lines  other lines');
    for (const x of split) {
      const o = x.machine.overheadParts!;
      out.push([x.strategy.padEnd(8), fmt(x.cycles.overheadPerInvocation).padStart(9), fmt(o.core).padStart(9), fmt(o.exceptionStateCoherence).padStart(11), fmt(o.otherCoherence).padStart(12)].join(' '));
    }
    const fewer = split.filter((x) => x.machine.overheadParts!.otherCoherence < 0).map((x) => x.strategy);
    if (fewer.length) {
      out.push(...wrap(`Negative other lines (${fewer.join(', ')}): the program's own shared lines (maps, globals) moved between CPUs less often than under none, because invocations overlapped differently on this schedule; that is not a cheaper check.`, 80));
    }
  }
  const thunk = returnThunkNote(r0.cpuModel, r0.returnThunk);
  if (thunk) out.push('', ...wrap(thunk, 80));
  for (const x of runs) {
    for (const f of x.machine.failures.slice(0, opts.tracesPerStrategy ?? 2)) {
      out.push('');
      out.push(`${x.strategy}: invocation #${f.invocation} (${LEVELS[f.level]}, ${f.cpus}) ${f.verdict}: expected ${f.expected}, got ${f.got}`);
      for (const e of f.events) out.push(`  ${e}`);
    }
  }
  return out.join('\n') + '\n';
}
