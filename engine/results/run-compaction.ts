// What a bench result document keeps of each run. The runs in memory have everything
// (the per-site CSV is written from them); the document keeps every figure a report,
// chart or compare reads, and per-site rows only where they say more than their sum:
//   - call sites: identical sites grouped (every run), or summed per kind, target and
//     frame (runs the caller marks: sweeps and several CPUs, read only in aggregate)
//   - figures rounded to 7 significant digits (figure-precision.ts)
//   - machine records: the per-CPU cycles and failure traces after the first left out
//     (failuresTotal counts them all; `bpfexc run --cpus N` prints them)
//   - summed runs: the instructions behind the unattributed cycles left out (the total,
//     cycles.unattributedPerInvocation, stays)
//   - `caveats` left out where `caveatSites` holds the same caveats with their places
import type { RunRecord } from './document.ts';
import { roundFigures } from './figure-precision.ts';
import { groupIdenticalSites, sumSitesPerTarget } from './site-aggregation.ts';

export type SiteDetail = 'grouped' | 'summed';

export function compactRun(run: RunRecord, detail: SiteDetail): RunRecord {
  const aggregated = (detail === 'summed' ? sumSitesPerTarget : groupIdenticalSites)(run.callSites);
  const out: RunRecord = roundFigures({ ...run, callSites: aggregated });
  // From the rounded sums, as a reader recomputes it (the document leaves it out).
  out.callSites = out.callSites.map((s) => ({ ...s, overheadPerExecution: s.executions > 0 ? s.overheadCycles / s.executions : 0 }));
  const machine = out.machine as Record<string, unknown> | undefined;
  if (machine && typeof machine === 'object') {
    delete machine.perInvocationByCpu;
    if (Array.isArray(machine.failures)) machine.failures = machine.failures.slice(0, 1);
  }
  if (detail === 'summed') delete (out.cycles as Record<string, unknown>).unattributedByInsn;
  if (Array.isArray(out.caveatSites)) delete out.caveats;
  return out;
}

export function compactRuns(runs: readonly RunRecord[], detail: (run: RunRecord, index: number) => SiteDetail): RunRecord[] {
  return runs.map((r, i) => compactRun(r, detail(r, i)));
}
