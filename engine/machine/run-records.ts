// A machine result as run records of the result document (bpfexc/result@2), so a
// multi-CPU run goes through the same JSON, CSV, markdown and report paths as a
// single-CPU one. One record per strategy asked for (`none` ran anyway, as the baseline).
// What only the machine has goes in `machine`: the scenario's knobs, the coherence
// figures, invocations per context level, and the first failure traces.
import type { RunRecord } from '../results/document.ts';
import type { CycleParts, FailureTrace, MachineResult, MachineStrategyResult } from './run-machine.ts';

export interface MachineRecordSpec {
  /** Strategies to report, in this order (default: every one that ran). */
  strategies?: readonly string[];
  /** Failure traces kept per record (default 3). */
  traces?: number;
  /** Extra fields copied into every record (e.g. a sweep's `params`). */
  extra?: Record<string, unknown>;
}

export interface MachineRecordDetails {
  scenario: string;
  resetPolicy: 'always' | 'if-set';
  invocationRate: number;
  sliceInsns: number;
  perInvocationByCpu: number[];
  coherencePerInvocation: number;
  exceptionStateCoherencePerInvocation: number;
  /** perInvocation by cause, and the overhead by cause (see CycleParts). */
  parts: CycleParts;
  overheadParts: CycleParts | null;
  coherenceTransfers: number;
  entryPerInvocation: number;
  invocationsRun: number;
  invocationsByLevel: number[];
  nestedInvocations: number;
  firstTaskInvocation: number;
  historyDependent: number;
  failuresTotal: number;
  failures: FailureTrace[];
  baselineError?: string;
}

export interface MachineRunRecord extends RunRecord {
  timingModel: 'ooo';
  /** The return thunk the model put on every return ('none': plain ret). */
  returnThunk: string;
  sites: 'may-throw' | 'all-calls';
  machine: MachineRecordDetails;
}

export function machineRunRecord(result: MachineResult, r: MachineStrategyResult, spec: MachineRecordSpec = {}): MachineRunRecord {
  const s = result.scenario;
  // No baseline (see MachineResult.baselineError): NaN, written as null, never 0.
  const base = r.cycles.baselinePerInvocation ?? NaN;
  return {
    workload: result.workload,
    strategy: r.strategy,
    cpuModel: result.cpuModel,
    cpus: s.cpus,
    invocations: s.invocations,
    seed: result.seed,
    throwRate: s.throwRate,
    r0: r.r0,
    cycles: { perInvocation: r.cycles.perInvocation, baselinePerInvocation: base, overheadPerInvocation: r.cycles.overheadPerInvocation ?? NaN },
    callSites: r.callSites.map((c) => ({ ...c })),
    correctness: { ...r.correctness },
    insns: { ...r.insns },
    codeBytes: { ...r.codeBytes },
    timingModel: 'ooo',
    returnThunk: result.returnThunk,
    sites: r.sites,
    ...spec.extra,
    machine: {
      scenario: s.name,
      resetPolicy: s.resetPolicy,
      invocationRate: s.invocationRate,
      sliceInsns: s.sliceInsns,
      perInvocationByCpu: [...r.cycles.perInvocationByCpu],
      coherencePerInvocation: r.cycles.coherencePerInvocation,
      exceptionStateCoherencePerInvocation: r.cycles.exceptionStateCoherencePerInvocation,
      parts: { ...r.cycles.parts },
      overheadParts: r.cycles.overheadParts ? { ...r.cycles.overheadParts } : null,
      coherenceTransfers: r.coherenceTransfers,
      entryPerInvocation: r.entryPerInvocation,
      invocationsRun: r.invocationsRun,
      invocationsByLevel: [...r.invocationsByLevel],
      nestedInvocations: r.nestedInvocations,
      firstTaskInvocation: r.firstTaskInvocation,
      historyDependent: r.historyDependent,
      failuresTotal: r.failuresTotal,
      failures: r.failures.slice(0, spec.traces ?? 3),
      ...(result.baselineError ? { baselineError: result.baselineError } : {}),
    },
  };
}

/** The records of every strategy asked for (in the order asked), from one machine run. */
export function machineRunRecords(result: MachineResult, spec: MachineRecordSpec = {}): MachineRunRecord[] {
  const names = spec.strategies ?? result.runs.map((r) => r.strategy);
  return names.map((name) => {
    const r = result.runs.find((x) => x.strategy === name);
    if (!r) throw new Error(`machine result has no run of strategy '${name}'`);
    return machineRunRecord(result, r, spec);
  });
}
