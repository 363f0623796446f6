// Times the calibration variants on the running kernel. The unit of measurement is a
// round: one clock-ruler measurement, then one fresh load of every variant (the JIT
// places each image at a random offset), then `runsPerLoad` passes over the variants,
// each pass one PROG_TEST_RUN of every variant in a rotated order. So every round has its
// own clock and its own baseline, taken within milliseconds of the variants it converts,
// and frequency drift or a burst of load from other work hits all variants of a round
// alike. Per round and variant the figure is the median over its runs; cycles per call
// site = (ns(variant) − ns(none of the same site kind)) / N × GHz(round). Across rounds:
// median, and min/max of the per-round values.
import { BpfError } from '../errors.ts';
import type { KernelHandle, LoadedProgram } from '../kernel/bpf-syscall.ts';
import { measureClock, type ClockMeasurement } from '../kernel/clock-ruler.ts';
import { loadOrThrow, median } from '../kernel/time-program.ts';
import type { CalibratedStrategy, CalibrationVariant, SiteKind } from './programs.ts';

export interface MeasureOptions {
  /** Rounds (fresh loads of every variant, each with its own clock measurement). */
  loads: number;
  /** PROG_TEST_RUN passes over the variants per round. */
  runsPerLoad: number;
  /** Runs averaged inside the kernel per PROG_TEST_RUN. */
  repeat: number;
  /** Clock ruler per round: interleaved run pairs (default 11) and kernel repeat (2000). */
  clockRuns?: number;
  clockRepeat?: number;
  /** Called after each round (progress). */
  onRound?: (done: number, total: number) => void;
}

export interface Spread {
  median: number;
  min: number;
  max: number;
  /** Per-round values, in round order. */
  samples: number[];
}

export interface MeasuredVariant {
  strategy: CalibratedStrategy;
  sites: SiteKind;
  n: number;
  /** ns per program run (median over runs of a round), per round. */
  nsPerRun: Spread;
  /** (ns − ns(none)) / N, per round. */
  nsPerSite: Spread;
  /** nsPerSite × that round's GHz. */
  cyclesPerSite: Spread;
  /** u32 r0 the kernel returned (identical to the `none` variant's, or the run fails). */
  retval: number;
  insnCount: number;
  /** Bytes of x86 (or arm64) code the JIT emitted, first load. */
  jitedBytes: number;
  /** The verifier-rewritten program of the first load, 8-byte slots. */
  xlated: Uint8Array;
}

interface ClockSummary {
  /** Per-round median GHz estimates. */
  ghz: Spread;
  /** Per-round fastest-run estimates (interference only adds time). */
  fromFastest: Spread;
  tscGhz: number;
  method: string;
  cpuLabel: string;
}

export interface KernelMeasurement {
  variants: MeasuredVariant[];
  clock: ClockSummary;
  /** CPU the runner was pinned to, if any. */
  pinnedCpu?: number;
  options: { loads: number; runsPerLoad: number; repeat: number };
  /** Variant load failures that did not stop the run (e.g. an analog the kernel rejects). */
  skipped: { strategy: CalibratedStrategy; sites: SiteKind; reason: string }[];
}

export function spread(samples: number[]): Spread {
  return { median: median(samples), min: Math.min(...samples), max: Math.max(...samples), samples };
}

const DATA = new Uint8Array(64);

function checkOptions(o: MeasureOptions): void {
  for (const k of ['loads', 'runsPerLoad', 'repeat'] as const) {
    if (!Number.isInteger(o[k]) || o[k] < 1) throw new BpfError('usage', `${k} must be a positive integer, got ${o[k]}`);
  }
}

/** Loads every variant once; a variant the kernel rejects is dropped with its reason
 * (only analogs may be dropped: a faithful variant's rejection is an error). */
async function loadAll(handle: KernelHandle, variants: readonly CalibrationVariant[], skipped: KernelMeasurement['skipped']): Promise<(LoadedProgram | undefined)[]> {
  const out: (LoadedProgram | undefined)[] = [];
  for (const v of variants) {
    if (skipped.some((s) => s.strategy === v.strategy && s.sites === v.sites)) {
      out.push(undefined);
      continue;
    }
    try {
      out.push(await loadOrThrow(handle, v.program.insns, { progType: 'socket', maps: v.program.maps, name: v.program.name }));
    } catch (e) {
      if (v.faithful || !(e instanceof BpfError)) {
        await Promise.all(out.map((p) => p && handle.unload(p)));
        throw e;
      }
      skipped.push({ strategy: v.strategy, sites: v.sites, reason: e.message });
      out.push(undefined);
    }
  }
  return out;
}

export async function measureVariants(handle: KernelHandle, variants: readonly CalibrationVariant[], opts: MeasureOptions): Promise<KernelMeasurement> {
  checkOptions(opts);
  const skipped: KernelMeasurement['skipped'] = [];
  let pinnedCpu: number | undefined;
  if (variants.some((v) => v.needsCpu0)) {
    try {
      await handle.pinCpu(0);
      pinnedCpu = 0;
    } catch (e) {
      for (const v of variants) if (v.needsCpu0) skipped.push({ strategy: v.strategy, sites: v.sites, reason: `cannot pin to CPU 0: ${(e as Error).message}` });
    }
  }
  const perRound: number[][] = variants.map(() => []); // [variant][round] ns per run
  const retvals: (number | undefined)[] = variants.map(() => undefined);
  const images: ({ jited: number; xlated: Uint8Array } | undefined)[] = variants.map(() => undefined);
  const clocks: ClockMeasurement[] = [];

  for (let round = 0; round < opts.loads; round++) {
    clocks.push(await measureClock(handle, { loads: 1, runsPerLoad: opts.clockRuns ?? 11, repeat: opts.clockRepeat ?? 2000 }));
    const progs = await loadAll(handle, variants, skipped);
    try {
      const runs: number[][] = variants.map(() => []);
      for (let r = 0; r < opts.runsPerLoad; r++) {
        for (let j = 0; j < variants.length; j++) {
          const i = (j + r) % variants.length; // rotate so no variant always runs first
          const p = progs[i];
          if (!p) continue;
          const res = await handle.testRun(p, { repeat: opts.repeat, data: DATA });
          runs[i].push(res.durationNs);
          retvals[i] ??= res.retval;
          if (retvals[i] !== res.retval) throw new BpfError('runtime', `${variants[i].program.name} returned ${res.retval}, earlier ${retvals[i]}`);
        }
      }
      for (let i = 0; i < variants.length; i++) {
        const p = progs[i];
        if (!p) continue;
        perRound[i].push(median(runs[i]));
        if (!images[i]) {
          const img = await handle.inspect(p);
          images[i] = { jited: img.jited.length, xlated: img.xlated };
        }
      }
    } finally {
      for (const p of progs) if (p) await handle.unload(p);
    }
    opts.onRound?.(round + 1, opts.loads);
  }

  const ghzByRound = clocks.map((c) => c.ghz);
  const measured: MeasuredVariant[] = [];
  variants.forEach((v, i) => {
    if (perRound[i].length === 0) return;
    const base = variants.findIndex((b) => b.strategy === 'none' && b.sites === v.sites && b.n === v.n);
    if (base < 0 || perRound[base].length !== perRound[i].length) throw new Error(`calibration: no 'none' baseline for ${v.sites} sites`);
    if (retvals[i] !== retvals[base]) {
      throw new BpfError('runtime', `${v.program.name} returned ${retvals[i]} but the baseline returned ${retvals[base]}: a check took its unwind path`);
    }
    const nsPerSite = perRound[i].map((ns, r) => (ns - perRound[base][r]) / v.n);
    measured.push({
      strategy: v.strategy,
      sites: v.sites,
      n: v.n,
      nsPerRun: spread(perRound[i]),
      nsPerSite: spread(nsPerSite),
      cyclesPerSite: spread(nsPerSite.map((d, r) => d * ghzByRound[r])),
      retval: retvals[i] as number,
      insnCount: v.program.insns.length / 8,
      jitedBytes: images[i]?.jited ?? 0,
      xlated: images[i]?.xlated ?? new Uint8Array(0),
    });
  });
  return {
    variants: measured,
    clock: {
      ghz: spread(ghzByRound),
      fromFastest: spread(clocks.map((c) => c.fromFastest)),
      tscGhz: median(clocks.map((c) => c.tscGhz)),
      method: `per round: ${clocks[0]?.method ?? ''}`,
      cpuLabel: clocks[0]?.cpu.label ?? 'unknown',
    },
    pinnedCpu,
    options: { loads: opts.loads, runsPerLoad: opts.runsPerLoad, repeat: opts.repeat },
    skipped,
  };
}
