// Cache-line coherence between the simulated CPUs, kept beside the timing models (whose
// private caches each see only their own CPU). A store by one CPU invalidates the line in
// every other CPU; the next load or atomic there pays the cross-core transfer latency of
// the CPU model (coreToCore.sameCluster ns x GHz, less the L1 hit the timing model
// already charged). Lines nobody has written stay shared and cost nothing extra.
// Stores themselves retire into the store buffer and are not charged.
//
// The directory also remembers the last write to each line that holds exception state
// (the aux flag, the per-CPU flags, the tasks' flags), so a failing invocation's trace
// can say who wrote the flag it read.

export type AccessKind = 0 | 1 | 2 | 3; // none, load, store, atomic read-modify-write

export interface WriteRecord {
  invocation: number;
  cpu: number;
  level: number;
  cycle: number;
  pc: number;
}

interface LineState {
  /** 1 where the CPU holds a valid copy. */
  valid: Uint8Array;
  last: WriteRecord | undefined;
}

export class CoherenceDirectory {
  private readonly lines = new Map<number, LineState>();
  private readonly watched = new Map<number, string>();
  readonly lineShift: number;
  transfers = 0;
  /** Transfers per line, for reports and debugging. */
  readonly transfersByLine = new Map<number, number>();
  /** The previous last write (before it) of the line the latest access() touched. Left
   * in a field, as the penalty is returned, so that an access allocates nothing: the
   * observers make one per load and store of every CPU. */
  lastWrite: WriteRecord | undefined = undefined;

  constructor(
    readonly cpus: number,
    lineBytes: number,
    /** Cycles a load pays when the line was last written by another CPU. */
    readonly transferCycles: number,
  ) {
    this.lineShift = Math.log2(lineBytes);
  }

  /** Names the line holding memory offset `offset` as exception state (for traces). */
  watch(offset: number, name: string): void {
    this.watched.set(offset >>> this.lineShift, name);
  }

  /** What exception state line `offset` belongs to, if any. */
  watchedName(offset: number): string | undefined {
    return this.watched.get(offset >>> this.lineShift);
  }

  /** An access by `cpu`: the extra cycles it pays for a cross-core transfer. `write`
   * becomes the line's last write when the access writes a watched line; the line's
   * previous one is left in lastWrite. Lines nobody watches keep no record, so their
   * accesses may pass null. */
  access(kind: AccessKind, offset: number, cpu: number, write: WriteRecord | null): number {
    const line = offset >>> this.lineShift;
    let s = this.lines.get(line);
    this.lastWrite = s?.last;
    let penalty = 0;
    if (s !== undefined && (kind === 1 || kind === 3) && s.valid[cpu] === 0) {
      penalty = this.transferCycles;
      this.transfers++;
      this.transfersByLine.set(line, (this.transfersByLine.get(line) ?? 0) + 1);
      s.valid[cpu] = 1;
    }
    if (kind === 2 || kind === 3) {
      if (s === undefined) {
        s = { valid: new Uint8Array(this.cpus), last: undefined };
        this.lines.set(line, s);
      }
      s.valid.fill(0);
      s.valid[cpu] = 1;
      if (write !== null && this.watched.has(line)) s.last = write;
    }
    return penalty;
  }
}
