// Runs the built microbenchmark binary and reads its per-sample results.
import { execFileSync } from 'node:child_process';

/** One kernel's samples; index i of every array is sample (round) i. */
export interface KernelSamples {
  name: string;
  /** Cycles per operation, by the clock ruler of the same sample. */
  cycles: number[];
  /** Nanoseconds per operation. */
  ns: number[];
  /** Core clock the ruler saw, GHz. */
  ghz: number[];
}

export interface Spread {
  median: number;
  min: number;
  max: number;
  n: number;
}

export function median(values: readonly number[]): number {
  const s = [...values].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

export function spread(values: readonly number[]): Spread {
  if (values.length === 0) throw new Error('spread of no samples');
  return { median: median(values), min: Math.min(...values), max: Math.max(...values), n: values.length };
}

export function parseKernelLines(stdout: string): Map<string, KernelSamples> {
  const out = new Map<string, KernelSamples>();
  for (const line of stdout.split('\n')) {
    if (line.trim() === '') continue;
    const r = JSON.parse(line) as Partial<KernelSamples> & { name: string };
    out.set(r.name, { name: r.name, cycles: r.cycles ?? [], ns: r.ns ?? [], ghz: r.ghz ?? [] });
  }
  return out;
}

export interface RunOptions {
  samples: number;
  /** Length of one timed section, ms (the binary picks iteration counts to reach it). */
  targetMs: number;
  /** Kernel-name prefixes; all kernels when empty. */
  only?: readonly string[];
}

export function runKernels(binary: string, o: RunOptions): Map<string, KernelSamples> {
  const args = ['run', String(o.samples), String(o.targetMs), ...(o.only ?? [])];
  return parseKernelLines(execFileSync(binary, args, { encoding: 'utf8', maxBuffer: 64 << 20 }));
}

/** One-way cache-line transfer between two CPUs, ns per sample; null when the threads
 * cannot be pinned (fewer than two CPUs available). */
export function runPingPong(binary: string, samples: number, roundTrips: number, cpuA = 0, cpuB = 1): number[] | null {
  try {
    const out = execFileSync(binary, ['pingpong', String(samples), String(roundTrips), String(cpuA), String(cpuB)], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    return parseKernelLines(out).get('core-to-core')?.ns ?? null;
  } catch {
    return null;
  }
}
