// CPU models as the charts lay them out: x86-64 models apart from arm64 ones (a reader
// compares Zen with Skylake, Neoverse with Neoverse), each group in the suite's order,
// and the return thunk a model ran with named under its name, where a header has room
// for two short lines and not one long one.
import { CPU_MODELS, cpuModelById } from '../engine/cpus/index.ts';

export interface CpuGroup {
  /** 'x86-64', 'arm64', or 'other' for a model the suite does not know. */
  isa: string;
  models: string[];
}

const suiteOrder = (id: string): number => {
  const i = CPU_MODELS.findIndex((m) => m.id === id);
  return i < 0 ? CPU_MODELS.length : i;
};

export function compareCpuModels(a: string, b: string): number {
  return suiteOrder(a) - suiteOrder(b) || (a < b ? -1 : a > b ? 1 : 0);
}

/** The models present, grouped by ISA (x86-64 first), in the suite's order; empty groups
 * left out. */
export function cpuGroups(models: Iterable<string>): CpuGroup[] {
  const present = [...new Set(models)].sort(compareCpuModels);
  const isaOf = (id: string) => cpuModelById(id)?.isa ?? 'other';
  return ['x86-64', 'arm64', 'other'].map((isa) => ({ isa, models: present.filter((m) => isaOf(m) === isa) })).filter((g) => g.models.length > 0);
}

/** Header lines of a model: its name, and the return thunk it ran with when not plain. */
export function cpuModelLines(cpuModel: string, returnThunk: unknown): string[] {
  return typeof returnThunk === 'string' && returnThunk !== 'none' ? [cpuModel, `(${returnThunk} thunk)`] : [cpuModel];
}
