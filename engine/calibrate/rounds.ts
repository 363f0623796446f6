// The kernel side of every calibration kind: a set of programs timed in rounds. One round
// = one clock-ruler measurement, then one fresh load of every program (the JIT places each
// image at a random offset), then `runsPerLoad` passes over the programs, each pass one
// PROG_TEST_RUN of every program in a rotated order. So each round has its own clock and
// its own baselines, taken within milliseconds of what they convert, and drift or a burst
// of load from other work hits all programs of a round alike. Per round and program the
// figure is the median over its runs.
//
// Program types whose PROG_TEST_RUN runs once and reports no duration (raw_tracepoint,
// syscall: net/bpf/test_run.c bpf_prog_test_run_raw_tp and bpf_prog_test_run_syscall
// reject repeat and leave duration 0) are timed with `wallClock`: each run by the
// runner's CLOCK_MONOTONIC around the bpf() call, so a figure includes the syscall's own
// entry and exit, and a caller subtracts an empty program of the same type timed in the
// same rounds.
import { BpfError } from '../errors.ts';
import type { KernelHandle, KernelProgType, LoadedProgram } from '../kernel/bpf-syscall.ts';
import { PACKET_PROG_TYPES } from '../kernel/uapi.ts';
import { measureClock, type ClockMeasurement } from '../kernel/clock-ruler.ts';
import { loadOrThrow, median } from '../kernel/time-program.ts';
import type { MapDef } from '../program.ts';

export interface TimedProgram {
  /** BPF_OBJ_NAME_LEN: at most 15 characters. */
  name: string;
  insns: Uint8Array;
  progType: KernelProgType;
  maps: readonly MapDef[];
  /** Packet (data_in) for packet program types; default 64 zero bytes. */
  data?: Uint8Array;
  ctx?: Uint8Array;
  /** Must run on CPU 0 (an analog whose hot path is CPU 0's). */
  needsCpu0?: boolean;
  /** A rejection drops this program with its reason instead of failing the run. */
  mayBeRejected?: boolean;
  /** r0 depends on state the program keeps in maps (the executor saw it change between
   * runs), so a changing r0 is expected, not a failed run; the first run's is kept. */
  retvalMayVary?: boolean;
}

export interface RoundOptions {
  /** Rounds (fresh loads of every program, each with its own clock measurement). */
  loads: number;
  /** PROG_TEST_RUN passes over the programs per round. */
  runsPerLoad: number;
  /** Runs averaged inside the kernel per PROG_TEST_RUN. */
  repeat: number;
  /** Clock ruler per round: interleaved run pairs (default 11) and kernel repeat (2000). */
  clockRuns?: number;
  clockRepeat?: number;
  /** Called after each round (progress). */
  onRound?: (done: number, total: number) => void;
  /** Time single runs by the wall clock around bpf() (see the file comment); `repeat` is
   * then unused and each pass is WALL_RUNS_PER_PASS single runs per program. */
  wallClock?: boolean;
}

/** Single runs per program per pass under wallClock: one run is a ~1 µs syscall, too
 * short for one to say much. */
const WALL_RUNS_PER_PASS = 50;

/** BPF_PROG_TYPE_SYSCALL programs load only as sleepable (kernel/bpf/verifier.c
 * check_attach_btf_id: "Syscall programs can only be sleepable"). */
const SLEEPABLE_ONLY: ReadonlySet<KernelProgType> = new Set(['syscall']);

export interface RoundTimings {
  /** [program][round]: median ns per run of that round; empty for a skipped program. */
  nsByRound: number[][];
  /** Per round: the clock ruler's GHz. */
  ghzByRound: number[];
  clocks: ClockMeasurement[];
  /** u32 r0 per program (the same in every run, or the run fails). */
  retvals: (number | undefined)[];
  /** First load's images. */
  images: ({ jited: number; xlated: Uint8Array } | undefined)[];
  /** Programs the kernel refused (only those marked mayBeRejected). */
  skipped: { index: number; reason: string }[];
  pinnedCpu?: number;
}

const DATA = new Uint8Array(64);

function checkOptions(o: RoundOptions): void {
  for (const k of ['loads', 'runsPerLoad', 'repeat'] as const) {
    if (!Number.isInteger(o[k]) || o[k] < 1) throw new BpfError('usage', `${k} must be a positive integer, got ${o[k]}`);
  }
}

async function loadAll(handle: KernelHandle, programs: readonly TimedProgram[], skipped: RoundTimings['skipped']): Promise<(LoadedProgram | undefined)[]> {
  const out: (LoadedProgram | undefined)[] = [];
  for (const [i, p] of programs.entries()) {
    if (skipped.some((s) => s.index === i)) {
      out.push(undefined);
      continue;
    }
    try {
      out.push(await loadOrThrow(handle, p.insns, { progType: p.progType, maps: p.maps, name: p.name, sleepable: SLEEPABLE_ONLY.has(p.progType) }));
    } catch (e) {
      if (!p.mayBeRejected || !(e instanceof BpfError)) {
        await Promise.all(out.map((q) => q && handle.unload(q)));
        throw e;
      }
      skipped.push({ index: i, reason: e.message });
      out.push(undefined);
    }
  }
  return out;
}

export async function timeInRounds(handle: KernelHandle, programs: readonly TimedProgram[], opts: RoundOptions): Promise<RoundTimings> {
  checkOptions(opts);
  const skipped: RoundTimings['skipped'] = [];
  let pinnedCpu: number | undefined;
  if (programs.some((p) => p.needsCpu0)) {
    try {
      await handle.pinCpu(0);
      pinnedCpu = 0;
    } catch (e) {
      programs.forEach((p, index) => {
        if (p.needsCpu0) skipped.push({ index, reason: `cannot pin to CPU 0: ${(e as Error).message}` });
      });
    }
  }
  const nsByRound: number[][] = programs.map(() => []);
  const retvals: (number | undefined)[] = programs.map(() => undefined);
  const images: RoundTimings['images'] = programs.map(() => undefined);
  const clocks: ClockMeasurement[] = [];
  for (let round = 0; round < opts.loads; round++) {
    clocks.push(await measureClock(handle, { loads: 1, runsPerLoad: opts.clockRuns ?? 11, repeat: opts.clockRepeat ?? 2000 }));
    const progs = await loadAll(handle, programs, skipped);
    try {
      const runs: number[][] = programs.map(() => []);
      const passes = opts.wallClock ? opts.runsPerLoad * WALL_RUNS_PER_PASS : opts.runsPerLoad;
      for (let r = 0; r < passes; r++) {
        for (let j = 0; j < programs.length; j++) {
          const i = (j + r) % programs.length; // rotate so no program always runs first
          const p = progs[i];
          if (!p) continue;
          const data = programs[i].data ?? (PACKET_PROG_TYPES.has(programs[i].progType) ? DATA : undefined);
          const res = await handle.testRun(p, { repeat: opts.wallClock ? 1 : opts.repeat, data, ctx: programs[i].ctx });
          runs[i].push(opts.wallClock ? res.wallNs : res.durationNs);
          retvals[i] ??= res.retval;
          if (retvals[i] !== res.retval && !programs[i].retvalMayVary) throw new BpfError('runtime', `${programs[i].name} returned ${res.retval}, earlier ${retvals[i]}`);
        }
      }
      for (let i = 0; i < programs.length; i++) {
        const p = progs[i];
        if (!p) continue;
        nsByRound[i].push(median(runs[i]));
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
  return { nsByRound, ghzByRound: clocks.map((c) => c.ghz), clocks, retvals, images, skipped, pinnedCpu };
}
