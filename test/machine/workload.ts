// The catalog's workloads as the machine takes them (the CLI resolves them the same way).
import { workloadByName } from '../../engine/cli/workload-catalog.ts';
import { readProgramInput } from '../../engine/inputs/program-input.ts';
import type { MachineWorkload } from '../../engine/machine/index.ts';

export function workload(name: string): MachineWorkload {
  const w = workloadByName(name);
  if (!w) throw new Error(`no workload ${name}`);
  const input = readProgramInput(w.file, { section: w.section, ctx: w.context });
  return { name, program: input.program, ctx: input.ctx, throwKnob: w.throwKnob };
}
