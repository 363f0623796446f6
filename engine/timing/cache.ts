// Set-associative LRU caches and the per-CPU hierarchy the out-of-order model sends loads,
// stores and instruction fetches through. Addresses are byte addresses in one synthetic
// space (see SYNTH below); a cache holds line numbers (address >>> log2(line size)).

import type { CpuModel } from '../cpus/cpu-model.ts';
import { memoryCycles } from '../cpus/cpu-model.ts';
import { lruRank, pushSortedPairs, type FunctionalStateLog, type Journaled } from './memo/functional-state-log.ts';
import type { StateWriter } from './memo/state-writer.ts';

/**
 * The synthetic address space. BPF loads and stores use the executor's memory offset
 * (below 512 MiB); kernel data the JIT or a helper touches without a BPF address gets a
 * fixed region per AddrKind, so repeated invocations hit the same lines as they do on
 * hardware; the JIT image lives in its own range for the instruction-footprint model.
 */
export const SYNTH = {
  nativeStackTop: 0x3000_0000,
  percpu: 0x3100_0000,
  current: 0x3100_1000,
  kernel: 0x3100_4000,
  image: 0x3800_0000,
} as const;

/** Sets per lazily allocated block of a cache's state (see SetAssocCache). */
const CHUNK_BITS = 4;
const CHUNK_SETS = 1 << CHUNK_BITS;

export class SetAssocCache implements Journaled {
  // A model is created per strategy × CPU model and the LLCs are large (Neoverse V2: 117
  // MiB, 1.9 M lines), while a BPF program touches a few hundred lines: allocating and
  // filling every way up front was a large share of a run's time and of its garbage. So
  // the ways live in blocks of CHUNK_SETS sets, allocated on first touch. A block holds
  // each way as a (tag, stamp) pair; an untouched way is tag -1, stamp 0.
  private chunks: (Float64Array | undefined)[];
  private readonly allocated: Float64Array[] = [];
  private readonly sets: number;
  /** sets - 1 when sets is a power of two (a mask replaces the division), else -1. */
  private readonly setMask: number;
  private clock = 0;
  hits = 0;
  misses = 0;
  /** While a memoised invocation is recorded: told of every set before it is touched. */
  journal: FunctionalStateLog | null = null;
  journalId = -1;
  readonly unitLength: number;
  readonly unitCount: number;
  private readonly pairScratch: number[] = [];

  constructor(
    readonly sizeBytes: number,
    readonly ways: number,
    readonly lineBytes: number,
  ) {
    this.sets = Math.max(1, Math.floor(sizeBytes / lineBytes / ways));
    this.setMask = (this.sets & (this.sets - 1)) === 0 ? this.sets - 1 : -1;
    this.unitLength = 2 * ways;
    this.unitCount = this.sets;
    this.chunks = new Array<Float64Array | undefined>((this.sets + CHUNK_SETS - 1) >>> CHUNK_BITS).fill(undefined);
  }

  private chunk(c: number): Float64Array {
    const block = new Float64Array(CHUNK_SETS * this.ways * 2);
    for (let i = 0; i < block.length; i += 2) block[i] = -1;
    this.chunks[c] = block;
    this.allocated.push(block);
    return block;
  }

  /** Set of `line` (a non-negative line number). */
  private setOf(line: number): number {
    return this.setMask >= 0 ? line & this.setMask : line % this.sets;
  }

  /** Looks `line` up; on a miss fills it over the least recently used way. */
  access(line: number): boolean {
    const set = this.setOf(line);
    if (this.journal !== null) this.journal.touch(this, set);
    const e = this.chunks[set >>> CHUNK_BITS] ?? this.chunk(set >>> CHUNK_BITS);
    const base = (set & (CHUNK_SETS - 1)) * this.ways * 2;
    const now = ++this.clock;
    let victim = base;
    for (let i = base, end = base + this.ways * 2; i < end; i += 2) {
      if (e[i] === line) {
        e[i + 1] = now;
        this.hits++;
        return true;
      }
      if (e[i + 1] < e[victim + 1]) victim = i;
    }
    e[victim] = line;
    e[victim + 1] = now;
    this.misses++;
    return false;
  }

  /** Drops `line` (another core wrote it). */
  invalidate(line: number): void {
    const set = this.setOf(line);
    if (this.journal !== null) this.journal.touch(this, set);
    const e = this.chunks[set >>> CHUNK_BITS];
    if (e === undefined) return;
    const base = (set & (CHUNK_SETS - 1)) * this.ways * 2;
    for (let i = base, end = base + this.ways * 2; i < end; i += 2) if (e[i] === line) e[i] = -1;
  }

  /** A set as its (tag, recency rank) pairs, sorted: replacement reads only the order of
   * the stamps, not their values, and which way holds a line does not matter (a line is
   * in one way at most; the only equal stamps are those of never-used ways, alike). */
  saveUnit(set: number, _base: number, out: StateWriter): void {
    const e = this.chunks[set >>> CHUNK_BITS];
    const w = this.ways;
    if (e === undefined) {
      for (let i = 0; i < w; i++) {
        out.push(-1);
        out.push(0);
      }
      return;
    }
    const base = (set & (CHUNK_SETS - 1)) * w * 2;
    const pairs = this.pairScratch;
    for (let i = 0; i < w; i++) {
      pairs[2 * i] = e[base + 2 * i];
      pairs[2 * i + 1] = lruRank(e, base + 2 * i + 1, base + 1, w, 2);
    }
    pushSortedPairs(out, pairs, w);
  }

  /** Writes a set saved by saveUnit: stamps above every stamp given so far, in saved order. */
  restoreUnit(set: number, _base: number, data: Float64Array, at: number): number {
    const e = this.chunks[set >>> CHUNK_BITS] ?? this.chunk(set >>> CHUNK_BITS);
    const w = this.ways;
    const base = (set & (CHUNK_SETS - 1)) * w * 2;
    for (let i = 0; i < w; i++) {
      e[base + 2 * i] = data[at + 2 * i];
      e[base + 2 * i + 1] = this.clock + 1 + data[at + 2 * i + 1];
    }
    this.clock += w + 1;
    return at + 2 * w;
  }

  clear(): void {
    for (const block of this.allocated) for (let i = 0; i < block.length; i += 2) {
      block[i] = -1;
      block[i + 1] = 0;
    }
    this.clock = 0;
    this.hits = this.misses = 0;
  }
}

/** What several simulated CPUs share: the last-level cache. */
export interface SharedCaches {
  llc: SetAssocCache;
}

export function createSharedCaches(cpu: CpuModel): SharedCaches {
  const line = cpu.lineBytes.value;
  return { llc: new SetAssocCache(cpu.llc.sizeKiB.value * 1024, cpu.llc.ways.value, line) };
}

/** One core's private L1d, L1i and L2 in front of a (possibly shared) LLC. */
export class CacheHierarchy {
  readonly l1d: SetAssocCache;
  readonly l1i: SetAssocCache;
  readonly l2: SetAssocCache;
  readonly llc: SetAssocCache;
  readonly lineShift: number;
  /** Extra load-to-use cycles over an L1 hit, indexed by the level that hit (1..4). */
  readonly extra: Float64Array;
  /** Fetch stall cycles of an L1i miss served by level 2..4 (index 1 unused: a hit). */
  readonly fetchStall: Float64Array;

  /** The LLC is this core's own (no SharedCaches given): reset() may clear it. */
  private readonly ownsLlc: boolean;

  constructor(cpu: CpuModel, shared?: SharedCaches) {
    this.ownsLlc = shared === undefined;
    shared ??= createSharedCaches(cpu);
    const line = cpu.lineBytes.value;
    this.lineShift = Math.log2(line);
    if (!Number.isInteger(this.lineShift)) throw new RangeError(`${cpu.id}: line size ${line} is not a power of two`);
    this.l1d = new SetAssocCache(cpu.l1d.sizeKiB.value * 1024, cpu.l1d.ways.value, line);
    this.l1i = new SetAssocCache(cpu.l1i.sizeKiB.value * 1024, cpu.l1i.ways.value, line);
    this.l2 = new SetAssocCache(cpu.l2.sizeKiB.value * 1024, cpu.l2.ways.value, line);
    this.llc = shared.llc;
    const l1 = cpu.l1d.latency.value;
    const mem = memoryCycles(cpu);
    this.extra = Float64Array.of(0, 0, cpu.l2.latency.value - l1, cpu.llc.latency.value - l1, mem - l1);
    this.fetchStall = Float64Array.of(0, 0, cpu.l2.latency.value, cpu.llc.latency.value, mem);
  }

  /** Level (1 L1d, 2 L2, 3 LLC, 4 memory) that served a data access to byte address `addr`. */
  data(addr: number): number {
    const line = addr >>> this.lineShift;
    if (this.l1d.access(line)) return 1;
    if (this.l2.access(line)) return 2;
    return this.llc.access(line) ? 3 : 4;
  }

  /** Level that served an instruction fetch of the line holding `addr`. */
  fetch(addr: number): number {
    const line = addr >>> this.lineShift;
    if (this.l1i.access(line)) return 1;
    if (this.l2.access(line)) return 2;
    return this.llc.access(line) ? 3 : 4;
  }

  clearPrivate(): void {
    this.l1d.clear();
    this.l1i.clear();
    this.l2.clear();
  }

  /** Everything this core owns: the private levels and, when it is not shared, the LLC. */
  clearOwned(): void {
    this.clearPrivate();
    if (this.ownsLlc) this.llc.clear();
  }
}
