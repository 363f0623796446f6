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

export abstract class OpReplay implements TimingModel {
  abstract readonly kind: TimingModelKind;
  readonly caveats: readonly string[];
  readonly unmeasured: readonly UnmeasuredCost[];
  protected byPc: Float64Array;
  protected charged = 0;
  protected opsRun = 0;
  private readonly fnOf: Int32Array;
  /** Per slot: callee work outside the op vocabulary, in the subclass's time unit. */
  private readonly extra: Float64Array;
  private readonly hasCall: Uint8Array;

  constructor(
    readonly cpu: CpuModel,
    protected readonly loaded: LoadedProgram,
    lowered: LoweredProgram,
    protected readonly t: OpTable,
    /** Units of the subclass's clock per cycle: byPc and the clock count in it, reports
     * divide by it only at the boundary (totalCycles, cyclesByPc). */
    private readonly unitsPerCycle: number,
    /** Converts a figure in cycles to the clock's unit (may throw on one it cannot hold exactly). */
    toUnits: (cycles: number, parameter: string) => number,
  ) {
    this.caveats = lowered.caveats;
    this.unmeasured = lowered.unmeasured;
    this.byPc = new Float64Array(loaded.slots);
    this.fnOf = lowered.fnOf;
    this.extra = Float64Array.from(lowered.slots, (s, pc) => toUnits(s.extraCycles, `extra cycles of slot ${pc}`));
    this.hasCall = Uint8Array.from(lowered.slots, (s) => (s.hasCallOp ? 1 : 0));
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
    this.byPc[pc] += now - this.charged;
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
