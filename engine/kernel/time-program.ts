// Times one program on the running kernel the way calibration needs it: several fresh
// loads (the JIT places each image at a random offset, which moves branch and cache
// alignment), several PROG_TEST_RUN calls per load, each averaging `repeat` runs in the
// kernel. The per-load figure is the median of its runs; the answer is the median and
// range of those across loads.
import { BpfError } from '../errors.ts';
import type { MapDef } from '../program.ts';
import { isRejected, type KernelHandle, type KernelMap, type KernelProgType, type LoadedProgram } from './bpf-syscall.ts';

interface TimeProgramOptions {
  /** Runs averaged inside the kernel per PROG_TEST_RUN call. */
  repeat: number;
  /** Fresh loads of the program. */
  loads: number;
  /** PROG_TEST_RUN calls per load. */
  runsPerLoad: number;
  progType?: KernelProgType; // default 'socket'
  maps?: readonly (MapDef | KernelMap)[];
  data?: Uint8Array;
  ctx?: Uint8Array;
  name?: string;
}

interface ProgramTiming {
  /** Median over loads of the per-load median, ns per run. */
  medianNs: number;
  minNs: number;
  maxNs: number;
  /** Per-load medians, in load order. */
  perLoadNs: number[];
  /** Every PROG_TEST_RUN duration, [load][run]. The kernel reports whole ns. */
  runsNs: number[][];
  /** r0 of the first run (u32). */
  retval: number;
  insnCount: number;
  /** Kernel program ids of the loads, for cross-reference with bpftool. */
  progIds: number[];
}

export function median(xs: readonly number[]): number {
  if (xs.length === 0) return Number.NaN;
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

/** Loads or throws a BpfError carrying the verifier's last words. */
export async function loadOrThrow(
  handle: KernelHandle,
  insns: Uint8Array,
  opts: { progType: KernelProgType; maps?: readonly (MapDef | KernelMap)[]; name?: string; sleepable?: boolean },
): Promise<LoadedProgram> {
  const r = await handle.load(insns, opts);
  if (!isRejected(r)) return r;
  const tail = r.log.trim().split('\n').slice(-3).join(' | ');
  throw new BpfError('load', `kernel rejected the program (${r.errno}): ${tail}`, { file: opts.name ?? 'program' });
}

function checkCounts(o: TimeProgramOptions): void {
  for (const k of ['repeat', 'loads', 'runsPerLoad'] as const) {
    if (!Number.isInteger(o[k]) || o[k] < 1) throw new BpfError('usage', `${k} must be a positive integer, got ${o[k]}`);
  }
}

export async function timeProgram(handle: KernelHandle, insns: Uint8Array, opts: TimeProgramOptions): Promise<ProgramTiming> {
  checkCounts(opts);
  const progType = opts.progType ?? 'socket';
  const runsNs: number[][] = [];
  const progIds: number[] = [];
  let retval = 0;
  for (let l = 0; l < opts.loads; l++) {
    const prog = await loadOrThrow(handle, insns, { progType, maps: opts.maps, name: opts.name });
    progIds.push(prog.progId);
    try {
      const runs: number[] = [];
      for (let r = 0; r < opts.runsPerLoad; r++) {
        const res = await handle.testRun(prog, { repeat: opts.repeat, data: opts.data, ctx: opts.ctx });
        if (l === 0 && r === 0) retval = res.retval;
        runs.push(res.durationNs);
      }
      runsNs.push(runs);
    } finally {
      await handle.unload(prog);
    }
  }
  const perLoadNs = runsNs.map(median);
  return {
    medianNs: median(perLoadNs),
    minNs: Math.min(...perLoadNs),
    maxNs: Math.max(...perLoadNs),
    perLoadNs,
    runsNs,
    retval,
    insnCount: insns.length / 8,
    progIds,
  };
}
