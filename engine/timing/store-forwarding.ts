// Store-to-load forwarding: which recent store a load reads, and when that store's data
// is ready. Kept per 8-byte granule in a set-associative table whose replacement evicts
// the entry with the oldest data, so a store still in flight is never forgotten in favour
// of an unrelated address (a forgotten store would let its dependent load run before the
// data exists, and a chain through memory — a counter bumped by `lock add` in every
// frame, a spilled register — would silently fall apart). The table is far larger than
// any store queue the modelled cores have (Zen 5: 104 entries, AMD SOG Zen5; Golden
// Cove: 114), so eviction only ever drops stores whose data was ready long ago.

const SET_BITS = 8;
const WAYS = 4;

export class StoreForwarding {
  private readonly tags = new Int32Array((1 << SET_BITS) * WAYS).fill(-1);
  private readonly ready = new Float64Array((1 << SET_BITS) * WAYS);

  /** Tick the data of the last store to `addr`'s granule is ready (./ticks.ts), or -1 when no store is tracked. */
  lookup(addr: number): number {
    const g = addr >>> 3;
    const base = (g & ((1 << SET_BITS) - 1)) * WAYS;
    const tags = this.tags;
    for (let i = base; i < base + WAYS; i++) if (tags[i] === g) return this.ready[i];
    return -1;
  }

  /** Records a store to `addr`'s granule whose data is ready at `at`. */
  store(addr: number, at: number): void {
    const g = addr >>> 3;
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

  clear(): void {
    this.tags.fill(-1);
    this.ready.fill(0);
  }
}
