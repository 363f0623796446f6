// The one interface every timing model presents: an ExecObserver that turns the executed
// instruction stream into cycles on a named CPU model, with per-slot attribution. Built by
// createTimingModel (engine/timing/model.ts); the models import only this file.

import type { CpuModel } from '../cpus/cpu-model.ts';
import type { ExecObserver } from '../exec/observer.ts';
import type { SharedCaches } from './cache.ts';
import type { LoweredProgram, UnmeasuredCost } from './program-lowering.ts';
import type { ThrowCostParameters } from './throw-cost.ts';

export type TimingModelKind = 'ooo' | 'additive';

/** Event counts since the last reset, for reports and tests. */
export interface TimingStats {
  /** Machine ops replayed. */
  ops: number;
  branchMispredicts: number;
  returnMispredicts: number;
  l1dMisses: number;
  l1iMisses: number;
  /** Code windows fetched through the decoders because the op cache did not hold them
   * (0 for a model without a front end). */
  decodedWindows: number;
}

/** What the out-of-order model's invocation memo did since it was created. */
export interface MemoStats {
  /** Invocations started. */
  invocations: number;
  /** Segments started: every invocation, and every cut inside a long one (the memo's
   * unit; hits, misses, unmemoisable and rested count segments). */
  segments: number;
  /** Cuts inside invocations. */
  cuts: number;
  /** Segments applied from the memo instead of stepped. */
  hits: number;
  /** Segments stepped (and recorded where they could be). */
  misses: number;
  /** Entries held, and their estimated bytes. */
  entries: number;
  bytes: number;
  /** Entries dropped to stay within the byte budget. */
  evictions: number;
  /** Misses where a stored start state matched but the events went another way. */
  divergences: number;
  /** Misses where start state and events matched but the functional state read differed. */
  readSetRejections: number;
  /** Segments whose state could not be put in canonical form (stepped, not recorded). */
  unmemoisable: number;
  /** Segments stepped without a look-up because many misses in a row had made the memo
   * rest (a program whose segments never repeat). */
  rested: number;
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
  /** Back to a cold machine: caches, predictors, clocks and counters (a memo keeps its
   * entries: they are keyed on the state they start from). */
  reset(): void;
  /** The invocation memo's counters; undefined when the model runs unmemoised. */
  memoStats?(): MemoStats | undefined;
}

export interface TimingModelOptions {
  /** prog->aux->exception_boundary: the main program saves all callee-saved registers. */
  exceptionBoundary?: boolean;
  /** The same for tail-call targets by program name (default: the verifier's rule, a
   * program that calls bpf_throw is one). */
  targetExceptionBoundaries?: ReadonlyMap<string, boolean>;
  /** Kernel configuration bpf_throw's stack walk is costed under (engine/timing/throw-cost.ts;
   * default: a distro kernel's). */
  throwParameters?: ThrowCostParameters;
  /** A last-level cache shared with other simulated CPUs (default: a private one). */
  caches?: SharedCaches;
  /** Memoise whole invocations of the 'ooo' model (default true; ignored by 'additive').
   * Results are identical either way; off runs the plain model, for checking. A model
   * with shared caches always runs unmemoised (other CPUs touch the LLC between its
   * events, and the machine reads its clock mid-invocation). */
  memo?: boolean;
  /** The program as lowerProgram lowers it with these options for this CPU model, when
   * the caller has it already (the machine lowers once per strategy for its cores and
   * its code size). */
  lowered?: LoweredProgram;
}
