// Which speculation mitigations the modelled kernel runs with. A return thunk is a
// property of the kernel's configuration on a CPU, not of the core: Linux patches every
// JITed return into `jmp __x86_return_thunk` on Zen 3/4 (SRSO safe-RET) and on Ice Lake
// (ITS), and leaves plain `ret` with `mitigations=off`. `default` models what a default
// kernel does on the CPU; `off` models the same core booted with `mitigations=off`, so a
// reader can compare cores like with like.

import { BpfError } from '../errors.ts';
import type { CpuModel } from './cpu-model.ts';

export type Mitigations = 'default' | 'off';
const MITIGATIONS: readonly Mitigations[] = ['default', 'off'];

export function parseMitigations(text: string | undefined): Mitigations {
  if (text === undefined) return 'default';
  if (!(MITIGATIONS as readonly string[]).includes(text)) {
    throw new BpfError('usage', `--mitigations must be one of ${MITIGATIONS.join(', ')}, not '${text}'`);
  }
  return text as Mitigations;
}

/** The model as it runs under `m`: with `off`, no return thunk whatever the default. */
export function withMitigations(cpu: CpuModel, m: Mitigations): CpuModel {
  if (m === 'default' || !cpu.returnThunk.appliesByDefault) return cpu;
  return { ...cpu, returnThunk: { ...cpu.returnThunk, appliesByDefault: false, name: undefined } };
}

/** What run records carry as `returnThunk`: the thunk the model put on every return, or
 * 'none'. */
export function returnThunkLabel(cpu: CpuModel): string {
  return cpu.returnThunk.appliesByDefault ? (cpu.returnThunk.name ?? 'return thunk') : 'none';
}

/** One line naming the kernel-configuration assumption behind a model's figures, for
 * outputs that show it; undefined when returns are plain. */
export function returnThunkNote(cpuModel: string, returnThunk: string | undefined): string | undefined {
  if (returnThunk === undefined || returnThunk === 'none') return undefined;
  return `${cpuModel}: every return goes through the ${returnThunk} return thunk, as a default kernel on that CPU does (--mitigations off models the core without it)`;
}

/** A model's name with the return thunk it ran with, for chart labels: `zen3 (SRSO
 * safe-RET thunk)`. */
export function cpuModelLabel(cpuModel: string, returnThunk: unknown): string {
  return typeof returnThunk === 'string' && returnThunk !== 'none' ? `${cpuModel} (${returnThunk} thunk)` : cpuModel;
}
