// Store-to-load forwarding: which recent store a load reads, and when that store's data
// is ready. Kept per 8-byte granule in a set-associative table whose replacement evicts
// the entry with the oldest data, so a store still in flight is never forgotten in favour
// of an unrelated address (a forgotten store would let its dependent load run before the
// data exists, and a chain through memory — a counter bumped by `lock add` in every
// frame, a spilled register — would silently fall apart). The table is far larger than
// any store queue the modelled cores have (Zen 5: 104 entries, AMD SOG Zen5; Golden
// Cove: 114), so eviction only ever drops stores whose data was ready long ago.

import type { FunctionalStateLog, Journaled } from './memo/functional-state-log.ts';
import type { StateWriter } from './memo/state-writer.ts';

const SET_BITS = 8;
const WAYS = 4;

export class StoreForwarding implements Journaled {
  private readonly tags = new Int32Array((1 << SET_BITS) * WAYS).fill(-1);
  private readonly ready = new Float64Array((1 << SET_BITS) * WAYS);
  /** While a memoised invocation is recorded: told of every set before it is touched. */
  journal: FunctionalStateLog | null = null;
  journalId = -1;
  readonly unitLength = 2 * WAYS;
  readonly unitCount = 1 << SET_BITS;

  /** Tick the data of the last store to `addr`'s granule is ready (./ticks.ts), or -1 when no store is tracked. */
  lookup(addr: number): number {
    const g = addr >>> 3;
    if (this.journal !== null) this.journal.touch(this, g & ((1 << SET_BITS) - 1));
    const base = (g & ((1 << SET_BITS) - 1)) * WAYS;
    const tags = this.tags;
    for (let i = base; i < base + WAYS; i++) if (tags[i] === g) return this.ready[i];
    return -1;
  }

  /** Records a store to `addr`'s granule whose data is ready at `at`. */
  store(addr: number, at: number): void {
    const g = addr >>> 3;
    if (this.journal !== null) this.journal.touch(this, g & ((1 << SET_BITS) - 1));
    const base = (g & ((1 << SET_BITS) - 1)) * WAYS;
    const tags = this.tags;
    const ready = this.ready;
    let victim = base;
    for (let i = base; i < base + WAYS; i++) {
      if (tags[i] === g) {
        victim = i;
        break;
      }
      if (tags[i] === -1) {
        if (tags[victim] !== -1) victim = i;
      } else if (tags[victim] !== -1 && ready[i] < ready[victim]) victim = i;
    }
    tags[victim] = g;
    ready[victim] = at;
  }

  /**
   * A set relative to tick `base`, when every later load and store happens at or after
   * it: per way its granule and when its data is ready. A ready time after `base` is kept
   * (relative); one at or before it is only ever compared with later times (which it
   * never exceeds) and with the set's other old times (replacement evicts the oldest),
   * so it is kept as its rank among those: -1 the newest, -2 the next, ...
   */
  saveUnit(set: number, base: number, out: StateWriter): void {
    const at = set * WAYS;
    const tags = this.tags;
    const ready = this.ready;
    for (let i = at; i < at + WAYS; i++) {
      out.push(tags[i]);
      if (tags[i] === -1) {
        out.push(0);
        continue;
      }
      const v = ready[i];
      if (v >= base) {
        out.push(v - base);
        continue;
      }
      let newer = 0;
      for (let j = at; j < at + WAYS; j++) if (tags[j] !== -1 && ready[j] > v && ready[j] < base) newer++;
      out.push(-1 - newer);
    }
  }

  restoreUnit(set: number, base: number, data: Float64Array, at: number): number {
    for (let i = 0; i < WAYS; i++) {
      this.tags[set * WAYS + i] = data[at + 2 * i];
      this.ready[set * WAYS + i] = data[at + 2 * i] === -1 ? 0 : base + data[at + 2 * i + 1];
    }
    return at + 2 * WAYS;
  }

  clear(): void {
    this.tags.fill(-1);
    this.ready.fill(0);
  }
}
