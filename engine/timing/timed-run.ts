// Runs a program instance n times with a timing model attached and reports steady-state
// cycles: the first invocation warms caches and predictors and is reported apart.

import type { ProgramInstance, RunOptions } from '../exec/instance.ts';
import type { TimingModel } from './timing-model.ts';

export interface TimedRuns {
  /** Mean cycles per invocation over invocations 2..n (n = 1: the only one). */
  cyclesPerInvocation: number;
  /** Cycles of the first (cold) invocation. */
  firstInvocationCycles: number;
  /** Mean cycles per slot per steady-state invocation; sums to cyclesPerInvocation. */
  byPc: Float64Array;
  /** r0 of every invocation. */
  r0s: bigint[];
  /** BPF instructions executed per invocation (last run). */
  insnsPerInvocation: number;
}

export function timeInvocations(instance: ProgramInstance, model: TimingModel, runOpts: Omit<RunOptions, 'observer'>, n: number): TimedRuns {
  if (!(n >= 1)) throw new RangeError(`invocations must be >= 1, is ${n}`);
  const r0s: bigint[] = [];
  let insns = 0;
  const base = model.totalCycles();
  let afterFirst = base;
  let firstByPc: Float64Array = model.cyclesByPc();
  for (let i = 0; i < n; i++) {
    model.startInvocation();
    const res = instance.run({ ...runOpts, observer: model });
    model.endInvocation();
    r0s.push(res.r0);
    insns = res.insnsExecuted;
    if (i === 0) {
      afterFirst = model.totalCycles();
      if (n > 1) firstByPc = model.cyclesByPc();
    }
  }
  const steady = n > 1 ? n - 1 : 1;
  const total = model.totalCycles() - (n > 1 ? afterFirst : base);
  const byPc = model.cyclesByPc();
  for (let i = 0; i < byPc.length; i++) byPc[i] = (byPc[i] - firstByPc[i]) / steady;
  return { cyclesPerInvocation: total / steady, firstInvocationCycles: afterFirst - base, byPc, r0s, insnsPerInvocation: insns };
}
