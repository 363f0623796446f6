// What both timing models share: mapping executor events (instruction, call, exit,
// unwind) onto ranges of the op table, and attributing cycles to slots. A subclass says
// what one op costs and what its clock reads.

import type { CpuModel } from '../cpus/cpu-model.ts';
import { BpfError } from '../errors.ts';
import type { LoadedProgram } from '../exec/decoded.ts';
import type { CallKind } from '../exec/observer.ts';
import type { TimingModel, TimingModelKind, TimingStats } from './timing-model.ts';
import type { OpTable, Range } from './op-table.ts';
import type { LoweredProgram, UnmeasuredCost } from './program-lowering.ts';

/** What the replay reads of one program: the main program's, or a tail-call target's. */
interface ProgramTables {
  loaded: LoadedProgram;
  t: OpTable;
  fnOf: Int32Array;
  /** Per slot: callee work outside the op vocabulary, in the subclass's time unit. */
  extra: Float64Array;
  hasCall: Uint8Array;
  /** Offset of its JIT image from the main program's (images do not overlap). */
  image: number;
}

/** Lowers a tail-call target for the model's CPU (createTimingModel supplies it). */
export type TargetLowering = (loaded: LoadedProgram) => { lowered: LoweredProgram; table: OpTable };

/** JIT images start page-aligned, as module memory hands them out. */
const IMAGE_ALIGN = 4096;

export abstract class OpReplay implements TimingModel {
  abstract readonly kind: TimingModelKind;
  readonly caveats: readonly string[];
  readonly unmeasured: readonly UnmeasuredCost[];
  protected byPc: Float64Array;
  protected charged = 0;
  protected opsRun = 0;
  /** The running program's tables (switched by tail calls). */
  protected t: OpTable;
  protected imageOffset = 0;
  private fnOf: Int32Array;
  private extra: Float64Array;
  private hasCall: Uint8Array;
  private readonly main: ProgramTables;
  private readonly targets = new Map<LoadedProgram, ProgramTables>();
  private imageEnd: number;
  private lowerTarget: TargetLowering | undefined;
  /** While a tail-called program runs, its cycles go to the main program's slot whose
   * tail call led there (-1: the main program runs), so cyclesByPc still sums to the
   * total and a tail call's slot shows what the call cost. */
  private attributeTo = -1;
  private lastTailCallPc = 0;

  constructor(
    readonly cpu: CpuModel,
    protected readonly loaded: LoadedProgram,
    lowered: LoweredProgram,
    t: OpTable,
    /** Units of the subclass's clock per cycle: byPc and the clock count in it, reports
     * divide by it only at the boundary (totalCycles, cyclesByPc). */
    private readonly unitsPerCycle: number,
    /** Converts a figure in cycles to the clock's unit (may throw on one it cannot hold exactly). */
    private readonly toUnits: (cycles: number, parameter: string) => number,
  ) {
    this.caveats = [...lowered.caveats];
    this.unmeasured = lowered.unmeasured;
    this.byPc = new Float64Array(loaded.slots);
    this.main = tablesOf(loaded, lowered, t, 0, toUnits);
    this.t = t;
    this.fnOf = this.main.fnOf;
    this.extra = this.main.extra;
    this.hasCall = this.main.hasCall;
    this.imageEnd = alignUp(t.imageBytes);
  }

  /** Follow tail calls into other programs, lowering each on first entry. */
  followTailCalls(lower: TargetLowering): void {
    this.lowerTarget = lower;
  }

  /** A tail-call target's image was placed at `offset` (models with a front end map it). */
  protected addImage(_t: OpTable, _offset: number): void {}
  /** The running program changed ('tail-call': entered a target; 'return': back). */
  protected switched(_by: 'tail-call' | 'return'): void {}

  private use(p: ProgramTables): void {
    this.t = p.t;
    this.fnOf = p.fnOf;
    this.extra = p.extra;
    this.hasCall = p.hasCall;
    this.imageOffset = p.image;
  }

  private tablesFor(loaded: LoadedProgram): ProgramTables {
    if (loaded === this.loaded) return this.main;
    let p = this.targets.get(loaded);
    if (p) return p;
    if (!this.lowerTarget) throw new BpfError('usage', 'the timing model was not set up to follow tail calls into other programs', { file: this.loaded.program.source });
    const { lowered, table } = this.lowerTarget(loaded);
    p = tablesOf(loaded, lowered, table, this.imageEnd, this.toUnits);
    this.imageEnd += alignUp(table.imageBytes);
    for (const c of lowered.caveats) if (!this.caveats.includes(c)) (this.caveats as string[]).push(`${loaded.program.name} (tail-call target): ${c}`);
    this.targets.set(loaded, p);
    this.addImage(table, p.image);
    return p;
  }

  enterProgram(loaded: LoadedProgram, by: 'tail-call' | 'return'): void {
    const p = this.tablesFor(loaded);
    if (by === 'tail-call' && this.attributeTo < 0) this.attributeTo = this.lastTailCallPc;
    this.use(p);
    if (p === this.main) this.attributeTo = -1;
    this.switched(by);
    if (by === 'tail-call') {
      // The JIT jumps into the target's prologue past the frame setup it keeps.
      this.range(this.t.tailEntry[0], -1, false);
      this.charge(0);
    }
  }

  /** Replays op k; `memOffset` is the executor's simulated memory offset (or -1). */
  protected abstract step(k: number, memOffset: number, taken: boolean): void;
  /** The clock attribution reads (retire clock, or the running sum). */
  protected abstract clock(): number;
  /** Charges callee work outside the op vocabulary. */
  protected abstract stall(cycles: number): void;
  /** Entering a run: the native stack starts at its top. */
  protected abstract beginRun(): void;
  /** bpf_throw unwound to the main program's frame. */
  protected abstract unwound(): void;
  protected abstract clearState(): void;
  abstract stats(): TimingStats;

  /** Replays the ops of `r`. A subclass may repeat this loop so that its step() call
   * site sees only that class (V8 then inlines step into the loop). */
  protected range(r: Range, memOffset: number, taken: boolean): void {
    for (let k = r.a; k < r.b; k++) this.step(k, memOffset, taken);
    this.opsRun += r.b - r.a;
  }

  private charge(pc: number): void {
    const now = this.clock();
    this.byPc[this.attributeTo >= 0 ? this.attributeTo : pc] += now - this.charged;
    this.charged = now;
  }

  insn(pc: number, memOffset: number, taken: boolean): void {
    this.range(this.t.slotOps[pc], memOffset, taken);
    this.charge(pc);
  }

  call(pc: number, kind: CallKind, target: number): void {
    const t = this.t;
    switch (kind) {
      case 'helper':
      case 'kfunc':
        // Helpers the JIT or verifier inlines have no call op, and nothing more runs.
        if (this.hasCall[pc] === 0) return;
        this.range(t.slotBody[pc], -1, false);
        if (this.extra[pc] > 0) this.stall(this.extra[pc]);
        this.range(t.slotAfter[pc], -1, false);
        this.charge(pc);
        return;
      case 'subprog':
      case 'callx-subprog':
        this.range(t.prologue[this.fnOf[target]], -1, false);
        this.charge(target);
        return;
      case 'callback':
        this.range(t.slotPerCallback[pc], -1, false);
        this.range(t.callback, -1, false);
        this.range(t.prologue[this.fnOf[target]], -1, false);
        this.charge(target);
        return;
      case 'tail-call':
        // The helper call's event ran the tail-call sequence; the frame it leaves is
        // torn down before the jump (enterProgram runs the target's entry).
        if (this.attributeTo < 0) this.lastTailCallPc = pc;
        this.range(t.tailExit[this.fnOf[pc]], -1, false);
        this.charge(pc);
        return;
      default:
        throw new BpfError('usage', `the timing model does not follow ${kind} calls`, { file: this.loaded.program.source, pc });
    }
  }

  exit(): void {
    // The exit slot's ops already hold the epilogue and its return.
  }

  unwind(pc: number, frames: number): void {
    for (let f = 0; f < frames; f++) this.range(this.t.throwPerFrame, -1, false);
    this.unwound();
    this.range(this.t.mainEpilogue, -1, false);
    this.charge(pc);
  }

  startInvocation(): void {
    this.use(this.main);
    this.attributeTo = -1;
    this.beginRun();
    this.range(this.t.entry, -1, false);
    this.range(this.t.prologue[0], -1, false);
    this.charge(0);
  }

  endInvocation(): void {
    this.charge(0);
  }

  totalCycles(): number {
    return this.clock() / this.unitsPerCycle;
  }

  cyclesByPc(): Float64Array {
    const u = this.unitsPerCycle;
    return u === 1 ? this.byPc.slice() : this.byPc.map((v) => v / u);
  }

  reset(): void {
    this.clearState();
    this.byPc.fill(0);
    this.charged = 0;
    this.opsRun = 0;
  }
}

function alignUp(n: number): number {
  return Math.ceil(n / IMAGE_ALIGN) * IMAGE_ALIGN;
}

function tablesOf(loaded: LoadedProgram, lowered: LoweredProgram, t: OpTable, image: number, toUnits: (cycles: number, parameter: string) => number): ProgramTables {
  return {
    loaded,
    t,
    fnOf: lowered.fnOf,
    extra: Float64Array.from(lowered.slots, (s, pc) => toUnits(s.extraCycles, `extra cycles of slot ${pc} of ${loaded.program.name}`)),
    hasCall: Uint8Array.from(lowered.slots, (s) => (s.hasCallOp ? 1 : 0)),
    image,
  };
}
