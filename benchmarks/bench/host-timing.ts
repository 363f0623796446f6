// How fast the simulator itself runs on this host: wall-clock ns per simulated BPF
// instruction, measured with tinybench for a few representative cases. These are host
// figures (they depend on the machine, its load and Node), reported apart from the
// model cycles and left out when two result documents are compared.
import { Bench } from 'tinybench';
import { helpersFor } from '../../engine/experiment/measure.ts';
import { rewriteFor } from '../../engine/strategy-run.ts';
import { resolveSites } from '../../engine/experiment/index.ts';
import { cpuModelById } from '../../engine/cpus/index.ts';
import { DEFAULT_TIER, instantiate, loadProgram, type ExecutionTier, type ProgramInstance } from '../../engine/exec/index.ts';
import { createTimingModel } from '../../engine/timing/model.ts';
import type { WorkloadRef } from './matrix.ts';
import { resolveWorkload } from './workloads.ts';

export interface HostTimingCase {
  name: string;
  workload: string;
  strategy: string;
  /** Timing model attached, or the executor alone. */
  timed: boolean;
  cpuModel?: string;
  invocationsPerSample: number;
  insnsPerSample: number;
  samples: number;
  /** Wall-clock ns per executed BPF instruction. moe: half-width of the 95% interval of
   * the mean; rme: moe as a percentage of the mean. */
  nsPerInsn: { p50: number; p99: number; mean: number; moe: number; rme: number };
}

export interface HostTimings {
  /** Wall-clock seconds of the whole bench run, and the workers it used. */
  wallSeconds?: number;
  workers?: number;
  /** The executor the cases ran on (the same as the tasks'): host speed depends on it. */
  tier?: ExecutionTier;
  cases: HostTimingCase[];
}

interface CaseDef {
  name: string;
  workload: WorkloadRef;
  strategy: string;
  cpuModel?: string;
  invocationsPerSample: number;
}

export const HOST_TIMING_CASES: readonly CaseDef[] = [
  { name: 'xdp-parse, no timing model', workload: { kind: 'catalog', name: 'xdp-parse' }, strategy: 'none', invocationsPerSample: 500 },
  { name: 'xdp-parse, none, zen5', workload: { kind: 'catalog', name: 'xdp-parse' }, strategy: 'none', cpuModel: 'zen5', invocationsPerSample: 100 },
  { name: 'deep-assert, call, zen5', workload: { kind: 'catalog', name: 'deep-assert' }, strategy: 'call', cpuModel: 'zen5', invocationsPerSample: 100 },
  { name: 'call-density-16, stack, zen5', workload: { kind: 'call-density', nominalCallsPer100Insns: 16 }, strategy: 'stack', cpuModel: 'zen5', invocationsPerSample: 20 },
];

function prepare(def: CaseDef, tier: ExecutionTier): { sample: () => number; insnsPerSample: number } {
  const w = resolveWorkload(def.workload);
  const helpers = helpersFor(w.helperSet);
  const rewrite = rewriteFor(w.program, def.strategy, resolveSites({ sites: 'auto', program: w.program }), helpers);
  const loaded = loadProgram(rewrite.program, { helpers });
  const instance: ProgramInstance = instantiate(loaded, { seed: 1, helpers, tier });
  const cpu = def.cpuModel ? cpuModelById(def.cpuModel) : undefined;
  const model = cpu ? createTimingModel('ooo', cpu, loaded, { exceptionBoundary: rewrite.exceptionBoundary }) : undefined;
  const sample = (): number => {
    let insns = 0;
    for (let i = 0; i < def.invocationsPerSample; i++) {
      model?.startInvocation();
      insns += instance.run({ ctx: w.ctx, observer: model, keepContext: false }).insnsExecuted;
      model?.endInvocation();
    }
    return insns;
  };
  sample(); // first invocations fill maps (a new flow in xdp-parse): not representative
  return { sample, insnsPerSample: sample() };
}

/** `timeMs`: how long to sample each case; `tier`: the executor to time. */
export async function measureHostTimings(timeMs: number, signal?: AbortSignal, tier: ExecutionTier = DEFAULT_TIER): Promise<HostTimingCase[]> {
  const out: HostTimingCase[] = [];
  for (const def of HOST_TIMING_CASES) {
    if (signal?.aborted) break;
    const { sample, insnsPerSample } = prepare(def, tier);
    const bench = new Bench({ time: timeMs, warmupTime: Math.min(100, timeMs / 4), iterations: 10, signal });
    bench.add(def.name, sample);
    await bench.run();
    const r = bench.tasks[0].result;
    if (!('latency' in r)) break; // aborted
    const ns = (ms: number): number => (ms * 1e6) / insnsPerSample;
    const l = r.latency;
    out.push({
      name: def.name,
      workload: def.workload.kind === 'catalog' ? def.workload.name : `call-density-${def.workload.nominalCallsPer100Insns}`,
      strategy: def.strategy,
      timed: def.cpuModel !== undefined,
      cpuModel: def.cpuModel,
      invocationsPerSample: def.invocationsPerSample,
      insnsPerSample,
      samples: l.samplesCount,
      nsPerInsn: { p50: ns(l.p50), p99: ns(l.p99), mean: ns(l.mean), moe: ns(l.moe), rme: l.rme },
    });
  }
  return out;
}
