// Where a checked program outgrows the modelled front end: the first point of a sweep at
// which a strategy's rewritten code makes fetch decode many more code windows (op cache
// misses), or miss many more L1i lines, per invocation than the unmodified program at the
// same point (run.frontEnd, recorded by the ooo model). Past that point the cost of a
// check is no longer the check's own instructions: it is the refetching and decoding of
// the whole grown image, which is why the overhead jumps there.
import { cpuModelById } from '../engine/cpus/index.ts';
import type { RunRecord } from '../engine/results/document.ts';

export interface FrontEndCounts {
  decodedWindowsPerInvocation: number;
  l1iMissesPerInvocation: number;
}

export function frontEndOf(run: RunRecord): FrontEndCounts | undefined {
  const f = run.frontEnd as Partial<FrontEndCounts> | undefined;
  if (!f || typeof f.decodedWindowsPerInvocation !== 'number' || typeof f.l1iMissesPerInvocation !== 'number') return undefined;
  return { decodedWindowsPerInvocation: f.decodedWindowsPerInvocation, l1iMissesPerInvocation: f.l1iMissesPerInvocation };
}

/** Extra events per invocation over the baseline that count as outgrowing a structure:
 * a few refills per invocation are noise of placement; tens are the image not fitting. */
export const CLIFF_EXCESS = 10;

export interface FrontEndCliff {
  /** The sweep point (e.g. call sites per 100 instructions) where it starts. */
  at: number;
  structure: 'op cache' | 'L1i';
  /** The strategies past the threshold there, and their excess events per invocation. */
  strategies: { strategy: string; excess: number }[];
}

export interface SweepPoint {
  x: number;
  strategy: string;
  frontEnd: FrontEndCounts;
}

/** The first point at which any strategy's op-cache or L1i misses exceed the baseline
 * (`none`) by CLIFF_EXCESS per invocation, for each structure; none when no point does. */
export function frontEndCliffs(points: readonly SweepPoint[]): FrontEndCliff[] {
  const cliffs: FrontEndCliff[] = [];
  const xs = [...new Set(points.map((p) => p.x))].sort((a, b) => a - b);
  for (const [structure, field] of [['op cache', 'decodedWindowsPerInvocation'], ['L1i', 'l1iMissesPerInvocation']] as const) {
    for (const x of xs) {
      const here = points.filter((p) => p.x === x);
      const base = here.find((p) => p.strategy === 'none');
      if (!base) continue;
      const over = here
        .filter((p) => p.strategy !== 'none')
        .map((p) => ({ strategy: p.strategy, excess: p.frontEnd[field] - base.frontEnd[field] }))
        .filter((e) => e.excess >= CLIFF_EXCESS);
      if (over.length) {
        cliffs.push({ at: x, structure, strategies: over });
        break;
      }
    }
  }
  return cliffs.sort((a, b) => a.at - b.at);
}

/** The capacity the model gives a structure on a CPU model, as a reader would quote it. */
export function capacityOf(cpuModel: string, structure: FrontEndCliff['structure']): string | undefined {
  const cpu = cpuModelById(cpuModel);
  if (!cpu) return undefined;
  if (structure === 'L1i') return `${cpu.l1i.sizeKiB.value} KiB`;
  const oc = cpu.frontEnd.opCache;
  const ops = oc.sets.value * oc.ways.value * oc.opsPerEntry.value;
  return `${ops >= 1024 && ops % 1024 === 0 ? `${ops / 1024}K` : ops} ops`;
}
