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
  /** 1 where the CPU holds a valid copy; null until the line is first written. */
  valid: Uint8Array | null;
  last: WriteRecord | undefined;
  /** The exception state the line holds, named in traces (watch()). */
  name: string | undefined;
}

/** One look-up per access: a line has a state once written or watched (a watched line's
 * state exists from the start, to carry its name, but counts as written only once it is). */
export class CoherenceDirectory {
  private readonly lines = new Map<number, LineState>();
  readonly lineShift: number;
  transfers = 0;
  /** Transfers per line, for reports and debugging. */
  readonly transfersByLine = new Map<number, number>();
  /** Of the latest access(): the line's last write before it, and the exception state
   * the line holds. Left in fields, as the penalty is returned, so that an access
   * allocates nothing: the observers make one per load and store of every CPU. */
  lastWrite: WriteRecord | undefined = undefined;
  accessedName: string | undefined = undefined;
  private accessed: LineState | undefined = undefined;

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
    const line = offset >>> this.lineShift;
    const s = this.lines.get(line);
    if (s) s.name = name;
    else this.lines.set(line, { valid: null, last: undefined, name });
  }

  /** An access by `cpu`: the extra cycles it pays for a cross-core transfer. */
  access(kind: AccessKind, offset: number, cpu: number): number {
    const line = offset >>> this.lineShift;
    let s = this.lines.get(line);
    this.lastWrite = s?.last;
    let penalty = 0;
    if (s !== undefined && s.valid !== null && (kind === 1 || kind === 3) && s.valid[cpu] === 0) {
      penalty = this.transferCycles;
      this.transfers++;
      this.transfersByLine.set(line, (this.transfersByLine.get(line) ?? 0) + 1);
      s.valid[cpu] = 1;
    }
    if (kind === 2 || kind === 3) {
      if (s === undefined) {
        s = { valid: null, last: undefined, name: undefined };
        this.lines.set(line, s);
      }
      const valid = (s.valid ??= new Uint8Array(this.cpus));
      valid.fill(0);
      valid[cpu] = 1;
    }
    this.accessed = s;
    this.accessedName = s?.name;
    return penalty;
  }

  /** The latest access() wrote a watched line: `write` becomes its last write. */
  recordWrite(write: WriteRecord): void {
    if (this.accessed !== undefined && this.accessed.name !== undefined) this.accessed.last = write;
  }
}
