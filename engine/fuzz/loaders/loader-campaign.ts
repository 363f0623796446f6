// Runs one loader over N mutated inputs. In-process (`fuzzLoader`) each input is timed and
// anything but success or BpfError is a failure; `fuzzLoaderIsolated` runs the same loop
// in a worker thread with a heap cap and a watchdog, so a hang or a memory blow-up (a
// header count trusted as an allocation size) is caught and pinned to its input too.

import { Worker } from 'node:worker_threads';
import { BpfError } from '../../errors.ts';
import { deriveSeed, Mulberry32 } from '../../random.ts';
import { TARGETS, type Corpus, type LoaderName } from './targets.ts';

interface LoaderFailure {
  loader: LoaderName;
  index: number;
  /** The PRNG seed that regenerates this input (with the same corpus). */
  inputSeed: number;
  kind: 'exception' | 'slow' | 'hang' | 'out-of-memory';
  message: string;
  input: Uint8Array;
}

interface LoaderSummary {
  loader: LoaderName;
  count: number;
  loaded: number;
  rejected: number;
  failures: LoaderFailure[];
  seconds: number;
}

const SALT: Record<LoaderName, number> = { asm: 0x61736d, data: 0x64617461, elf: 0x656c66 };

export function inputSeed(loader: LoaderName, seed: number, index: number): number {
  return deriveSeed((seed ^ SALT[loader]) >>> 0, index);
}

function makeLoaderInput(loader: LoaderName, corpus: Corpus, seed: number, index: number): Uint8Array {
  return TARGETS[loader].makeInput(new Mulberry32(inputSeed(loader, seed, index)), corpus);
}

export interface FuzzLoaderOptions {
  loader: LoaderName;
  corpus: Corpus;
  seed: number;
  count: number;
  /** First index (the isolated runner resumes after a hang). Default 0. */
  start?: number;
  /** An input taking longer than this is a failure. Default 1000 ms. */
  slowMs?: number;
  /** Slot 0 receives the index being run (read by a watchdog in another thread). */
  progress?: Int32Array;
}

export function fuzzLoader(o: FuzzLoaderOptions): LoaderSummary {
  const target = TARGETS[o.loader];
  const slowMs = o.slowMs ?? 1000;
  const s: LoaderSummary = { loader: o.loader, count: 0, loaded: 0, rejected: 0, failures: [], seconds: 0 };
  const t0 = performance.now();
  for (let i = o.start ?? 0; i < o.count; i++) {
    if (o.progress) Atomics.store(o.progress, 0, i);
    const input = makeLoaderInput(o.loader, o.corpus, o.seed, i);
    const started = performance.now();
    let failure: Pick<LoaderFailure, 'kind' | 'message'> | undefined;
    try {
      target.run(input);
      s.loaded++;
    } catch (e) {
      if (e instanceof BpfError) s.rejected++;
      else failure = { kind: 'exception', message: e instanceof Error ? `${e.name}: ${e.message}\n${e.stack ?? ''}` : String(e) };
    }
    const ms = performance.now() - started;
    if (!failure && ms > slowMs) failure = { kind: 'slow', message: `took ${ms.toFixed(0)} ms (limit ${slowMs} ms)` };
    if (failure) s.failures.push({ loader: o.loader, index: i, inputSeed: inputSeed(o.loader, o.seed, i), input, ...failure });
    s.count++;
  }
  s.seconds = (performance.now() - t0) / 1000;
  return s;
}

interface IsolatedOptions extends Omit<FuzzLoaderOptions, 'progress' | 'start'> {
  /** No progress for this long is a hang. Default 10 000 ms. */
  hangMs?: number;
  /** Worker heap cap. Default 1024 MiB. */
  heapMb?: number;
  onProgress?: (done: number, total: number) => void;
}

interface WorkerResult {
  summary?: LoaderSummary;
  died?: { kind: 'hang' | 'out-of-memory' | 'exception'; message: string; index: number };
}

function runWorker(o: IsolatedOptions, start: number): Promise<WorkerResult> {
  const progress = new Int32Array(new SharedArrayBuffer(4));
  progress[0] = start;
  // The worker body is TypeScript: a small bootstrap module registers tsx's loader in the
  // new thread (loader hooks are per thread) and then imports it.
  const body = new URL('./loader-worker.ts', import.meta.url).href;
  const tsx = import.meta.resolve('tsx/esm/api');
  const bootstrap = `import { register } from ${JSON.stringify(tsx)}; register(); await import(${JSON.stringify(body)});`;
  const worker = new Worker(new URL('data:text/javascript,' + encodeURIComponent(bootstrap)), {
    workerData: { loader: o.loader, corpus: o.corpus, seed: o.seed, count: o.count, start, slowMs: o.slowMs, progress },
    resourceLimits: { maxOldGenerationSizeMb: o.heapMb ?? 1024 },
  });
  const hangMs = o.hangMs ?? 10_000;
  return new Promise((resolve) => {
    let last = progress[0];
    let lastChange = Date.now();
    let settled = false;
    const finish = (r: WorkerResult): void => {
      if (settled) return;
      settled = true;
      clearInterval(timer);
      resolve(r);
    };
    const timer = setInterval(() => {
      const now = Atomics.load(progress, 0);
      o.onProgress?.(now, o.count);
      if (now !== last) {
        last = now;
        lastChange = Date.now();
      } else if (Date.now() - lastChange > hangMs) {
        finish({ died: { kind: 'hang', message: `no progress for ${hangMs} ms`, index: now } });
        void worker.terminate();
      }
    }, 100);
    worker.on('message', (summary: LoaderSummary) => finish({ summary }));
    worker.on('error', (e: Error & { code?: string }) => {
      const kind = e.code === 'ERR_WORKER_OUT_OF_MEMORY' ? 'out-of-memory' : 'exception';
      finish({ died: { kind, message: `${e.name}: ${e.message}`, index: Atomics.load(progress, 0) } });
    });
    worker.on('exit', (code) => finish({ died: { kind: 'exception', message: `worker exited with code ${code}`, index: Atomics.load(progress, 0) } }));
  });
}

export async function fuzzLoaderIsolated(o: IsolatedOptions): Promise<LoaderSummary> {
  const total: LoaderSummary = { loader: o.loader, count: 0, loaded: 0, rejected: 0, failures: [], seconds: 0 };
  const t0 = performance.now();
  let start = 0;
  while (start < o.count) {
    const r = await runWorker(o, start);
    if (r.summary) {
      total.count += r.summary.count;
      total.loaded += r.summary.loaded;
      total.rejected += r.summary.rejected;
      // Inputs cross the thread boundary as plain objects; make them Uint8Arrays again.
      total.failures.push(...r.summary.failures.map((f) => ({ ...f, input: new Uint8Array(f.input) })));
      break;
    }
    const died = r.died as NonNullable<WorkerResult['died']>;
    // Inside the loop every exception is caught, so a worker that dies of one did not get
    // as far as running inputs: the harness is broken, not the loader.
    if (died.kind === 'exception') throw new Error(`loader fuzz worker failed: ${died.message}`);
    // Everything before the dying input completed; its counts went down with the worker,
    // so only the failure is recorded and the run resumes after it.
    total.count += died.index - start + 1;
    total.failures.push({
      loader: o.loader,
      index: died.index,
      inputSeed: inputSeed(o.loader, o.seed, died.index),
      kind: died.kind,
      message: died.message,
      input: makeLoaderInput(o.loader, o.corpus, o.seed, died.index),
    });
    start = died.index + 1;
  }
  total.seconds = (performance.now() - t0) / 1000;
  return total;
}
