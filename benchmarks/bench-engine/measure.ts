// Times one program under one cycle accounting on every chosen tier, with tinybench:
// each sample is `runsPerSample` runs, enough for about SAMPLE_TARGET_MS (one run of the
// default loop; hundreds of runs of a short workload, so their rows include the per-run
// set-up), and ns per executed instruction is a sample's time over the instructions it
// executed. Every tier runs in a process of its own (measure-one.ts), on a fresh instance,
// the same sequence of runs, so the tiers must agree on instructions and results; a
// disagreement is a bug in a tier and stops the bench.
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { Bench } from 'tinybench';
import type { ExecutionTier } from '../../engine/exec/index.ts';
import type { Accounting, Runner, Subject } from './subjects.ts';

/** Warm-up samples before the timed ones: about a second at the default sample length,
 * so a compiled-tier row is timed after the program turned hot (2 million instructions),
 * its code was generated and V8 optimised it, not while that happens. */
export const WARMUP_SAMPLES = 5;
/** Samples aim at this long on the first tier measured. */
export const SAMPLE_TARGET_MS = 200;
const CALIBRATE_MS = 20;
const MAX_RUNS_PER_SAMPLE = 1_000_000;

export interface TierRow {
  program: string;
  tier: ExecutionTier;
  accounting: Accounting;
  /** Mean instructions per run over the timed samples. */
  insnsPerRun: number;
  runsPerSample: number;
  samples: number;
  /** ns per executed instruction over the samples. */
  median: number;
  min: number;
  max: number;
  /** r0 of the last run. */
  r0: bigint;
  /** ooo rows: of the invocations the memoised model ran (warm-up and calibration
   * included), the segments they made (an invocation, or a piece of a long one), how many
   * it applied from its memo, and how many it ran stepping every op while resting (see
   * engine/timing/memo/). */
  memo?: { invocations: number; segments: number; hits: number; rested: number; entries: number; bytes: number };
}

/** Calibration first runs this long untimed: the memoised ooo model records its first
 * invocations (slower than plain stepping) and then replays them (faster), so runs timed
 * while it is cold would give too few runs per sample and samples of a few milliseconds
 * that time the warm-up, not the steady state. */
const CALIBRATE_WARMUP_MS = 300;

/** Runs per sample: enough that a sample takes about SAMPLE_TARGET_MS. */
function calibrate(run: Runner, sampleMs: number): number {
  const warm = performance.now();
  while (performance.now() - warm < CALIBRATE_WARMUP_MS) run();
  const t0 = performance.now();
  let n = 0;
  let elapsed: number;
  do {
    run();
    n++;
    elapsed = performance.now() - t0;
  } while (elapsed < Math.min(CALIBRATE_MS, sampleMs));
  return Math.min(MAX_RUNS_PER_SAMPLE, Math.max(1, Math.ceil((sampleMs * n) / elapsed)));
}

export async function timeTier(subject: Subject, tier: ExecutionTier, accounting: Accounting, runsPerSample: number, samples: number): Promise<TierRow & { totalInsns: number }> {
  const run = subject.runner(tier, accounting);
  const insnsByCall: number[] = [];
  let last: bigint = 0n;
  const sample = (): void => {
    let insns = 0;
    for (let i = 0; i < runsPerSample; i++) {
      const r = run();
      insns += r.insns;
      last = r.r0;
    }
    insnsByCall.push(insns);
  };
  const bench = new Bench({ iterations: samples, time: 0, warmupIterations: WARMUP_SAMPLES, warmupTime: 0 });
  bench.add(`${subject.name} ${tier} ${accounting}`, sample);
  await bench.run();
  const lat = bench.tasks[0].result;
  if (!('latency' in lat)) {
    const why = 'error' in lat && lat.error ? `: ${lat.error.message}` : ` (${lat.state})`;
    throw new Error(`timing ${subject.name} on the ${tier} tier with ${accounting} accounting failed${why}`);
  }
  // Samples come sorted, so they cannot be paired with their calls: use the mean
  // instructions of the timed calls (the last ones; the warm-up calls come first).
  const timed = insnsByCall.slice(-lat.latency.samplesCount);
  const totalInsns = timed.reduce((a, b) => a + b, 0);
  const perSample = totalInsns / timed.length;
  const perInsn = (ms: number): number => (ms * 1e6) / perSample;
  return {
    program: subject.name,
    tier,
    accounting,
    insnsPerRun: perSample / runsPerSample,
    runsPerSample,
    samples: lat.latency.samplesCount,
    median: perInsn(lat.latency.p50),
    min: perInsn(lat.latency.min),
    max: perInsn(lat.latency.max),
    r0: last,
    totalInsns: insnsByCall.reduce((a, b) => a + b, 0),
    ...memoOf(run),
  };
}

function memoOf(run: Runner): Pick<TierRow, 'memo'> {
  const m = run.memo?.();
  return m ? { memo: { invocations: m.invocations, segments: m.segments, hits: m.hits, rested: m.rested, entries: m.entries, bytes: m.bytes } } : {};
}

export interface MeasureOptions {
  /** Called as each tier starts (progress). */
  onTier?: (tier: ExecutionTier) => void;
  /** Sample length to aim at (default SAMPLE_TARGET_MS). */
  sampleMs?: number;
  /** Time every tier in this process (tests); default: a child process per tier. */
  inProcess?: boolean;
}

const ONE_ROW = fileURLToPath(new URL('./measure-one.ts', import.meta.url));

function timeTierInChild(subject: Subject, tier: ExecutionTier, accounting: Accounting, runsPerSample: number, samples: number): TierRow & { totalInsns: number } {
  if (!subject.spec) throw new Error(`${subject.name} cannot be re-created in a child process`);
  const req = { subject: subject.spec, tier, accounting, runsPerSample, samples };
  const r = spawnSync(process.execPath, ['--import', import.meta.resolve('tsx'), ONE_ROW, JSON.stringify(req)], { encoding: 'utf8', maxBuffer: 1 << 20 });
  if (r.status !== 0) throw new Error(`timing ${subject.name} on the ${tier} tier with ${accounting} accounting failed: ${(r.stderr || r.stdout || String(r.error)).trim().split('\n')[0]}`);
  return JSON.parse(r.stdout.trim().split('\n').pop() as string, (_k, v: unknown) => (typeof v === 'string' && /^-?\d+n$/.test(v) ? BigInt(v.slice(0, -1)) : v)) as TierRow & { totalInsns: number };
}

export async function measureSubject(subject: Subject, accounting: Accounting, tiers: readonly ExecutionTier[], samples: number, opts: MeasureOptions = {}): Promise<TierRow[]> {
  const { onTier, sampleMs = SAMPLE_TARGET_MS } = opts;
  const runsPerSample = calibrate(subject.runner(tiers[0], accounting), sampleMs);
  const rows: (TierRow & { totalInsns: number })[] = [];
  for (const tier of tiers) {
    onTier?.(tier);
    rows.push(opts.inProcess ? await timeTier(subject, tier, accounting, runsPerSample, samples) : timeTierInChild(subject, tier, accounting, runsPerSample, samples));
  }
  const ref = rows[0];
  for (const r of rows.slice(1)) {
    if (r.totalInsns !== ref.totalInsns || r.r0 !== ref.r0) {
      throw new Error(
        `tiers disagree on ${subject.name} (${accounting} accounting): ${ref.tier} executed ${ref.totalInsns} instructions ending with r0 = ${ref.r0}, ${r.tier} ${r.totalInsns} ending with r0 = ${r.r0}`,
      );
    }
  }
  return rows.map(({ totalInsns: _, ...row }) => row);
}
