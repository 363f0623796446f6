// A machine result as 80-column text: one row per strategy, then the failure traces.

import { wrap } from '../report/plain-text.ts';
import type { MachineResult } from './run-machine.ts';

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
  for (const x of r.runs) {
    for (const f of x.failures.slice(0, tracesPerStrategy)) {
      out.push('');
      out.push(`${x.strategy}: invocation #${f.invocation} (${LEVELS[f.level]}, ${f.cpus}) ${f.verdict}: expected ${f.expected}, got ${f.got}`);
      for (const e of f.events) out.push(`  ${e}`);
    }
  }
  return out.join('\n') + '\n';
}
