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
//
// Every load and store of every CPU asks the directory, so its look-up is an index into
// a typed array by line number rather than a Map look-up: a line's state is a small
// integer, its slot, and the per-slot fields are typed arrays too. The simulated memory
// is one linear buffer (at most 512 MiB); the index grows to the highest line written or
// watched, four bytes a line.

export type AccessKind = 0 | 1 | 2 | 3; // none, load, store, atomic read-modify-write

export interface WriteRecord {
  invocation: number;
  cpu: number;
  level: number;
  cycle: number;
  pc: number;
}

/** Lines the by-line index covers at first (it doubles past the highest line seen). */
const INITIAL_LINES = 1 << 14;
const INITIAL_SLOTS = 64;

/** One look-up per access: a line has a state (a slot) once written or watched (a
 * watched line's slot exists from the start, to carry its name, but counts as written
 * only once it is). */
export class CoherenceDirectory {
  /** Per line: its slot plus one (0: the line has no state). */
  private slotOfLine = new Int32Array(INITIAL_LINES);
  /** Per slot: 1 once the line has been written (before that every CPU may read it). */
  private written = new Uint8Array(INITIAL_SLOTS);
  /** Per slot, `cpus` bytes: 1 where the CPU holds a valid copy (meaningful once written). */
  private valid: Uint8Array;
  /** Per slot: its line, transfers of it, its last write (watched lines only) and the
   * exception state it holds (named in traces: watch()). */
  private lineOfSlot = new Int32Array(INITIAL_SLOTS);
  private transfersOfSlot = new Float64Array(INITIAL_SLOTS);
  private readonly last: (WriteRecord | undefined)[] = [];
  private readonly names: (string | undefined)[] = [];
  private slots = 0;
  readonly lineShift: number;
  transfers = 0;
  /** Of the latest access(): the line's last write before it, and the exception state
   * the line holds. Left in fields, as the penalty is returned, so that an access
   * allocates nothing: the observers make one per load and store of every CPU. */
  lastWrite: WriteRecord | undefined = undefined;
  accessedName: string | undefined = undefined;
  /** Slot of the latest access() (-1: a line with no state). */
  private accessed = -1;

  constructor(
    readonly cpus: number,
    lineBytes: number,
    /** Cycles a load pays when the line was last written by another CPU. */
    readonly transferCycles: number,
  ) {
    this.lineShift = Math.log2(lineBytes);
    this.valid = new Uint8Array(INITIAL_SLOTS * cpus);
  }

  /** Names the line holding memory offset `offset` as exception state (for traces). */
  watch(offset: number, name: string): void {
    const line = offset >>> this.lineShift;
    const s = this.slotOf(line);
    this.names[s >= 0 ? s : this.newSlot(line)] = name;
  }

  /** An access by `cpu`: the extra cycles it pays for a cross-core transfer. */
  access(kind: AccessKind, offset: number, cpu: number): number {
    const line = offset >>> this.lineShift;
    let s = this.slotOf(line);
    let penalty = 0;
    if (s >= 0) {
      this.lastWrite = this.last[s];
      const v = s * this.cpus + cpu;
      if (this.written[s] === 1 && (kind === 1 || kind === 3) && this.valid[v] === 0) {
        penalty = this.transferCycles;
        this.transfers++;
        this.transfersOfSlot[s]++;
        this.valid[v] = 1;
      }
    } else this.lastWrite = undefined;
    if (kind === 2 || kind === 3) {
      if (s < 0) s = this.newSlot(line);
      // A loop, not fill(): a builtin call costs more than clearing a few bytes, and
      // every store of every CPU does this.
      const valid = this.valid;
      const row = s * this.cpus;
      for (let c = row, end = row + this.cpus; c < end; c++) valid[c] = 0;
      valid[row + cpu] = 1;
      this.written[s] = 1;
    }
    this.accessed = s;
    this.accessedName = s >= 0 ? this.names[s] : undefined;
    return penalty;
  }

  /** The latest access() wrote a watched line: `write` becomes its last write. */
  recordWrite(write: WriteRecord): void {
    const s = this.accessed;
    if (s >= 0 && this.names[s] !== undefined) this.last[s] = write;
  }

  /** Transfers per line (lines with none left out), for reports and debugging. */
  transfersByLine(): Map<number, number> {
    const out = new Map<number, number>();
    for (let s = 0; s < this.slots; s++) if (this.transfersOfSlot[s] > 0) out.set(this.lineOfSlot[s], this.transfersOfSlot[s]);
    return out;
  }

  private slotOf(line: number): number {
    return line < this.slotOfLine.length ? this.slotOfLine[line] - 1 : -1;
  }

  private newSlot(line: number): number {
    if (line >= this.slotOfLine.length) {
      let n = this.slotOfLine.length;
      while (n <= line) n *= 2;
      this.slotOfLine = grown(this.slotOfLine, n);
    }
    const s = this.slots++;
    if (s === this.written.length) {
      const n = 2 * s;
      this.written = grown(this.written, n);
      this.valid = grown(this.valid, n * this.cpus);
      this.lineOfSlot = grown(this.lineOfSlot, n);
      this.transfersOfSlot = grown(this.transfersOfSlot, n);
    }
    this.slotOfLine[line] = s + 1;
    this.lineOfSlot[s] = line;
    this.last.push(undefined);
    this.names.push(undefined);
    return s;
  }
}

/** A copy of `a` `length` elements long (zeros after a's). */
function grown<T extends Int32Array | Uint8Array | Float64Array>(a: T, length: number): T {
  const b = new (a.constructor as new (n: number) => T)(length);
  b.set(a);
  return b;
}
