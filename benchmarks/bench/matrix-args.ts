// The matrix options the bench drivers share (--workload, --cpus): each mistake is one
// BpfError naming the option and what it accepts.
import { BpfError } from '../../engine/errors.ts';
import { intOption } from '../../engine/inputs/options.ts';
import { benchCatalog } from '../workloads/catalog.ts';
import { CPU_COUNTS } from './matrix.ts';

/** Built-in workload names, or undefined for all of them. */
export function parseWorkloads(text: string | undefined): string[] | undefined {
  if (text === undefined || text === 'all') return undefined;
  const known = benchCatalog().map((w) => w.name);
  const names = text.split(',').map((s) => s.trim());
  for (const n of names) if (!known.includes(n)) throw new BpfError('usage', `--workload: unknown workload '${n}' (known: ${known.join(', ')}, or all)`);
  return names;
}

export function parseCpuCounts(text: string | undefined): number[] {
  if (text === undefined) return [...CPU_COUNTS];
  const counts = [...new Set(text.split(',').map((c) => intOption('cpus', c.trim(), 1, 1)))].sort((a, b) => a - b);
  if (counts.some((c) => c > 64)) throw new BpfError('usage', `--cpus ${text}: the machine simulates 1..64 CPUs`);
  return counts;
}
