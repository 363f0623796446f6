// The memo's table: what an invocation did, keyed by the canonical time state it started
// from (./canonical-time-state.ts), with its event trace and the functional state it read
// (./functional-state-log.ts). Several entries may share a start state (different
// traces, or the same trace over different cache contents). The table holds at most a
// byte budget (estimated); when an entry would exceed it the whole table is dropped and
// filled afresh, so a long run's changing phases do not keep stale entries.

import type { MemoStats } from '../timing-model.ts';
import type { FunctionalStateLog, SetLink } from './functional-state-log.ts';

export interface MemoEntry {
  readonly key: Float64Array;
  readonly trace: Float64Array;
  readonly readSet: Float64Array;
  readonly writeSet: Float64Array;
  /** Canonical time state at the end, relative to the end base. */
  readonly endState: Float64Array;
  /** The segment ended with its invocation (else at a cut inside it). */
  readonly endsInvocation: boolean;
  /** End base minus start base, in ticks (whole cycles). */
  readonly baseAdvance: number;
  /** Slots whose attributed ticks changed, and by how much. */
  readonly pcs: Int32Array;
  readonly pcTicks: Float64Array;
  /** Counter increments (see MemoisedOooModel's counters). */
  readonly counters: Float64Array;
  /** Entries starting where this one ends, as of table generation successorsAt. */
  successors?: MemoEntry[];
  successorsAt?: number;
  /** What this entry's write set tells about a successor's read set. */
  links?: Map<MemoEntry, SetLink>;
  /** How many leading numbers this entry's trace shares with another's. */
  prefixes?: Map<MemoEntry, number>;
}

/** Entries kept per start state: beyond it the oldest goes. */
const PER_KEY = 16;
/** Estimated fixed cost of an entry besides its arrays. */
const ENTRY_OVERHEAD = 400;

export const DEFAULT_MEMO_BYTES = 64 * 1024 * 1024;

const NONE: MemoEntry[] = [];

export function hashState(v: ArrayLike<number>): number {
  let h = 0x811c9dc5 ^ v.length;
  for (let i = 0; i < v.length; i++) {
    const x = v[i];
    h = Math.imul(h ^ (x | 0), 0x01000193);
    h = Math.imul(h ^ ((x / 4294967296) | 0), 0x01000193);
  }
  return h >>> 0;
}

function sameState(a: ArrayLike<number>, b: Float64Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < b.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

function bytesOf(e: MemoEntry): number {
  return ENTRY_OVERHEAD + 8 * (e.key.length + e.trace.length + e.readSet.length + e.writeSet.length + e.endState.length + e.pcTicks.length + e.counters.length) + 4 * e.pcs.length;
}

/** The entries that start from one state: the state is compared once per look-up, not
 * once per entry (a program whose events differ every time it runs, such as one writing
 * a ring buffer, fills a state with PER_KEY entries). */
interface KeyGroup {
  readonly key: Float64Array;
  readonly entries: MemoEntry[];
}

export class InvocationMemo {
  private readonly buckets = new Map<number, KeyGroup[]>();
  /** Changes whenever an entry comes or goes: cached successor lists are stale then. */
  private generation = 0;
  readonly stats: MemoStats = { invocations: 0, segments: 0, cuts: 0, hits: 0, misses: 0, entries: 0, bytes: 0, evictions: 0, divergences: 0, readSetRejections: 0, unmemoisable: 0, rested: 0 };

  constructor(readonly budgetBytes: number = DEFAULT_MEMO_BYTES) {}

  /** Entries that started from exactly `key` (hash `hash`): the memo's own list, which
   * the caller must not change. */
  lookup(hash: number, key: ArrayLike<number>): MemoEntry[] {
    return this.groupOf(hash, key)?.entries ?? NONE;
  }

  private groupOf(hash: number, key: ArrayLike<number>): KeyGroup | undefined {
    const bucket = this.buckets.get(hash);
    if (bucket === undefined) return undefined;
    for (const g of bucket) if (sameState(key, g.key)) return g;
    return undefined;
  }

  /** Entries that start from the state `e` ends in. */
  successorsOf(e: MemoEntry): MemoEntry[] {
    if (e.successorsAt !== this.generation) {
      e.successors = this.lookup(hashState(e.endState), e.endState);
      e.successorsAt = this.generation;
    }
    return e.successors as MemoEntry[];
  }

  /** linkOf(e, next) as `log` works it out, cached on `e`. */
  linkOf(log: FunctionalStateLog, e: MemoEntry, next: MemoEntry): SetLink {
    e.links ??= new Map();
    let l = e.links.get(next);
    if (l === undefined) {
      l = log.link(e.writeSet, next.readSet, next.writeSet);
      e.links.set(next, l);
    }
    return l;
  }

  /** How many leading numbers the traces of `a` and `b` share, cached on `a`. */
  commonPrefix(a: MemoEntry, b: MemoEntry): number {
    a.prefixes ??= new Map();
    let n = a.prefixes.get(b);
    if (n === undefined) {
      const x = a.trace;
      const y = b.trace;
      const end = Math.min(x.length, y.length);
      n = 0;
      while (n < end && x[n] === y[n]) n++;
      a.prefixes.set(b, n);
    }
    return n;
  }

  add(hash: number, e: MemoEntry): void {
    const bytes = bytesOf(e);
    if (bytes > this.budgetBytes) return;
    this.generation++;
    if (this.stats.bytes + bytes > this.budgetBytes) {
      this.stats.evictions += this.stats.entries;
      this.buckets.clear();
      this.stats.entries = this.stats.bytes = 0;
    }
    let group = this.groupOf(hash, e.key);
    if (group === undefined) {
      let bucket = this.buckets.get(hash);
      if (bucket === undefined) this.buckets.set(hash, (bucket = []));
      bucket.push((group = { key: e.key, entries: [] }));
    }
    if (group.entries.length >= PER_KEY) {
      const old = group.entries.shift() as MemoEntry;
      this.stats.entries--;
      this.stats.bytes -= bytesOf(old);
      this.stats.evictions++;
    }
    group.entries.push(e);
    this.stats.entries++;
    this.stats.bytes += bytes;
  }
}
