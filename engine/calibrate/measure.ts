// Times the calibration variants on the running kernel, in rounds (./rounds.ts): cycles
// per call site = (ns(variant) − ns(none of the same site kind)) / N × GHz(round), per
// round; across rounds: median, and min/max of the per-round values.
import { BpfError } from '../errors.ts';
import type { KernelHandle } from '../kernel/bpf-syscall.ts';
import { median } from '../kernel/time-program.ts';
import type { CalibratedStrategy, CalibrationVariant, SiteKind } from './programs.ts';
import { timeInRounds, type RoundOptions, type RoundTimings } from './rounds.ts';
import { spread, type Spread } from './spread.ts';

type RoundTimingsClocks = RoundTimings['clocks'];

export type MeasureOptions = RoundOptions;

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

export interface ClockSummary {
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

export async function measureVariants(handle: KernelHandle, variants: readonly CalibrationVariant[], opts: MeasureOptions): Promise<KernelMeasurement> {
  const t = await timeInRounds(
    handle,
    variants.map((v) => ({ name: v.program.name, insns: v.program.insns, progType: 'socket' as const, maps: v.program.maps, needsCpu0: v.needsCpu0, mayBeRejected: !v.faithful })),
    opts,
  );
  const skipped = t.skipped.map((s) => ({ strategy: variants[s.index].strategy, sites: variants[s.index].sites, reason: s.reason }));
  const measured: MeasuredVariant[] = [];
  variants.forEach((v, i) => {
    if (t.nsByRound[i].length === 0) return;
    const base = variants.findIndex((b) => b.strategy === 'none' && b.sites === v.sites && b.n === v.n);
    if (base < 0 || t.nsByRound[base].length !== t.nsByRound[i].length) throw new Error(`calibration: no 'none' baseline for ${v.sites} sites`);
    if (t.retvals[i] !== t.retvals[base]) {
      throw new BpfError('runtime', `${v.program.name} returned ${t.retvals[i]} but the baseline returned ${t.retvals[base]}: a check took its unwind path`);
    }
    const nsPerSite = t.nsByRound[i].map((ns, r) => (ns - t.nsByRound[base][r]) / v.n);
    measured.push({
      strategy: v.strategy,
      sites: v.sites,
      n: v.n,
      nsPerRun: spread(t.nsByRound[i]),
      nsPerSite: spread(nsPerSite),
      cyclesPerSite: spread(nsPerSite.map((d, r) => d * t.ghzByRound[r])),
      retval: t.retvals[i] as number,
      insnCount: v.program.insns.length / 8,
      jitedBytes: t.images[i]?.jited ?? 0,
      xlated: t.images[i]?.xlated ?? new Uint8Array(0),
    });
  });
  return {
    variants: measured,
    clock: clockSummary(t.clocks),
    pinnedCpu: t.pinnedCpu,
    options: { loads: opts.loads, runsPerLoad: opts.runsPerLoad, repeat: opts.repeat },
    skipped,
  };
}

/** The rounds' clock measurements, summarised for a document. */
export function clockSummary(clocks: RoundTimingsClocks): ClockSummary {
  return {
    ghz: spread(clocks.map((c) => c.ghz)),
    fromFastest: spread(clocks.map((c) => c.fromFastest)),
    tscGhz: median(clocks.map((c) => c.tscGhz)),
    method: `per round: ${clocks[0]?.method ?? ''}`,
    cpuLabel: clocks[0]?.cpu.label ?? 'unknown',
  };
}
