// Per-site cost of each strategy's check on an arm64 CPU model, ours against llvm-mca's,
// on the same instruction stream: a main program with N helper call sites (the
// calibration base program), rewritten by the strategy, run once on the executor; the
// ops that run is what the timing model replays and what llvm-mca schedules. Both sides
// are reduced alike: (cycles of the rewritten program − cycles of the original) / N, so
// entry sequences count amortised over N sites on both sides.
//
// What llvm-mca cannot see, and so where its figure is a bound rather than the truth:
// it has no front end (no fetch redirect on a taken branch, call or return), no return
// stack and no caches (every load hits at the model's load latency), and it overlaps
// consecutive iterations of the block as if the whole run were one loop body.

import { baseProgram } from '../../engine/calibrate/programs.ts';
import type { CpuModel } from '../../engine/cpus/cpu-model.ts';
import { instantiate, loadProgram } from '../../engine/exec/index.ts';
import type { Program } from '../../engine/program.ts';
import { defaultRewriteEnv, strategyByName } from '../../engine/strategies/index.ts';
import { createTimingModel } from '../../engine/timing/model.ts';
import { a64Block, OpTrace } from './op-trace.ts';
import { runMca } from './run-mca.ts';

export const CHECKED_STRATEGIES = ['call', 'stack', 'aux', 'percpu'] as const;
export type CheckedStrategy = (typeof CHECKED_STRATEGIES)[number];

/** Sites per program: enough that the entry sequences weigh little per site. */
export const SITES = 32;
/** llvm-mca iterations of the whole run. */
const MCA_ITERATIONS = 20;
const PACKET = new Uint8Array(64);
/** llvm-mca otherwise charges a call 100 cycles of latency ("call instructions are not
 * correctly modeled") on the link register the callee's `ret` reads; 1 is BL's latency
 * in the N1 and V2 models, and in ours. llvm-mca 14 has no such option (takesCallLatency). */
export const CALL_LATENCY = '--call-latency=1';

export interface SiteProgram {
  program: Program;
  exceptionBoundary: boolean;
}

export function siteProgram(strategy: CheckedStrategy | 'none', n = SITES): SiteProgram {
  const base = baseProgram('helper', n);
  if (strategy === 'none') return { program: base, exceptionBoundary: false };
  const s = strategyByName(strategy);
  if (!s) throw new Error(`no strategy ${strategy}`);
  const rw = s.rewrite(base, defaultRewriteEnv({ sites: 'all-calls' }));
  return { program: rw.program, exceptionBoundary: rw.exceptionBoundary };
}

/** The timing model's cycles per run, steady state (three warm runs, five counted). */
export function modelCyclesPerRun(p: SiteProgram, cpu: CpuModel): number {
  const loaded = loadProgram(p.program);
  const inst = instantiate(loaded);
  const model = createTimingModel('ooo', cpu, loaded, { exceptionBoundary: p.exceptionBoundary });
  const once = (): void => {
    model.startInvocation();
    inst.run({ ctx: PACKET, observer: model });
    model.endInvocation();
  };
  for (let i = 0; i < 3; i++) once();
  const before = model.totalCycles();
  for (let i = 0; i < 5; i++) once();
  return (model.totalCycles() - before) / 5;
}

/** The assembly of one run of the program on this CPU's ISA (arm64 only). */
export function runAsm(p: SiteProgram, cpu: CpuModel): string {
  if (cpu.isa !== 'arm64') throw new Error('runAsm: arm64 CPU models only');
  const loaded = loadProgram(p.program);
  const trace = new OpTrace(loaded, cpu, p.exceptionBoundary);
  instantiate(loaded).run({ ctx: PACKET, observer: trace });
  return a64Block(trace.ops);
}

/** llvm-mca's cycles per run of the program, or null when it rejects the block. */
export function mcaCyclesPerRun(mca: string, p: SiteProgram, cpu: CpuModel, mcpu: string): number | null {
  const r = runMca(mca, runAsm(p, cpu), mcpu, 'aarch64', MCA_ITERATIONS, [CALL_LATENCY]);
  if (r && !(r.totalCycles > 0)) throw new Error(`llvm-mca printed no cycle count for the ${cpu.id} block`);
  return r ? r.totalCycles / r.iterations : null;
}

export interface SiteRow {
  cpu: string;
  strategy: CheckedStrategy;
  mcpu: string;
  ours: number;
  mca: number;
  /** ours − mca, cycles per site. */
  diff: number;
  within: boolean;
  explanation: string;
}

/** What each strategy's site runs and what llvm-mca leaves out of it, printed beside the
 * figures whatever their difference. */
export const SITE_EXPLANATIONS: Record<CheckedStrategy, string> = {
  call: 'a bound, not the truth: llvm-mca has no return stack and no front end, so the bl/ret into bpf_get_exception cost it only branch-pipe slots, never a fetch redirect',
  stack: 'ldr pointer from the stack slot, ldrb flag, cmp, b.eq; both sides price two L1 loads; llvm-mca has no front end for the branch',
  aux: 'movz + 2 movk of the flag address, ldrb, cmp, b.eq; llvm-mca has no front end for the branch',
  percpu: 'movz, mrs tpidr_el1, add, ldrb, cmp, b.eq; LLVM has no figure for mrs (default 1 cycle, no pipe) where ours assumes 2 on M: off the critical path here',
};

export const SITE_TOLERANCE = 1;

export function checkSites(mca: string, cpu: CpuModel, mcpu: string, strategies: readonly CheckedStrategy[] = CHECKED_STRATEGIES): SiteRow[] {
  const none = siteProgram('none');
  const oursNone = modelCyclesPerRun(none, cpu);
  const mcaNone = mcaCyclesPerRun(mca, none, cpu, mcpu);
  if (mcaNone === null) throw new Error(`llvm-mca rejected the ${cpu.id} baseline block`);
  return strategies.map((strategy) => {
    const p = siteProgram(strategy);
    const ours = (modelCyclesPerRun(p, cpu) - oursNone) / SITES;
    const m = mcaCyclesPerRun(mca, p, cpu, mcpu);
    if (m === null) throw new Error(`llvm-mca rejected the ${cpu.id} ${strategy} block`);
    const theirs = (m - mcaNone) / SITES;
    const diff = ours - theirs;
    return { cpu: cpu.id, strategy, mcpu, ours, mca: theirs, diff, within: Math.abs(diff) <= SITE_TOLERANCE, explanation: SITE_EXPLANATIONS[strategy] };
  });
}
