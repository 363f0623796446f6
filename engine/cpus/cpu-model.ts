// What the timing model knows about one simulated CPU. Every number is a Figure with
// the place it came from; `basis` says how much to trust it:
//   llvm-mca     the figure llvm-mca 14 prints for the named instruction with -mcpu
//                (checked again by benchmarks/llvm-mca-crosscheck.ts)
//   document     a vendor optimisation guide, a scheduling model file, uops.info,
//                Agner Fog, or a published measurement, named in `source`
//   assumption   no public figure was found; `source` says what was assumed and why
//   measurement  measured on a machine of that microarchitecture by
//                benchmarks/host-measure (`source` names the machine, date, median and range)
// A new CPU is one data file in this folder plus its name in index.ts.

import type { OpClass } from './op-classes.ts';

export type Basis = 'llvm-mca' | 'document' | 'assumption' | 'measurement';

export interface Figure {
  value: number;
  source: string;
  basis: Basis;
}

export interface OpCost {
  /** Cycles from operands ready to result ready. */
  latency: Figure;
  /** Reciprocal throughput: cycles between independent issues of this class. */
  rthroughput: Figure;
  /** The execution-port group that runs it (a label, for reports). */
  ports: string;
}

interface CacheLevel {
  sizeKiB: Figure;
  ways: Figure;
  /** Load-to-use latency of a hit at this level, cycles. */
  latency: Figure;
}

interface ReturnThunk {
  /** Whether a default-configured kernel on this CPU patches returns into a thunk. */
  appliesByDefault: boolean;
  /** Short name of the thunk a default kernel patches in (outputs print it beside the
   * model), or undefined when returns stay plain. */
  name?: string;
  /** Which mitigation and thunk (retbleed / SRSO / ITS), or why none. */
  mitigation: string;
  /** What the thunk executes per return, in addition to the `jmp` that reaches it. */
  ops: { cls: OpClass; text: string }[];
  source: string;
}

/** How the front end feeds decoded ops to rename: from the decoded-op cache when the code
 * window is in it, else through L1i fetch and the legacy decoders. L1i misses on a
 * predicted path are covered by the branch-predictor-directed prefetcher running ahead of
 * fetch (the fetch target queue), so they cost fill bandwidth, not a wait for L2; only a
 * fetch restarted by a mispredict waits for the line it lands on. */
export interface FrontEnd {
  /** Decoded-op cache (AMD op cache, Intel DSB, Arm MOP cache): sets × ways entries,
   * each holding up to opsPerEntry ops of one windowBytes-aligned window of code. */
  opCache: { sets: Figure; ways: Figure; opsPerEntry: Figure; windowBytes: Figure };
  /** Bytes per cycle the legacy path reads from L1i for the decoders. */
  fetchBytesPerCycle: Figure;
  /** Bytes per cycle an L1i fill from L2 delivers: the rate prefetched lines stream at. */
  l2FetchBytesPerCycle: Figure;
  /** Extra cycles a mispredict redirect costs when its target misses the op cache (the
   * decoder path is longer than the op-cache path). */
  decodeRedirectCycles: Figure;
}

/** A place where a figure here deliberately differs from what llvm-mca reports (LLVM 14
 * or 19; the reason names the version where they disagree). */
interface McaDifference {
  what: string; // e.g. 'load latency' or an op class
  ours: number;
  mca: number;
  reason: string;
}

export interface CpuModel {
  id: string;
  name: string;
  isa: 'x86-64' | 'arm64';
  /** llvm-mca -mcpu (and -mtriple for arm64) whose model is closest; null when LLVM 14 has none. */
  llvm: { mcpu: string; triple: string; modelInLlvm14: string } | null;
  frequencyGHz: Figure;
  decodeWidth: Figure;
  /** Rename/dispatch width, ops per cycle. */
  issueWidth: Figure;
  retireWidth: Figure;
  robSize: Figure;
  lineBytes: Figure;
  l1d: CacheLevel;
  l1i: { sizeKiB: Figure; ways: Figure };
  frontEnd: FrontEnd;
  l2: CacheLevel;
  llc: CacheLevel;
  /** DRAM load-to-use, ns (converted with frequencyGHz). */
  memoryLatencyNs: Figure;
  branchMispredictPenalty: Figure;
  /** Front-end cycles lost per taken branch (0 when the predictor redirects without a bubble). */
  takenBranchBubble: Figure;
  /** Predicted taken transfers (jumps, taken conditional branches, calls, returns) per
   * cycle: how fast the branch predictor can steer fetch from one block to the next. */
  takenBranchesPerCycle: Figure;
  /** Cycles a predicted call and a predicted return each hold the call/return prediction
   * path (return-address stack push, pop and redirect): back-to-back call/ret pairs run no
   * faster than call + ret cycles a pair, whatever else the callee does. */
  callReturnCycles: { call: Figure; ret: Figure };
  returnStackDepth: Figure;
  btbEntries: Figure;
  /** Cache-line transfer latency between cores, ns. */
  coreToCore: { sameCluster: Figure; crossCluster: Figure; crossSocket: Figure };
  returnThunk: ReturnThunk;
  ops: Record<OpClass, OpCost>;
  mcaDifferences: McaDifference[];
}

export function doc(value: number, source: string): Figure {
  return { value, source, basis: 'document' };
}

export function assume(value: number, source: string): Figure {
  return { value, source, basis: 'assumption' };
}

/** A latency/throughput pair as llvm-mca 14 prints it for one instruction. */
export function mca(mcpu: string, insn: string, latency: number, rthroughput: number, ports: string): OpCost {
  const source = `llvm-mca 14.0.6 -mcpu=${mcpu}, \`${insn}\``;
  return {
    latency: { value: latency, source, basis: 'llvm-mca' },
    rthroughput: { value: rthroughput, source, basis: 'llvm-mca' },
    ports,
  };
}

export function docCost(latency: number, rthroughput: number, ports: string, source: string): OpCost {
  return { latency: doc(latency, source), rthroughput: doc(rthroughput, source), ports };
}

export function assumeCost(latency: number, rthroughput: number, ports: string, source: string): OpCost {
  return { latency: assume(latency, source), rthroughput: assume(rthroughput, source), ports };
}

/** Cycles for a DRAM access on this model. */
export function memoryCycles(m: CpuModel): number {
  return Math.round(m.memoryLatencyNs.value * m.frequencyGHz.value);
}
