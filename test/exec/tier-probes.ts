// Probes the tier tests attach to both tiers' runs: the timing models (cycle totals and
// per-slot cycles must be identical), per-slot execution and call counts (what the
// experiment's call-site counts are made of) and the full observer event stream.

import { cpuModelById } from '../../engine/cpus/index.ts';
import type { CpuModel } from '../../engine/cpus/cpu-model.ts';
import type { LoadedProgram } from '../../engine/exec/decoded.ts';
import type { Memory } from '../../engine/exec/memory.ts';
import { TraceRecorder, type CallKind, type ExecObserver, type ExecutionTier } from '../../engine/exec/index.ts';
import { createSharedCaches, type SharedCaches } from '../../engine/timing/cache.ts';
import { createTimingModel, type TimingModelKind } from '../../engine/timing/model.ts';
import type { TierProbe } from './tier-compare.ts';

export const zen5 = cpuModelById('zen5') as CpuModel;
export const neoverseV2 = cpuModelById('neoverse-v2') as CpuModel;

/** `caches`: a last-level cache kept across programs (building a large one per program
 * costs more than running a small program). */
export function timingProbe(kind: TimingModelKind, cpu: CpuModel, loaded: LoadedProgram, exceptionBoundary = false, caches?: SharedCaches): TierProbe {
  const m = createTimingModel(kind, cpu, loaded, { exceptionBoundary, caches });
  return {
    observer: m,
    startInvocation: () => m.startInvocation(),
    endInvocation: () => m.endInvocation(),
    snapshot: () => {
      const s = m.stats();
      return { totalCycles: m.totalCycles(), cyclesByPc: m.cyclesByPc(), stats: [s.ops, s.branchMispredicts, s.returnMispredicts, s.l1dMisses, s.l1iMisses] };
    },
  };
}

/** ooo and additive on zen5 and on an arm64 model. */
export const TIMING_SETUPS: readonly { name: string; kind: TimingModelKind; cpu: CpuModel }[] = (['ooo', 'additive'] as const).flatMap((kind) =>
  [zen5, neoverseV2].map((cpu) => ({ name: `${kind}/${cpu.id}`, kind, cpu })),
);

/** All four; the out-of-order ones on the tier's kept LLC when `llc` is given. */
export function allTimingProbes(loaded: LoadedProgram, exceptionBoundary = false, kept?: { tier: ExecutionTier; llc: LlcPerTier }): Record<string, TierProbe> {
  const out: Record<string, TierProbe> = {};
  for (const s of TIMING_SETUPS) out[s.name] = timingProbe(s.kind, s.cpu, loaded, exceptionBoundary, kept && s.kind === 'ooo' ? kept.llc.get(kept.tier, s.cpu) : undefined);
  return out;
}

/** One last-level cache per tier and CPU model, reused by every program a test runs: the
 * tiers' caches stay in lockstep as long as every run before was identical. */
export class LlcPerTier {
  private readonly byKey = new Map<string, SharedCaches>();
  get(tier: ExecutionTier, cpu: CpuModel): SharedCaches {
    const k = `${tier} ${cpu.id}`;
    let c = this.byKey.get(k);
    if (!c) this.byKey.set(k, (c = createSharedCaches(cpu)));
    return c;
  }
}

/** The i-th of TIMING_SETUPS (programs take turns), on the tier's kept LLC. */
export function rotatingTimingProbe(i: number, loaded: LoadedProgram, tier: ExecutionTier, llc: LlcPerTier, exceptionBoundary = false): Record<string, TierProbe> {
  const s = TIMING_SETUPS[i % TIMING_SETUPS.length];
  return { [s.name]: timingProbe(s.kind, s.cpu, loaded, exceptionBoundary, s.kind === 'ooo' ? llc.get(tier, s.cpu) : undefined) };
}

/** Executions per slot, and calls / exits / unwinds per slot and kind. */
class ExecutionCounts implements ExecObserver {
  readonly insns: Float64Array;
  readonly events = new Map<string, number>();
  constructor(slots: number) {
    this.insns = new Float64Array(slots);
  }
  private bump(k: string): void {
    this.events.set(k, (this.events.get(k) ?? 0) + 1);
  }
  insn(pc: number): void {
    this.insns[pc]++;
  }
  call(pc: number, kind: CallKind, target: number): void {
    this.bump(`call ${pc} ${kind} ${target}`);
  }
  exit(pc: number, depth: number): void {
    this.bump(`exit ${pc} ${depth}`);
  }
  unwind(pc: number, frames: number): void {
    this.bump(`unwind ${pc} ${frames}`);
  }
}

export function countsProbe(loaded: LoadedProgram): TierProbe {
  const c = new ExecutionCounts(loaded.program.insns.length / 8);
  return {
    observer: c,
    snapshot: () => ({ insnsByPc: c.insns, events: [...c.events].map(([k, n]) => `${k} x${n}`).sort() }),
  };
}

/** The 8 bytes of simulated memory at each load's, store's and atomic's offset when its
 * insn event arrives: an observer may read memory there (the multi-CPU machine's
 * coherence trace does), so it must hold what it holds under the interpreter. */
export function memoryAtEventsProbe(mem: Memory): TierProbe {
  const seen: string[] = [];
  const observer: ExecObserver = {
    insn(pc: number, memOffset: number): void {
      if (memOffset >= 0) seen.push(`${pc} ${Buffer.from(mem.bytes.subarray(memOffset, memOffset + 8)).toString('hex')}`);
    },
    call(): void {},
    exit(): void {},
  };
  return { observer, snapshot: () => ({ memoryAtEvents: seen }) };
}

export function traceProbe(): TierProbe {
  const t = new TraceRecorder();
  return { observer: t, snapshot: () => ({ events: t.events }) };
}
