// Rounds for program types whose PROG_TEST_RUN runs once and reports no duration
// (raw_tracepoint, syscall: net/bpf/test_run.c bpf_prog_test_run_raw_tp and
// bpf_prog_test_run_syscall reject repeat and leave duration 0). Each run is timed by the
// runner's CLOCK_MONOTONIC around the bpf() call instead, so a figure includes the
// syscall's own entry and exit; a caller subtracts an empty program of the same type
// timed in the same rounds. Otherwise as timeInRounds: a clock per round, fresh loads,
// rotated passes, the median per round.
import { BpfError } from '../errors.ts';
import type { KernelHandle, LoadedProgram } from '../kernel/bpf-syscall.ts';
import type { KernelProgType } from '../kernel/uapi.ts';
import { measureClock, type ClockMeasurement } from '../kernel/clock-ruler.ts';
import { median } from '../kernel/time-program.ts';
import { isRejected } from '../kernel/bpf-syscall.ts';
import type { RoundOptions, RoundTimings, TimedProgram } from './rounds.ts';

/** Single runs per program per pass (`runsPerLoad` passes): one run is a ~1 µs syscall,
 * too short for one to say much. */
const RUNS_PER_PASS = 50;

/** BPF_PROG_TYPE_SYSCALL programs load only as sleepable (kernel/bpf/verifier.c
 * check_attach_btf_id: "Syscall programs can only be sleepable"). */
const SLEEPABLE_ONLY: ReadonlySet<KernelProgType> = new Set(['syscall']);

async function loadSleepableIfNeeded(handle: KernelHandle, p: TimedProgram): Promise<LoadedProgram> {
  const r = await handle.load(p.insns, { progType: p.progType, maps: p.maps, name: p.name, sleepable: SLEEPABLE_ONLY.has(p.progType) });
  if (!isRejected(r)) return r;
  const tail = r.log.trim().split('\n').slice(-3).join(' | ');
  throw new BpfError('load', `kernel rejected the program (${r.errno}): ${tail}`, { file: p.name });
}

export async function timeInWallRounds(handle: KernelHandle, programs: readonly TimedProgram[], opts: RoundOptions): Promise<RoundTimings> {
  for (const k of ['loads', 'runsPerLoad'] as const) {
    if (!Number.isInteger(opts[k]) || opts[k] < 1) throw new BpfError('usage', `${k} must be a positive integer, got ${opts[k]}`);
  }
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
    const progs: (LoadedProgram | undefined)[] = [];
    try {
      for (const [i, p] of programs.entries()) {
        if (skipped.some((s) => s.index === i)) {
          progs.push(undefined);
          continue;
        }
        try {
          progs.push(await loadSleepableIfNeeded(handle, p));
        } catch (e) {
          if (!p.mayBeRejected || !(e instanceof BpfError)) throw e;
          skipped.push({ index: i, reason: e.message });
          progs.push(undefined);
        }
      }
      const runs: number[][] = programs.map(() => []);
      // One run of each program in turn, so the programs' runs interleave within
      // microseconds and a burst of other work lands on all of them alike.
      for (let r = 0; r < opts.runsPerLoad * RUNS_PER_PASS; r++) {
        for (let j = 0; j < programs.length; j++) {
          const i = (j + r) % programs.length;
          const p = progs[i];
          if (!p) continue;
          const res = await handle.testRun(p, { repeat: 1, data: programs[i].data, ctx: programs[i].ctx });
          runs[i].push(res.wallNs);
          retvals[i] ??= res.retval;
          if (retvals[i] !== res.retval) throw new BpfError('runtime', `${programs[i].name} returned ${res.retval}, earlier ${retvals[i]}`);
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
