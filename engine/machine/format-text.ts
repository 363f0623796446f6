// A machine result as 80-column text: one row per strategy, then the failure traces.

import { returnThunkNote } from '../cpus/mitigations.ts';
import { wrap } from '../report/plain-text.ts';
import type { MachineResult } from './run-machine.ts';

const fmt = (v: number): string => (Math.abs(v) >= 1000 ? v.toFixed(0) : v.toFixed(2));

const LEVELS = ['task', 'softirq', 'hardirq', 'NMI'];

export function formatMachineText(r: MachineResult, tracesPerStrategy = 2): string {
  const s = r.scenario;
  const out: string[] = [];
  out.push(...wrap(`scenario ${s.name}: ${r.workload} on ${s.cpus} x ${r.cpuModel}, ${r.tier} tier`, 80));
  out.push(...wrap(`seed ${r.seed}, throw rate ${s.throwRate} as set, reset ${s.resetPolicy}, slice ${s.sliceInsns}`, 80));
  const lv = r.runs[0]?.invocationsByLevel ?? [];
  const nested = r.runs[0]?.nestedInvocations ?? 0;
  out.push(`invocations: ${lv.map((n, l) => `${n} ${LEVELS[l]}`).filter((x) => !x.startsWith('0 ')).join(', ')}${nested ? ` (${nested} nested in a helper)` : ''}`);
  out.push('strategy  cyc/inv overhead coh/inv flag-coh throws handled missed spur wrongck');
  for (const x of r.runs) {
    const c = x.correctness;
    const ov = x.cycles.overheadPerInvocation;
    out.push(
      [
        x.strategy.padEnd(8),
        x.cycles.perInvocation.toFixed(1).padStart(8),
        (ov === undefined ? '-' : ov.toFixed(1)).padStart(8),
        x.cycles.coherencePerInvocation.toFixed(1).padStart(7),
        x.cycles.exceptionStateCoherencePerInvocation.toFixed(1).padStart(8),
        String(c.throws).padStart(6),
        String(c.handled).padStart(7),
        String(c.missed).padStart(6),
        String(c.spuriousUnwinds).padStart(4),
        String(c.wrongCookie).padStart(7),
      ].join(' '),
    );
  }
  const split = r.runs.filter((x) => x.strategy !== 'none' && x.cycles.overheadParts !== undefined);
  if (split.length) {
    out.push('');
    out.push('overhead by cause, cycles per invocation: overhead = core + flag lines + other');
    out.push('lines (core: the timing models; lines: cross-core transfers)');
    out.push('strategy  overhead      core  flag lines  other lines');
    for (const x of split) {
      const o = x.cycles.overheadParts!;
      out.push([x.strategy.padEnd(8), fmt(x.cycles.overheadPerInvocation!).padStart(9), fmt(o.core).padStart(9), fmt(o.exceptionStateCoherence).padStart(11), fmt(o.otherCoherence).padStart(12)].join(' '));
    }
    const fewer = split.filter((x) => x.cycles.overheadParts!.otherCoherence < 0).map((x) => x.strategy);
    if (fewer.length) {
      out.push(...wrap(`Negative other lines (${fewer.join(', ')}): the program's own shared lines (maps, globals) moved between CPUs less often than under none, because invocations overlapped differently on this schedule; that is not a cheaper check.`, 80));
    }
  }
  const thunk = returnThunkNote(r.cpuModel, r.returnThunk);
  if (thunk) out.push('', ...wrap(thunk, 80));
  for (const x of r.runs) {
    for (const f of x.failures.slice(0, tracesPerStrategy)) {
      out.push('');
      out.push(`${x.strategy}: invocation #${f.invocation} (${LEVELS[f.level]}, ${f.cpus}) ${f.verdict}: expected ${f.expected}, got ${f.got}`);
      for (const e of f.events) out.push(`  ${e}`);
    }
  }
  return out.join('\n') + '\n';
}
