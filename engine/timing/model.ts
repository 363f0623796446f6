// Builds a timing model of either kind behind the one interface (engine/timing/timing-model.ts):
// an ExecObserver that turns the executed instruction stream into cycles on a named CPU model.
//
//   const model = createTimingModel('ooo', zen5, loaded);
//   model.startInvocation(); instance.run({ observer: model }); model.endInvocation();
//   model.totalCycles(); model.cyclesByPc();

import type { CpuModel } from '../cpus/cpu-model.ts';
import type { LoadedProgram } from '../exec/decoded.ts';
import { AdditiveModel } from './additive.ts';
import { buildOpTable } from './op-table.ts';
import { OooModel } from './ooo.ts';
import { MemoisedOooModel } from './memo/memoised-ooo-model.ts';
import { lowerProgram } from './program-lowering.ts';
import type { TimingModel, TimingModelKind, TimingModelOptions } from './timing-model.ts';

export type { MemoStats, TimingModel, TimingModelKind, TimingModelOptions, TimingStats } from './timing-model.ts';

export function createTimingModel(kind: TimingModelKind, cpu: CpuModel, loaded: LoadedProgram, opts: TimingModelOptions = {}): TimingModel {
  const lowered = lowerProgram(loaded, cpu, { exceptionBoundary: opts.exceptionBoundary, throwParameters: opts.throwParameters });
  const table = buildOpTable(lowered, cpu);
  if (kind === 'ooo') {
    // With shared caches other CPUs change the LLC between this model's events and the
    // machine reads the clock mid-invocation: such a model is never memoised.
    if (opts.memo === false || opts.caches !== undefined) return new OooModel(cpu, loaded, lowered, table, opts.caches);
    return new MemoisedOooModel(cpu, loaded, lowered, table);
  }
  return new AdditiveModel(cpu, loaded, lowered, table);
}
