// The front end's supply of ops, one code window at a time, as the documented cores fetch:
//   op cache hit   the window's ops come from the decoded-op cache at the rename width;
//                  the L1i is not read
//   op cache miss  the legacy path: the window's bytes are read from the L1i at
//                  fetchBytesPerCycle and decoded at decodeWidth ops a cycle (the decoders
//                  fill the op cache as they go)
//   L1i miss       on a predicted path the branch-predictor-directed prefetcher, running
//                  ahead of fetch through the fetch target queue, has already asked L2
//                  (and next-line prefetch covers straight-line code), so the line costs
//                  only its share of the L2-to-L1i fill bandwidth; a fetch restarted by a
//                  mispredict has nothing ahead of it and waits for the level that serves
//                  the line it lands on
// A restart also pays decodeRedirectCycles when it lands in code the op cache lacks.
// Code outside the JIT image (helper bodies, kernel code: no code address) is not fetched
// through here: its cost is in its op costs.
// Times are ticks (./ticks.ts).

import type { CpuModel } from '../cpus/cpu-model.ts';
import type { CacheHierarchy } from './cache.ts';
import { OpCache } from './op-cache.ts';
import { sinceBase } from './memo/since-base.ts';
import type { StateWriter } from './memo/state-writer.ts';
import { toTicks } from './ticks.ts';

export class InstructionFetch {
  readonly opCache: OpCache;
  private readonly caches: CacheHierarchy;
  private readonly windowShift: number;
  /** Ops per code window of the image (by window number). */
  private readonly opsInWindow = new Map<number, number>();
  private readonly renameWidth: number;
  private readonly decodeWidth: number;
  private readonly fetchCyclesPerWindow: number;
  private readonly fillCyclesPerLine: number;
  private readonly decodeRedirect: number;
  /** Ticks an L1i miss served by level 2..4 stalls a restarted fetch (index 1 unused). */
  private readonly fetchStall: Float64Array;
  private fetchFree = 0;
  private fillFree = 0;
  /** The window being fetched (-1: none, after a restart). */
  private lastWindow = -1;
  private lastLine = -1;
  private restarted = false;
  /** Ops a cycle the window being fetched delivers. */
  width: number;
  /** Windows that took the decoder path. */
  decodedWindows = 0;

  /** `codeAddrs`: every op's address (negative: not in the image), as the op table has them. */
  constructor(cpu: CpuModel, caches: CacheHierarchy, codeAddrs: Int32Array, imageBase: number) {
    const fe = cpu.frontEnd;
    this.caches = caches;
    this.opCache = new OpCache(cpu);
    this.windowShift = this.opCache.windowShift;
    for (const code of codeAddrs) {
      if (code < 0) continue;
      const w = (imageBase + code) >>> this.windowShift;
      this.opsInWindow.set(w, (this.opsInWindow.get(w) ?? 0) + 1);
    }
    this.renameWidth = cpu.issueWidth.value;
    this.decodeWidth = Math.min(cpu.issueWidth.value, cpu.decodeWidth.value);
    this.fetchCyclesPerWindow = toTicks(fe.opCache.windowBytes.value / fe.fetchBytesPerCycle.value, cpu.id, 'op cache window bytes / fetchBytesPerCycle');
    this.fillCyclesPerLine = toTicks(cpu.lineBytes.value / fe.l2FetchBytesPerCycle.value, cpu.id, 'line bytes / l2FetchBytesPerCycle');
    this.decodeRedirect = toTicks(fe.decodeRedirectCycles.value, cpu.id, 'decodeRedirectCycles');
    this.fetchStall = Float64Array.from(caches.fetchStall, (c, level) => toTicks(c, cpu.id, `fetch stall of a level-${level} L1i miss`));
    this.width = this.renameWidth;
  }

  /** Another JIT image (a tail-call target's) at `imageBase`. */
  addImage(codeAddrs: Int32Array, imageBase: number): void {
    for (const code of codeAddrs) {
      if (code < 0) continue;
      const w = (imageBase + code) >>> this.windowShift;
      this.opsInWindow.set(w, (this.opsInWindow.get(w) ?? 0) + 1);
    }
  }

  /** A mispredict restarts fetch: the next window is looked up afresh, with nothing prefetched. */
  restart(): void {
    this.restarted = true;
    this.lastWindow = this.lastLine = -1;
  }

  /** Whether `addr` lies in the window being fetched: its ops need nothing from the front
   * end. Callers check this before enter(), since most ops do. */
  inWindow(addr: number): boolean {
    return addr >>> this.windowShift === this.lastWindow;
  }

  /** Fetch reaches byte address `addr`, outside the window being fetched (see inWindow),
   * at tick `fe`: the tick its ops can
   * start issuing (fe, or later when the window must be fetched and decoded or its line
   * filled). */
  enter(addr: number, fe: number): number {
    const window = addr >>> this.windowShift;
    this.lastWindow = window;
    const restarted = this.restarted;
    this.restarted = false;
    if (this.opCache.access(window, this.opsInWindow.get(window) ?? 1)) {
      this.width = this.renameWidth;
      return fe;
    }
    this.decodedWindows++;
    this.width = this.decodeWidth;
    let t = restarted ? fe + this.decodeRedirect : fe;
    const line = addr >>> this.caches.lineShift;
    if (line !== this.lastLine) {
      this.lastLine = line;
      const level = this.caches.fetch(addr);
      if (level > 1) {
        if (restarted) t += this.fetchStall[level];
        else if (this.fillFree + this.fillCyclesPerLine > t) t = this.fillFree + this.fillCyclesPerLine;
        this.fillFree = t;
      }
    }
    if (this.fetchFree > t) t = this.fetchFree;
    this.fetchFree = t + this.fetchCyclesPerWindow;
    return t;
  }

  /** The fetch state relative to tick `base` (see ./memo/canonical-time-state.ts). */
  save(base: number, out: StateWriter): void {
    out.push(sinceBase(this.fetchFree, base));
    // fillFree is read as fillFree + fillCyclesPerLine against times at or after base.
    out.push(sinceBase(this.fillFree + this.fillCyclesPerLine, base));
    out.push(this.lastWindow);
    out.push(this.lastLine);
    out.push(this.restarted ? 1 : 0);
    out.push(this.width);
  }

  restore(base: number, data: Float64Array, at: number): number {
    this.fetchFree = base + data[at];
    this.fillFree = base + data[at + 1] - this.fillCyclesPerLine;
    this.lastWindow = data[at + 2];
    this.lastLine = data[at + 3];
    this.restarted = data[at + 4] === 1;
    this.width = data[at + 5];
    return at + 6;
  }

  clear(): void {
    this.opCache.clear();
    this.fetchFree = this.fillFree = 0;
    this.lastWindow = this.lastLine = -1;
    this.restarted = false;
    this.width = this.renameWidth;
    this.decodedWindows = 0;
  }
}
