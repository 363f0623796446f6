// Execution-port occupancy per port group, as a calendar of cycles: an op of a class with
// reciprocal throughput r may issue in a cycle where its group has run fewer than
// round(1/r) ops (r < 1), or holds its unit for round(r) cycles (r >= 1: dividers). A ring
// of tagged cycle slots keeps this allocation-free; an op searches forward from the
// cycle its operands are ready, so independent later ops can fill earlier free slots.

const RING = 4096;

export class PortCalendar {
  private readonly tags: Float64Array;
  private readonly counts: Uint16Array;

  constructor(readonly groups: number) {
    this.tags = new Float64Array(groups * RING).fill(-1);
    this.counts = new Uint16Array(groups * RING);
  }

  /** Reserves the first cycle >= `ready` with room for one op; returns that cycle. */
  reserve(group: number, ready: number, cap: number, occupancy: number): number {
    const tags = this.tags;
    const counts = this.counts;
    const base = group * RING;
    let t = Math.ceil(ready);
    for (;;) {
      let free = true;
      for (let j = 0; j < occupancy; j++) {
        const c = t + j;
        const i = base + (c & (RING - 1));
        if (tags[i] === c && counts[i] >= cap) {
          free = false;
          t = c + 1;
          break;
        }
      }
      if (free) break;
    }
    for (let j = 0; j < occupancy; j++) {
      const c = t + j;
      const i = base + (c & (RING - 1));
      if (tags[i] !== c) {
        tags[i] = c;
        counts[i] = 0;
      }
      counts[i]++;
    }
    return t;
  }

  clear(): void {
    this.tags.fill(-1);
    this.counts.fill(0);
  }
}
