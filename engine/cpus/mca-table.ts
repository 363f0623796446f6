// Builds an op-cost table from llvm-mca 14 figures for the X86_PROBES instructions, with
// per-class replacements where a documented figure is preferred (each listed in the
// model's mcaDifferences).

import type { OpClass } from './op-classes.ts';
import { mca, type OpCost } from './cpu-model.ts';
import { X86_PROBES } from './x86-probes.ts';

type McaRow = readonly [latency: number, rthroughput: number, ports: string];

export function mcaOps(
  mcpu: string,
  rows: Record<Exclude<OpClass, 'sysreg-read'>, McaRow>,
  overrides: Partial<Record<OpClass, OpCost>> = {},
): Record<OpClass, OpCost> {
  const out = {} as Record<OpClass, OpCost>;
  for (const [cls, [lat, rthr, ports]] of Object.entries(rows) as [OpClass, McaRow][]) {
    out[cls] = overrides[cls] ?? mca(mcpu, X86_PROBES[cls], lat, rthr, ports);
  }
  // x86 has no system-register read on the BPF paths; per-CPU bases come through %gs.
  out['sysreg-read'] = overrides['sysreg-read'] ?? out['gs-load'];
  return out;
}
