// Builds a timing model of either kind behind the one interface (engine/timing/timing-model.ts):
// an ExecObserver that turns the executed instruction stream into cycles on a named CPU model.
//
//   const model = createTimingModel('ooo', zen5, loaded);
//   model.startInvocation(); instance.run({ observer: model }); model.endInvocation();
//   model.totalCycles(); model.cyclesByPc();

import type { CpuModel } from '../cpus/cpu-model.ts';
import type { LoadedProgram } from '../exec/decoded.ts';
import { AdditiveModel } from './additive.ts';
import { KFUNC_ID } from '../isa/internal-ids.ts';
import { buildOpTable } from './op-table.ts';
import { OooModel } from './ooo.ts';
import { MemoisedOooModel } from './memo/memoised-ooo-model.ts';
import { lowerProgram } from './program-lowering.ts';
import { BPF_FUNC } from './helper-ids.ts';
import type { TimingModel, TimingModelKind, TimingModelOptions } from './timing-model.ts';

export type { MemoStats, TimingModel, TimingModelKind, TimingModelOptions, TimingStats } from './timing-model.ts';

export function createTimingModel(kind: TimingModelKind, cpu: CpuModel, loaded: LoadedProgram, opts: TimingModelOptions = {}): TimingModel {
  return createTimingModels(kind, cpu, loaded, 1, opts)[0];
}

/** `count` models of one program on one CPU model (the multi-CPU machine's cores). The
 * program is lowered and its op table built once for all of them: both are read-only
 * once built, and both are deterministic in (program, CPU model, options), so every
 * model gets what it would have built itself. */
export function createTimingModels(kind: TimingModelKind, cpu: CpuModel, loaded: LoadedProgram, count: number, opts: TimingModelOptions = {}): TimingModel[] {
  const lowered = opts.lowered ?? lowerProgram(loaded, cpu, { exceptionBoundary: opts.exceptionBoundary, throwParameters: opts.throwParameters });
  const table = buildOpTable(lowered, cpu);
  return Array.from({ length: count }, () => {
    let model: OooModel | AdditiveModel;
    if (kind === 'ooo') {
      // With shared caches other CPUs change the LLC between this model's events and the
      // machine reads the clock mid-invocation; a program that can tail call switches op
      // tables on an event (enterProgram) the memo's traces do not hold. Neither is memoised.
      const memoised = opts.memo !== false && opts.caches === undefined && !loaded.helperIds.includes(BPF_FUNC.tail_call);
      model = memoised ? new MemoisedOooModel(cpu, loaded, lowered, table) : new OooModel(cpu, loaded, lowered, table, opts.caches);
    } else model = new AdditiveModel(cpu, loaded, lowered, table);
    // Unless told otherwise, a tail-call target is an exception boundary when it calls
    // bpf_throw itself (the verifier's seen_exception, per program).
    model.followTailCalls((target) => {
      const boundary = opts.targetExceptionBoundaries?.get(target.program.name) ?? target.kfuncIds.includes(KFUNC_ID.bpf_throw);
      const l = lowerProgram(target, cpu, { exceptionBoundary: boundary, throwParameters: opts.throwParameters });
      return { lowered: l, table: buildOpTable(l, cpu) };
    });
    return model;
  });
}
