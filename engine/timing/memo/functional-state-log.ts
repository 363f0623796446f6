// The functional state an invocation reads and writes (cache and op-cache sets,
// store-forwarding sets, call-stack entries), logged at the unit each structure is
// organised in. (The branch predictor is not logged: it runs live, see
// ./memoised-ooo-model.ts.) While an invocation is recorded every structure tells
// the log of a unit before touching it; the log saves that unit's canonical content at
// the start (the read set). At the end the same units' content is saved again (the write
// set). A later invocation with the same start time state and event trace behaves
// identically if every unit of the read set holds the same canonical content then: the
// model reads nothing else of these structures.

import { StateWriter } from './state-writer.ts';

/** A structure whose units the log can save and restore. `base` is the tick every later
 * access happens at or after (for units that hold times). */
export interface Journaled {
  journal: FunctionalStateLog | null;
  journalId: number;
  /** Numbers saveUnit writes per unit. */
  readonly unitLength: number;
  /** Units the structure has (unit numbers are below it). */
  readonly unitCount: number;
  saveUnit(unit: number, base: number, out: StateWriter): void;
  /** Restores a unit saved by saveUnit from data[at..]; returns the index after it. */
  restoreUnit(unit: number, base: number, data: Float64Array, at: number): number;
}

/** Units per structure the log tells apart (larger than any structure's unit count: the
 * largest LLC has about 2^17 sets). */
export const UNIT_SPACE = 2 ** 24;

/** Rank of stamps[at] among the `ways` stamps from `first` in steps of `stride`: how many
 * are older. Equal stamps (never-used ways) share a rank, so the ranks keep exactly the
 * order least-recently-used replacement reads. */
export function lruRank(stamps: Float64Array, at: number, first: number, ways: number, stride: number): number {
  const s = stamps[at];
  let older = 0;
  for (let i = 0, j = first; i < ways; i++, j += stride) if (stamps[j] < s) older++;
  return older;
}

/** Appends the (tag, rank) pairs of `pairs` (flat, `n` pairs) sorted by tag, then rank:
 * the canonical form of a set whose behaviour does not depend on which way holds what. */
export function pushSortedPairs(out: StateWriter, pairs: number[], n: number): void {
  for (let i = 1; i < n; i++) {
    const t = pairs[2 * i];
    const r = pairs[2 * i + 1];
    let j = i - 1;
    while (j >= 0 && (pairs[2 * j] > t || (pairs[2 * j] === t && pairs[2 * j + 1] > r))) {
      pairs[2 * j + 2] = pairs[2 * j];
      pairs[2 * j + 3] = pairs[2 * j + 1];
      j--;
    }
    pairs[2 * j + 2] = t;
    pairs[2 * j + 3] = r;
  }
  for (let i = 0; i < 2 * n; i++) out.push(pairs[i]);
}

/** What one stored invocation's write set tells about the next one's read set. */
export interface SetLink {
  /** No unit both write and read, with different content. */
  ok: boolean;
  /** The read set's units the write set does not hold: still to check in the structures. */
  residual: Float64Array;
  /** Every unit the write set holds is in the next write set too (so the first need not
   * be written when the second follows it). */
  supersedes: boolean;
}

export interface LoggedSets {
  /** (structure, unit, content...) at the start, relative to the start base. */
  readSet: Float64Array;
  /** The same units at the end, relative to the end base. */
  writeSet: Float64Array;
}

export class FunctionalStateLog {
  private readonly parts: Journaled[] = [];
  /** Per part and unit: the recording that last touched it (this.epoch: this one). */
  private readonly touchedIn: Uint32Array[] = [];
  private epoch = 0;
  private readonly touched: number[] = [];
  private readonly read = new StateWriter();
  private readonly write = new StateWriter();
  private base = 0;
  private readonly scratch = new StateWriter();

  register(part: Journaled): void {
    part.journalId = this.parts.length;
    this.parts.push(part);
    this.touchedIn.push(new Uint32Array(part.unitCount));
  }

  /** Starts logging an invocation whose later accesses all happen at or after tick `base`. */
  begin(base: number): void {
    this.base = base;
    this.epoch++;
    this.touched.length = 0;
    this.read.length = 0;
    for (const p of this.parts) p.journal = this;
  }

  touch(part: Journaled, unit: number): void {
    const touched = this.touchedIn[part.journalId];
    if (touched[unit] === this.epoch) return;
    touched[unit] = this.epoch;
    this.touched.push(part.journalId, unit);
    this.read.push(part.journalId);
    this.read.push(unit);
    part.saveUnit(unit, this.base, this.read);
  }

  /** Stops logging; the touched units' content now, relative to `base`, is the write set. */
  end(base: number): LoggedSets {
    this.detach();
    const write = this.write;
    write.length = 0;
    const t = this.touched;
    for (let i = 0; i < t.length; i += 2) {
      write.push(t[i]);
      write.push(t[i + 1]);
      this.parts[t[i]].saveUnit(t[i + 1], base, write);
    }
    return { readSet: this.read.copy(), writeSet: write.copy() };
  }

  detach(): void {
    for (const p of this.parts) p.journal = null;
  }

  /** Whether every unit of `readSet` holds that content now, relative to `base`. */
  matches(readSet: Float64Array, base: number): boolean {
    const out = this.scratch;
    for (let at = 0; at < readSet.length; ) {
      const part = this.parts[readSet[at]];
      const unit = readSet[at + 1];
      at += 2;
      out.length = 0;
      part.saveUnit(unit, base, out);
      const d = out.data;
      for (let i = 0; i < out.length; i++) if (d[i] !== readSet[at + i]) return false;
      at += out.length;
    }
    return true;
  }

  /** How `readSet` stands after `prevWrite` was the last write (same base). */
  link(prevWrite: Float64Array, readSet: Float64Array, nextWrite: Float64Array): SetLink {
    const written = new Map<number, number>();
    for (let at = 0; at < prevWrite.length; ) {
      const id = prevWrite[at];
      written.set(id * UNIT_SPACE + prevWrite[at + 1], at + 2);
      at += 2 + this.parts[id].unitLength;
    }
    const residual = new StateWriter();
    let ok = true;
    for (let at = 0; at < readSet.length && ok; ) {
      const id = readSet[at];
      const len = this.parts[id].unitLength;
      const w = written.get(id * UNIT_SPACE + readSet[at + 1]);
      if (w === undefined) for (let i = 0; i < len + 2; i++) residual.push(readSet[at + i]);
      else for (let i = 0; i < len; i++) if (prevWrite[w + i] !== readSet[at + 2 + i]) ok = false;
      at += 2 + len;
    }
    const next = new Set<number>();
    for (let at = 0; at < nextWrite.length; ) {
      const id = nextWrite[at];
      next.add(id * UNIT_SPACE + nextWrite[at + 1]);
      at += 2 + this.parts[id].unitLength;
    }
    let supersedes = true;
    for (const k of written.keys()) if (!next.has(k)) supersedes = false;
    return { ok, residual: residual.copy(), supersedes };
  }

  /** Writes a write set into the structures, relative to `base`. */
  apply(writeSet: Float64Array, base: number): void {
    for (let at = 0; at < writeSet.length; ) {
      const part = this.parts[writeSet[at]];
      at = part.restoreUnit(writeSet[at + 1], base, writeSet, at + 2);
    }
  }
}
