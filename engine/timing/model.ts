// The one interface every timing model presents: an ExecObserver that turns the executed
// instruction stream into cycles on a named CPU model, with per-slot attribution.
//
//   const model = createTimingModel('ooo', zen5, loaded);
//   model.startInvocation(); instance.run({ observer: model }); model.endInvocation();
//   model.totalCycles(); model.cyclesByPc();

import type { CpuModel } from '../cpus/cpu-model.ts';
import type { LoadedProgram } from '../exec/decoded.ts';
import type { ExecObserver } from '../exec/observer.ts';
import { AdditiveModel } from './additive.ts';
import type { SharedCaches } from './cache.ts';
import { buildOpTable } from './op-table.ts';
import { OooModel } from './ooo.ts';
import { lowerProgram, type UnmeasuredCost } from './program-lowering.ts';

export type TimingModelKind = 'ooo' | 'additive';

/** Event counts since the last reset, for reports and tests. */
export interface TimingStats {
  /** Machine ops replayed. */
  ops: number;
  branchMispredicts: number;
  returnMispredicts: number;
  l1dMisses: number;
  l1iMisses: number;
}

export interface TimingModel extends ExecObserver {
  readonly kind: TimingModelKind;
  readonly cpu: CpuModel;
  /** Costs this model could not give a figure for (helper-costs marks them unmeasured). */
  readonly caveats: readonly string[];
  /** The same, by slot of the program the model was built for. */
  readonly unmeasured: readonly UnmeasuredCost[];
  /** Runs the kernel's call into the program and the main prologue; call before each run. */
  startInvocation(): void;
  endInvocation(): void;
  /** Cycles since the last reset. */
  totalCycles(): number;
  /** Cycles per instruction slot since the last reset (a copy); sums to totalCycles(). */
  cyclesByPc(): Float64Array;
  stats(): TimingStats;
  /** Back to a cold machine: caches, predictors, clocks and counters. */
  reset(): void;
}

export interface TimingModelOptions {
  /** prog->aux->exception_boundary: the main program saves all callee-saved registers. */
  exceptionBoundary?: boolean;
  /** A last-level cache shared with other simulated CPUs (default: a private one). */
  caches?: SharedCaches;
}

export function createTimingModel(kind: TimingModelKind, cpu: CpuModel, loaded: LoadedProgram, opts: TimingModelOptions = {}): TimingModel {
  const lowered = lowerProgram(loaded, cpu, { exceptionBoundary: opts.exceptionBoundary });
  const table = buildOpTable(lowered, cpu);
  if (kind === 'ooo') return new OooModel(cpu, loaded, lowered, table, opts.caches);
  return new AdditiveModel(cpu, loaded, lowered, table);
}
