// Runs the bench tasks on a piscina pool of worker threads. The workers are TypeScript:
// each thread loads worker-entry.mjs, which registers tsx's ESM loader in that thread
// and imports worker.ts (why not `--import tsx`: see worker-entry.mjs).
//
// Every task settles: a failure (a thrown error, a worker thread that dies) is recorded
// with its task and the others go on, so one run reports every broken combination. An
// abort (SIGINT) cancels what is queued or running; results that already came back are
// kept for the report of what finished.
//
// Tasks start longest first when the caller gives a cost estimate (task-cost.ts): the
// pool's queue is first in, first out, and a long task started last leaves the other
// workers idle until it ends. The order of the results is the matrix's whatever order the
// tasks ran in.
import { availableParallelism } from 'node:os';
import { setFlagsFromString } from 'node:v8';
import { Piscina } from 'piscina';
import type { BenchTask } from './matrix.ts';
import type { TaskResult } from './worker.ts';

export interface TaskFailure {
  id: string;
  error: string;
}

export interface PoolOutcome {
  /** In task order, only the tasks that finished. */
  results: TaskResult[];
  failures: TaskFailure[];
  interrupted: boolean;
}

export interface PoolOptions {
  workers: number;
  signal?: AbortSignal;
  onSettled?: (done: number, total: number, last: BenchTask, failed: boolean) => void;
  /** Expected relative cost of each task, by id: tasks start costliest first. */
  cost?: ReadonlyMap<string, number>;
}

export const WORKER_FILE = new URL('./worker-entry.mjs', import.meta.url).href;

/** Each worker gets twice V8's default young generation for a worker thread (48 MB): the
 * tasks allocate many short-lived objects (scavenges were 4% of a profile of the zen5
 * tasks in one process), and the larger space was faster. The default bench's pool on 2
 * workers on a 2-vCPU EPYC (Dec 2026), runs in turn: 48 MB 70.7 and 73.5 s; 96 MB 66.9
 * and 63.3 s (peak RSS 619 and 598 MB); 144 MB 65.6, 63.7 and 64.4 s (760 MB). */
export const WORKER_YOUNG_GENERATION_MB = 96;

export function defaultWorkers(): number {
  return Math.max(1, availableParallelism());
}

function firstLine(e: unknown): string {
  const text = e instanceof Error ? e.message : String(e);
  return text.split('\n')[0];
}

/** The tasks, costliest first (ties keep the matrix order). */
export function longestFirst(tasks: readonly BenchTask[], cost: ReadonlyMap<string, number>): BenchTask[] {
  return tasks.map((t, i) => ({ t, i, c: cost.get(t.id) ?? 0 })).sort((a, b) => b.c - a.c || a.i - b.i).map((x) => x.t);
}

/** V8 compiles optimised code on background threads, which take a core from another
 * worker when every core runs one. Measured on a 2-vCPU EPYC (Dec 2026), the default
 * bench's tasks on 2 workers, run alternately: the pool took 58.4, 50.0 and 49.0 s with
 * the workers compiling on their own thread against 67.4, 62.0 and 54.8 s with
 * background compiles (process CPU 113.8, 97.4 and 95.3 s against 130.6, 121.3 and
 * 106.7 s). With a core to spare the background threads are free (the zen5 tasks on 1
 * worker: 18.2 s with the flag, 15.0 s without, one run each), so the flag is set only
 * when the pool fills the host. V8 reads it when it creates an isolate: set before the
 * workers start, restored after they end. */
function compileOnWorkerThreads(workers: number): () => void {
  if (workers < availableParallelism()) return () => {};
  setFlagsFromString('--no-concurrent-recompilation');
  return () => setFlagsFromString('--concurrent-recompilation');
}

export async function runTasks(tasks: readonly BenchTask[], o: PoolOptions): Promise<PoolOutcome> {
  const restoreCompiles = compileOnWorkerThreads(o.workers);
  const pool = new Piscina({
    filename: WORKER_FILE,
    name: 'runTask',
    minThreads: Math.min(o.workers, tasks.length || 1),
    maxThreads: o.workers,
    // A task holds its whole experiment; queue the rest in the main thread.
    concurrentTasksPerWorker: 1,
    resourceLimits: { maxYoungGenerationSizeMb: WORKER_YOUNG_GENERATION_MB },
  });
  const byId = new Map<string, TaskResult>();
  const failures: TaskFailure[] = [];
  let done = 0;
  let interrupted = false;
  const settled = (o.cost ? longestFirst(tasks, o.cost) : tasks).map((task) =>
    pool.run(task, { signal: o.signal }).then(
      (r: TaskResult) => {
        byId.set(task.id, r);
        o.onSettled?.(++done, tasks.length, task, false);
      },
      (e: unknown) => {
        if (o.signal?.aborted) {
          interrupted = true;
          return;
        }
        failures.push({ id: task.id, error: firstLine(e) });
        o.onSettled?.(++done, tasks.length, task, true);
      },
    ),
  );
  try {
    await Promise.all(settled);
    if (o.signal?.aborted) interrupted = true;
    await pool.destroy();
  } finally {
    restoreCompiles();
  }
  const order = new Map(tasks.map((t, i) => [t.id, i]));
  failures.sort((a, b) => order.get(a.id)! - order.get(b.id)!);
  return { results: tasks.flatMap((t) => byId.get(t.id) ?? []), failures, interrupted };
}
