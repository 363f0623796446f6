// Execution-port occupancy per port group, as a calendar of cycles: an op of a class with
// reciprocal throughput r may issue in a cycle where its group has run fewer than
// round(1/r) ops (r < 1), or holds its unit for round(r) cycles (r >= 1: dividers). A ring
// of tagged cycle slots keeps this allocation-free; an op searches forward from the
// cycle its operands are ready, so independent later ops can fill earlier free slots.
// Times in and out are ticks (./ticks.ts); the calendar itself counts whole cycles.

import type { StateWriter } from './memo/state-writer.ts';
import { TICKS_PER_CYCLE, ceilCycle } from './ticks.ts';

// Module locals: reserve() runs for every op, and imported bindings may go through the
// loader's module-namespace getters (a profile without inlining showed them at 9%).
const TPC = TICKS_PER_CYCLE;
const ceilCycleOf = ceilCycle;

export const RING = 4096;
const MASK = RING - 1;

export class PortCalendar {
  // A slot's tag is the cycle it counts plus one, so 0 marks a slot never used and a new
  // calendar (one per model, i.e. per strategy × CPU model) needs no fill pass.
  private readonly tags: Float64Array;
  private readonly counts: Uint16Array;
  /** Per group: the last cycle any reservation holds (-1: none), so the memo can read
   * the calendar from a cycle on without scanning the ring. */
  readonly last: Float64Array;

  constructor(readonly groups: number) {
    this.tags = new Float64Array(groups * RING);
    this.counts = new Uint16Array(groups * RING);
    this.last = new Float64Array(groups).fill(-1);
  }

  /** Writes, per group, the cycles from `cycle` on that hold reservations: their number,
   * then (offset from `cycle`, ops) pairs. False when one lies a ring or more ahead. */
  save(cycle: number, out: StateWriter): boolean {
    const tags = this.tags;
    const counts = this.counts;
    for (let g = 0; g < this.groups; g++) {
      const last = this.last[g];
      if (last - cycle >= RING) return false;
      const base = g * RING;
      const at = out.length;
      out.push(0);
      let held = 0;
      for (let c = cycle; c <= last; c++) {
        const i = base + (c & MASK);
        if (tags[i] === c + 1 && counts[i] !== 0) {
          out.push(c - cycle);
          out.push(counts[i]);
          held++;
        }
      }
      out.data[at] = held;
    }
    return true;
  }

  /** Replaces every reservation from `cycle` on with what save() wrote; returns the index
   * after it. */
  restore(cycle: number, data: Float64Array, at: number): number {
    const tags = this.tags;
    const counts = this.counts;
    for (let g = 0; g < this.groups; g++) {
      const base = g * RING;
      for (let c = cycle, last = this.last[g]; c <= last; c++) {
        const i = base + (c & MASK);
        tags[i] = 0;
        counts[i] = 0;
      }
      let last = cycle - 1;
      for (let held = data[at++]; held > 0; held--, at += 2) {
        last = cycle + data[at];
        const i = base + (last & MASK);
        tags[i] = last + 1;
        counts[i] = data[at + 1];
      }
      this.last[g] = last;
    }
    return at;
  }

  /** Reserves the first whole cycle at or after tick `ready` with room for one op;
   * returns that cycle, in ticks. */
  reserve(group: number, ready: number, cap: number, occupancy: number): number {
    return this.reserveCycle(group, ceilCycleOf(ready), cap, occupancy) * TPC;
  }

  private reserveCycle(group: number, first: number, cap: number, occupancy: number): number {
    const t = this.firstFree(group, first, cap, occupancy);
    const end = t + occupancy - 1;
    if (end > this.last[group]) this.last[group] = end;
    return t;
  }

  private firstFree(group: number, first: number, cap: number, occupancy: number): number {
    const tags = this.tags;
    const counts = this.counts;
    const base = group * RING;
    let t = first;
    if (occupancy === 1) {
      // Nearly every op: one slot to check and take.
      for (;;) {
        const i = base + (t & MASK);
        if (tags[i] !== t + 1) {
          tags[i] = t + 1;
          counts[i] = 1;
          return t;
        }
        if (counts[i] < cap) {
          counts[i]++;
          return t;
        }
        t++;
      }
    }
    for (;;) {
      let free = true;
      for (let j = 0; j < occupancy; j++) {
        const c = t + j;
        const i = base + (c & MASK);
        if (tags[i] === c + 1 && counts[i] >= cap) {
          free = false;
          t = c + 1;
          break;
        }
      }
      if (free) break;
    }
    for (let j = 0; j < occupancy; j++) {
      const c = t + j;
      const i = base + (c & MASK);
      if (tags[i] !== c + 1) {
        tags[i] = c + 1;
        counts[i] = 0;
      }
      counts[i]++;
    }
    return t;
  }

  clear(): void {
    this.tags.fill(0);
    this.counts.fill(0);
    this.last.fill(-1);
  }
}
