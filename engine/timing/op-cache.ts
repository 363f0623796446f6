// The decoded-op cache (AMD op cache, Intel Decoded ICache, Arm MOP cache): sets of ways,
// each way holding up to opsPerEntry ops of one aligned code window, so a window of m ops
// occupies ceil(m / opsPerEntry) ways of its set. A window needing more ways than a set
// has is never cached (it always takes the decoder path), as the vendors describe for
// windows with too many ops. Replacement: least recently used, per set.

import type { CpuModel } from '../cpus/cpu-model.ts';
import { lruRank, pushSortedPairs, type FunctionalStateLog, type Journaled } from './memo/functional-state-log.ts';
import type { StateWriter } from './memo/state-writer.ts';

export class OpCache implements Journaled {
  readonly sets: number;
  readonly ways: number;
  readonly opsPerEntry: number;
  readonly windowShift: number;
  /** Per way: the window it holds (-1 free) and when it was last used. */
  private readonly tag: Float64Array;
  private readonly stamp: Float64Array;
  private clock = 0;
  /** Per set: the window accessed last, while it is still cached whole (-1: none). A
   * hit on it changes nothing LRU replacement reads (its ways are already the newest),
   * and a loop alternating between windows of different sets hits this way every time. */
  private readonly newest: Float64Array;
  hits = 0;
  misses = 0;
  /** While a memoised invocation is recorded: told of every set before it is touched. */
  journal: FunctionalStateLog | null = null;
  journalId = -1;
  readonly unitLength: number;
  readonly unitCount: number;
  private readonly pairScratch: number[] = [];

  constructor(cpu: CpuModel) {
    const oc = cpu.frontEnd.opCache;
    this.sets = oc.sets.value;
    this.ways = oc.ways.value;
    this.opsPerEntry = oc.opsPerEntry.value;
    this.unitLength = 2 * this.ways;
    this.unitCount = this.sets;
    this.windowShift = Math.log2(oc.windowBytes.value);
    if (!Number.isInteger(this.windowShift)) throw new RangeError(`${cpu.id}: op cache window ${oc.windowBytes.value} is not a power of two`);
    this.tag = new Float64Array(this.sets * this.ways).fill(-1);
    this.stamp = new Float64Array(this.sets * this.ways);
    this.newest = new Float64Array(this.sets).fill(-1);
  }

  /** Looks up `window` holding `ops` ops; on a miss the decoders fill it (over the least
   * recently used ways of its set). True on a hit. */
  access(window: number, ops: number): boolean {
    const need = Math.max(1, Math.ceil(ops / this.opsPerEntry));
    const set = window % this.sets;
    if (this.journal !== null) this.journal.touch(this, set);
    if (this.newest[set] === window) {
      this.hits++;
      return true;
    }
    const base = set * this.ways;
    const now = ++this.clock;
    let held = 0;
    for (let i = base; i < base + this.ways; i++) if (this.tag[i] === window) held++;
    if (held >= need) {
      for (let i = base; i < base + this.ways; i++) if (this.tag[i] === window) this.stamp[i] = now;
      this.newest[set] = window;
      this.hits++;
      return true;
    }
    this.misses++;
    if (need > this.ways) {
      this.newest[set] = -1;
      return false;
    }
    // Evict the window's own stale ways first, then the least recently used others.
    for (let i = base; i < base + this.ways; i++) if (this.tag[i] === window) this.tag[i] = -1;
    for (let n = 0; n < need; n++) {
      let victim = base;
      for (let i = base; i < base + this.ways; i++) {
        if (this.tag[i] === -1) {
          victim = i;
          break;
        }
        if (this.stamp[i] < this.stamp[victim]) victim = i;
      }
      const old = this.tag[victim];
      // A window is cached whole or not at all: dropping one of its ways drops the rest.
      if (old !== -1) for (let i = base; i < base + this.ways; i++) if (this.tag[i] === old) this.tag[i] = -1;
      this.tag[victim] = window;
      this.stamp[victim] = now;
    }
    this.newest[set] = window;
    return false;
  }

  /** A set as its (window, recency rank) pairs, sorted. Which way holds what does not
   * matter: a free way is taken before any stamp is read (so a free way's rank is left
   * out), and stamps tie only among the ways of one window, which go together. */
  saveUnit(set: number, _base: number, out: StateWriter): void {
    const base = set * this.ways;
    const pairs = this.pairScratch;
    for (let i = 0; i < this.ways; i++) {
      const free = this.tag[base + i] === -1;
      pairs[2 * i] = this.tag[base + i];
      pairs[2 * i + 1] = free ? 0 : lruRank(this.stamp, base + i, base, this.ways, 1);
    }
    pushSortedPairs(out, pairs, this.ways);
  }

  restoreUnit(set: number, _base: number, data: Float64Array, at: number): number {
    const base = set * this.ways;
    for (let i = 0; i < this.ways; i++) {
      this.tag[base + i] = data[at + 2 * i];
      this.stamp[base + i] = this.clock + 1 + data[at + 2 * i + 1];
    }
    this.clock += this.ways + 1;
    this.newest[set] = -1;
    return at + 2 * this.ways;
  }

  clear(): void {
    this.tag.fill(-1);
    this.stamp.fill(0);
    this.newest.fill(-1);
    this.clock = 0;
    this.hits = this.misses = 0;
  }
}
