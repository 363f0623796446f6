// How much faster N threads get through a fixed amount of work than one, on this host,
// now: the most N bench workers could gain over one. Guest CPUs are not always whole
// cores. On the 2-vCPU EPYC this was written on, a compute loop ran as fast on two
// threads at once as on one in one minute, and 1.4x slower in another (no steal time
// reported), so the probe runs next to each pool round, not once.
import { Worker } from 'node:worker_threads';

const THREAD_FILE = new URL('./capacity-thread.mjs', import.meta.url);
/** Kernel blocks (capacity-thread.mjs) of the warm-up and first calibration run. */
const FIRST_CALIBRATION = 64;

export interface CapacitySample {
  /** N x (one thread's time alone) / (time of N threads each doing the same work). Alone:
   * the mean of the runs just before and just after. */
  capacity: number;
  aloneMs: number;
  togetherMs: number;
}

export interface CapacityProbe {
  threads: number;
  /** Kernel blocks each thread runs per probe run. */
  blocks: number;
  /** One per together run. */
  samples: CapacitySample[];
}

function ask(w: Worker, blocks: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const onError = (e: Error) => reject(e);
    w.once('error', onError);
    w.once('message', (sum: number) => {
      w.off('error', onError);
      resolve(sum);
    });
    w.postMessage(blocks);
  });
}

async function timed<T>(f: () => Promise<T>): Promise<{ value: T; ms: number }> {
  const t0 = performance.now();
  const value = await f();
  return { value, ms: performance.now() - t0 };
}

/** Runs the kernel on `threads` threads at once `pairs` times, with a run on one thread
 * before and after each; every run on every thread does the work one thread does in
 * about `ms` milliseconds alone. */
export async function probeHostCapacity(threads: number, ms: number, pairs: number): Promise<CapacityProbe> {
  const workers = Array.from({ length: threads }, () => new Worker(THREAD_FILE));
  try {
    await Promise.all(workers.map((w) => new Promise((resolve, reject) => w.once('online', resolve).once('error', reject))));
    // Each thread compiles its own copy of the kernel: a few runs on every thread first.
    for (let i = 0; i < 3; i++) await Promise.all(workers.map((w) => ask(w, FIRST_CALIBRATION)));
    const first = workers[0];
    // Twice: the second run is long enough that a slow first block does not count.
    let blocks = FIRST_CALIBRATION;
    for (let i = 0; i < 2; i++) {
      const c = await timed(() => ask(first, blocks));
      blocks = Math.max(1, Math.round((blocks * ms) / Math.max(c.ms, 1)));
    }
    // Alone, together, alone, ...: each together run is set against the mean of the
    // alone runs either side of it, so a host that speeds up or slows down meanwhile
    // biases the ratio less.
    const samples: CapacitySample[] = [];
    let before = await timed(() => ask(first, blocks));
    for (let p = 0; p < pairs; p++) {
      const together = await timed(() => Promise.all(workers.map((w) => ask(w, blocks))));
      const after = await timed(() => ask(first, blocks));
      // Every thread did the same work: a different sum means one did not run the kernel.
      if (together.value.some((s) => s !== before.value) || after.value !== before.value) {
        throw new Error(`host-capacity probe: threads returned sums ${together.value.join(', ')}, alone ${before.value} and ${after.value}`);
      }
      const aloneMs = (before.ms + after.ms) / 2;
      samples.push({ capacity: (threads * aloneMs) / together.ms, aloneMs, togetherMs: together.ms });
      before = after;
    }
    return { threads, blocks, samples };
  } finally {
    await Promise.all(workers.map((w) => w.terminate()));
  }
}
