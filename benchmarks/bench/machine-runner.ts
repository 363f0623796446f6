// CPU counts above 1 run on the multi-CPU machine (engine/machine, `runMachine`). It is
// imported statically: a dynamic import() of a .ts file fails inside piscina's worker
// threads (tsx's loader does not see it there).
//
// runMachine reports per strategy: cycles, correctness and the machine's own figures. It
// does not report r0, the instructions executed or per-call-site overheads, so records
// from it carry r0 "n/a", insns.executed 0 and no callSites, and say so in
// `machine.unmeasured` (never a made-up value).
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { cpuModelById } from '../../engine/cpus/index.ts';
import type { ExperimentSpec } from '../../engine/experiment/index.ts';
import type { RunRecord } from '../../engine/results/document.ts';
import { buildCallGraph } from '../../engine/strategies/call-graph.ts';
import { defaultRewriteEnv, strategyByName } from '../../engine/strategies/index.ts';
import * as machine from '../../engine/machine/index.ts';

const MACHINE_INDEX = new URL('../../engine/machine/index.ts', import.meta.url);

export const MACHINE_NOTICE = 'bench: multi-CPU runs (cpus 2, 4, 8) need engine/machine (runMachine), which is not there yet: running cpus = 1 only';
export const UNMEASURED_ON_MACHINE = ['r0', 'insns.executed', 'callSites'];

export function machineAvailable(): boolean {
  return existsSync(fileURLToPath(MACHINE_INDEX));
}

interface MachineStrategyResult {
  strategy: string;
  cycles: { perInvocation: number; coherencePerInvocation: number; baselinePerInvocation?: number; overheadPerInvocation?: number };
  correctness: RunRecord['correctness'];
  invocationsByLevel: number[];
  nestedInvocations: number;
  coherenceTransfers: number;
  failuresTotal: number;
}
interface MachineModule {
  parseScenario(doc: unknown, file?: string): { invocations: number; cpus: number; throwRate: number; resetPolicy?: string };
  runMachine(scenario: unknown, opts: unknown): { runs: MachineStrategyResult[] };
}

export function runOnMachine(spec: ExperimentSpec): RunRecord[] {
  const mod = machine as unknown as Partial<MachineModule>;
  if (typeof mod.runMachine !== 'function' || typeof mod.parseScenario !== 'function') {
    throw new Error('engine/machine/index.ts does not export runMachine(scenario, options) and parseScenario(doc)');
  }
  const cpu = cpuModelById(spec.cpuModels[0]);
  if (!cpu || spec.cpuModels.length !== 1) throw new Error('runOnMachine takes exactly one known CPU model');
  const strategies = spec.strategies.includes('none') ? spec.strategies : ['none', ...spec.strategies];
  const scenario = mod.parseScenario({ name: `bench ${spec.workloadName} on ${spec.cpus} CPUs`, program: spec.workloadName, cpus: spec.cpus, invocations: spec.invocations, throwRate: spec.throwRate });
  const result = mod.runMachine(scenario, {
    strategies,
    cpuModel: cpu,
    seed: spec.seed,
    workload: { name: spec.workloadName, program: spec.program, ctx: spec.ctx, throwKnob: spec.throwKnob },
  });
  const sites = buildCallGraph(spec.program).calls.some((c) => c.isThrow) ? 'may-throw' : 'all-calls';
  const original = spec.program.insns.length / 8;
  return result.runs
    .filter((r) => spec.strategies.includes(r.strategy))
    .map((r): RunRecord => {
      const rewritten = strategyByName(r.strategy)!.rewrite(spec.program, defaultRewriteEnv({ sites })).program.insns.length / 8;
      const base = r.cycles.baselinePerInvocation ?? r.cycles.perInvocation;
      return {
        workload: spec.workloadName,
        strategy: r.strategy,
        cpuModel: cpu.id,
        cpus: spec.cpus,
        invocations: scenario.invocations,
        seed: spec.seed,
        throwRate: spec.throwRate,
        r0: 'n/a',
        cycles: { perInvocation: r.cycles.perInvocation, baselinePerInvocation: base, overheadPerInvocation: r.cycles.perInvocation - base },
        callSites: [],
        correctness: r.correctness,
        insns: { original, rewritten, executed: 0 },
        timingModel: 'ooo',
        sites,
        machine: {
          coherencePerInvocation: r.cycles.coherencePerInvocation,
          coherenceTransfers: r.coherenceTransfers,
          invocationsByLevel: r.invocationsByLevel,
          nestedInvocations: r.nestedInvocations,
          failuresTotal: r.failuresTotal,
          unmeasured: UNMEASURED_ON_MACHINE,
        },
      };
    });
}
