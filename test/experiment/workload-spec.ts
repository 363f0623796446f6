// An ExperimentSpec for a built-in workload on zen5, every strategy, no throws: what the
// experiment tests start from and override.
import assert from 'node:assert/strict';
import { readProgramInput, type ProgramInput } from '../../engine/inputs/program-input.ts';
import { workloadByName } from '../../engine/cli/workload-catalog.ts';
import type { ExperimentSpec } from '../../engine/experiment/index.ts';
import { STRATEGY_NAMES } from '../../engine/strategies/index.ts';

export function workloadSpec(name: string, over: Partial<ExperimentSpec> = {}): ExperimentSpec {
  const w = workloadByName(name);
  assert.ok(w, `workload ${name} is in the catalog`);
  return inputSpec(readProgramInput(w.file, { section: w.section, ctx: w.context }), name, { throwKnob: w.throwKnob, ...over });
}

/** The same for any program read as `bpfexc run` reads it. */
export function inputSpec(input: ProgramInput, name: string, over: Partial<ExperimentSpec> = {}): ExperimentSpec {
  return {
    program: input.program,
    ctx: input.ctx,
    helperSet: input.helperSet,
    workloadName: name,
    strategies: STRATEGY_NAMES,
    cpuModels: ['zen5'],
    cpus: 1,
    invocations: 40,
    seed: 1,
    throwRate: 0,
    sites: 'auto',
    model: 'ooo',
    ...over,
  };
}
