// One timed run of the bench's tasks on a pool of N workers: the part of `npm run bench`
// that more workers can shorten (start-up, the cost estimate, host timings and writing
// the files are left out), with the process's CPU time (every thread's) and a digest of
// the runs the result document would hold, to show N workers found what one did.
import { createHash } from 'node:crypto';
import { BpfError } from '../../engine/errors.ts';
import type { RunRecord } from '../../engine/results/document.ts';
import type { BenchTask } from '../bench/matrix.ts';
import { documentRuns } from '../bench/output.ts';
import { runTasks } from '../bench/pool.ts';

export interface PoolRound {
  workers: number;
  wallSeconds: number;
  /** User and system CPU of the whole process, every thread, during the pool. */
  cpuSeconds: number;
  runs: number;
  /** sha256 of the result document's runs, in task order. */
  digest: string;
}

export function runsDigest(runs: readonly RunRecord[]): string {
  return createHash('sha256').update(JSON.stringify(runs)).digest('hex');
}

export async function timePool(tasks: readonly BenchTask[], workers: number, cost: ReadonlyMap<string, number>, onSettled?: (done: number, total: number) => void): Promise<PoolRound> {
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  const outcome = await runTasks(tasks, { workers, cost, onSettled });
  const wallSeconds = (performance.now() - t0) / 1000;
  const cpu = process.cpuUsage(cpu0);
  const failed = outcome.failures[0];
  if (failed) throw new BpfError('runtime', `task ${failed.id} failed on ${workers} worker${workers === 1 ? '' : 's'}: ${failed.error}`);
  const runs = documentRuns(outcome.results, tasks);
  return { workers, wallSeconds, cpuSeconds: (cpu.user + cpu.system) / 1e6, runs: runs.length, digest: runsDigest(runs) };
}

/** Throws unless `r` found the runs `reference` found. */
export function requireSameRuns(reference: PoolRound, r: PoolRound, label: string): void {
  if (r.digest !== reference.digest) {
    throw new BpfError('runtime', `${label} gave different runs than the first pool run (sha256 ${r.digest.slice(0, 16)} against ${reference.digest.slice(0, 16)}): the worker count changed a result`);
  }
}
