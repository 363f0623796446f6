// The coherence directory as it was first written, one Map entry per line: the reference
// the typed-array directory (engine/machine/coherence.ts) is checked against. Kept for
// the tests only: its rules are the ones to compare, its speed is not.
import type { AccessKind, WriteRecord } from '../../engine/machine/coherence.ts';

interface LineState {
  /** 1 where the CPU holds a valid copy; null until the line is first written. */
  valid: Uint8Array | null;
  last: WriteRecord | undefined;
  name: string | undefined;
}

export class MapCoherenceDirectory {
  private readonly lines = new Map<number, LineState>();
  readonly lineShift: number;
  transfers = 0;
  readonly transfersByLine = new Map<number, number>();
  lastWrite: WriteRecord | undefined = undefined;
  accessedName: string | undefined = undefined;
  private accessed: LineState | undefined = undefined;

  constructor(
    readonly cpus: number,
    lineBytes: number,
    readonly transferCycles: number,
  ) {
    this.lineShift = Math.log2(lineBytes);
  }

  watch(offset: number, name: string): void {
    const line = offset >>> this.lineShift;
    const s = this.lines.get(line);
    if (s) s.name = name;
    else this.lines.set(line, { valid: null, last: undefined, name });
  }

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

  recordWrite(write: WriteRecord): void {
    if (this.accessed !== undefined && this.accessed.name !== undefined) this.accessed.last = write;
  }
}
