// The simulated address space: one linear buffer, typed regions with guard gaps, and the
// region look-up that every load, store and helper pointer argument goes through.
// The interpreter caches the last region it hit (see Interpreter.rd/wr); this file is
// the slow path that finds a region or raises the fault.

import { BpfError } from '../errors.ts';
import { hex } from '../hex.ts';
import { MEM_BASE_HI, MEM_LIMIT, HEAP_OFFSET, HEAP_GUARD } from '../layout/address-space.ts';

export type RegionKind = 'kernel-data' | 'map-struct' | 'context' | 'stack' | 'map-value' | 'helper-object';

export interface RegionInfo {
  kind: RegionKind;
  name: string;
  start: number;
  end: number;
  writable: boolean;
}

export class Memory {
  buffer: ArrayBuffer;
  bytes: Uint8Array;
  view: DataView;
  /** Region bounds, sorted by start (regions are only ever appended at higher offsets). */
  starts: number[] = [];
  ends: number[] = [];
  readonly info: RegionInfo[] = [];
  private heapTop = HEAP_OFFSET;
  /** The file named in faults. */
  file: string;

  constructor(file: string) {
    this.file = file;
    this.buffer = new ArrayBuffer(HEAP_OFFSET);
    this.bytes = new Uint8Array(this.buffer);
    this.view = new DataView(this.buffer);
  }

  /** Registers a region at a fixed offset (must be above every existing region). */
  addFixed(kind: RegionKind, name: string, start: number, size: number, writable: boolean): number {
    const last = this.info.length ? this.info[this.info.length - 1].end : 0;
    if (start < last) throw new Error(`memory: region ${name} at ${start} overlaps the previous one`);
    this.ensure(start + size);
    this.starts.push(start);
    this.ends.push(start + size);
    this.info.push({ kind, name, start, end: start + size, writable });
    return this.info.length - 1;
  }

  /** Allocates a fresh zeroed region on the heap, 8-byte aligned, followed by a guard gap. */
  alloc(kind: RegionKind, name: string, size: number, writable = true): number {
    const start = this.heapTop;
    const next = start + ((size + 7) & ~7) + HEAP_GUARD;
    if (next > MEM_LIMIT) {
      throw new BpfError('load', `simulated memory limit of ${MEM_LIMIT} bytes exceeded allocating ${name}`, { file: this.file });
    }
    this.heapTop = next;
    this.addFixed(kind, name, start, size, writable);
    return start;
  }

  /** Allocates one struct on the heap as adjacent regions with their own access rights
   * (offsets relative to the struct; gaps between them fault), followed by a guard gap.
   * Returns the struct's offset. */
  allocSegmented(kind: RegionKind, segments: readonly { start: number; end: number; writable: boolean; name: string }[]): number {
    const size = Math.max(...segments.map((g) => g.end));
    const start = this.heapTop;
    const next = start + ((size + 7) & ~7) + HEAP_GUARD;
    if (next > MEM_LIMIT) throw new BpfError('load', `simulated memory limit of ${MEM_LIMIT} bytes exceeded allocating ${segments[0]?.name}`, { file: this.file });
    this.heapTop = next;
    for (const g of segments) this.addFixed(kind, g.name, start + g.start, g.end - g.start, g.writable);
    return start;
  }

  /** Changes a region's length (the context region per run). */
  resize(region: number, size: number): void {
    this.ends[region] = this.info[region].start + size;
    this.info[region].end = this.ends[region];
  }

  /** Moves both bounds of a region (an XDP packet whose head or metadata grew into its
   * headroom). It must stay clear of its neighbours, so the regions stay sorted. */
  rebound(region: number, start: number, end: number): void {
    const prevEnd = region > 0 ? this.ends[region - 1] : 0;
    const nextStart = region + 1 < this.starts.length ? this.starts[region + 1] : Infinity;
    if (start < prevEnd || end > nextStart || start > end) {
      throw new Error(`memory: region ${this.info[region].name} cannot move to [${start}, ${end})`);
    }
    this.starts[region] = this.info[region].start = start;
    this.ends[region] = this.info[region].end = end;
  }

  /** Leaves `size` bytes of the heap unallocated before the next region (room a region
   * allocated next may later grow down into: an XDP packet's headroom). */
  reserve(size: number): void {
    this.heapTop += (size + 7) & ~7;
    this.ensure(this.heapTop);
  }

  private ensure(size: number): void {
    if (size <= this.buffer.byteLength) return;
    let cap = this.buffer.byteLength;
    while (cap < size) cap *= 2;
    const next = new ArrayBuffer(cap);
    new Uint8Array(next).set(this.bytes);
    this.buffer = next;
    this.bytes = new Uint8Array(next);
    this.view = new DataView(next);
  }

  /**
   * The region holding [lo, lo+size) where lo is the low word of an address whose high
   * word is `hi`, or a runtime fault naming pc, address and the nearest region.
   */
  locate(lo: number, hi: number, size: number, write: boolean, pc: number): number {
    if ((hi | 0) === (MEM_BASE_HI | 0) && lo >= 0 && lo + size <= 0x100000000) {
      const starts = this.starts;
      let a = 0;
      let b = starts.length - 1;
      while (a < b) {
        const m = (a + b + 1) >> 1;
        if (starts[m] <= lo) a = m;
        else b = m - 1;
      }
      if (starts.length && starts[a] <= lo && lo + size <= this.ends[a]) {
        if (!write || this.info[a].writable) return a;
        throw this.fault(`write of ${size} bytes to read-only ${this.describe(a)} at ${this.addr(lo, hi)}`, pc);
      }
    }
    const what = `${write ? 'write' : 'read'} of ${size} byte${size === 1 ? '' : 's'} at ${this.addr(lo, hi)}`;
    return this.throwOutside(what, lo, hi, pc);
  }

  private throwOutside(what: string, lo: number, hi: number, pc: number): never {
    if ((hi | 0) !== (MEM_BASE_HI | 0) || lo < 0 || lo >= 0x100000000) {
      const near = (hi >>> 0) === 0 && lo >= 0 && lo < 0x10000 ? ' (a NULL or small-integer pointer)' : '';
      throw this.fault(`${what} is outside simulated memory${near}`, pc);
    }
    let best = -1;
    let bestDist = Infinity;
    for (let i = 0; i < this.info.length; i++) {
      const r = this.info[i];
      const d = lo < r.start ? r.start - lo : lo >= r.end ? lo - r.end + 1 : 0;
      if (d < bestDist) {
        bestDist = d;
        best = i;
      }
    }
    const near = best < 0 ? 'no region' : this.describe(best);
    throw this.fault(`${what} is outside every region (nearest: ${near})`, pc);
  }

  describe(i: number): string {
    const r = this.info[i];
    return `${r.kind} '${r.name}' [${this.addr(r.start, MEM_BASE_HI)}, +${r.end - r.start})`;
  }

  /** Checks a helper's pointer argument and returns the buffer offset. */
  check(lo: number, hi: number, size: number, write: boolean, pc: number): number {
    this.locate(lo >>> 0, hi, size, write, pc);
    return lo >>> 0;
  }

  fault(detail: string, pc: number): BpfError {
    return new BpfError('runtime', detail, { file: this.file, pc });
  }

  private addr(lo: number, hi: number): string {
    return hex((BigInt(hi >>> 0) << 32n) + BigInt(Math.trunc(lo)));
  }
}
