// The naive model, named as such: every machine op costs its latency (loads at the L1
// latency, calls and returns at their table figures), summed with no overlap, no
// prediction and no caches. It exists to show how far that is from the out-of-order
// model, not to be cited.
//
// Every cost here is static, so the model offers SlotCostFolding: the compiled tier counts
// block executions and this model adds count x cost per block. The sums are exact (every
// figure is a multiple of 1/256 cycle, far below 2^53 in total), so the result does not
// depend on the order of the additions: folded and event-by-event runs give identical
// totals and per-slot cycles. A CPU model with a figure that is not such a multiple gets
// no folding (every event is reported).

import type { CpuModel } from '../cpus/cpu-model.ts';
import { F_XOP, STRIDE } from '../layout/decoded-row.ts';
import type { LoadedProgram } from '../exec/decoded.ts';
import { XOP } from '../isa/xop.ts';
import type { BlockCuts, SlotCostFolding } from '../exec/observer.ts';
import type { TimingStats } from './timing-model.ts';
import type { OpTable, Range } from './op-table.ts';
import type { LoweredProgram } from './program-lowering.ts';
import { OpReplay } from './replay.ts';
import { BPF_FUNC } from './helper-ids.ts';

/** Costs must be multiples of this for folding to be exact. */
const QUANTUM = 1 / 256;

interface FoldedBlocks {
  /** Slot after each block's last slot, by leader. */
  end: Int32Array;
  cycles: Float64Array;
  ops: Float64Array;
}

export class AdditiveModel extends OpReplay {
  readonly kind = 'additive' as const;
  readonly folding: SlotCostFolding | undefined;
  private sum = 0;
  /** Cycles and ops of a slot's insn() event plus, at a helper or kfunc call, its call(). */
  private readonly slotCycles: Float64Array;
  private readonly slotOpsRun: Float64Array;
  private readonly cutsCache = new WeakMap<BlockCuts, FoldedBlocks>();

  constructor(cpu: CpuModel, loaded: LoadedProgram, lowered: LoweredProgram, t: OpTable) {
    // Its clock counts cycles: every cost is a static figure summed as is.
    super(cpu, loaded, lowered, t, 1, (cycles) => cycles);
    const n = loaded.slots;
    this.slotCycles = new Float64Array(n);
    this.slotOpsRun = new Float64Array(n);
    let exact = true;
    const add = (pc: number, r: Range): void => {
      for (let k = r.a; k < r.b; k++) {
        this.slotCycles[pc] += t.lat[k];
        if (!isQuantised(t.lat[k])) exact = false;
      }
      this.slotOpsRun[pc] += r.b - r.a;
    };
    for (let pc = 0; pc < n; pc++) {
      add(pc, t.slotOps[pc]);
      const xop = loaded.code[pc * STRIDE + F_XOP];
      const slot = lowered.slots[pc];
      if ((xop === XOP.CALL_HELPER || xop === XOP.CALL_KFUNC) && slot.hasCallOp) {
        add(pc, t.slotBody[pc]);
        if (slot.extraCycles > 0) {
          this.slotCycles[pc] += slot.extraCycles;
          if (!isQuantised(slot.extraCycles)) exact = false;
        }
        add(pc, t.slotAfter[pc]);
      }
    }
    // Folded counts are costed with this program's slots: a program that may tail-call
    // into another is followed event by event instead.
    const tailCalls = loaded.helperIds.includes(BPF_FUNC.tail_call);
    this.folding = exact && !tailCalls ? { fold: (counts, cuts) => this.fold(counts, cuts) } : undefined;
  }

  private blocksOf(cuts: BlockCuts): FoldedBlocks {
    let f = this.cutsCache.get(cuts);
    if (f) return f;
    const n = this.loaded.slots;
    f = { end: new Int32Array(n), cycles: new Float64Array(n), ops: new Float64Array(n) };
    const ls = cuts.leaders;
    for (let i = 0; i < ls.length; i++) {
      const start = ls[i];
      const end = i + 1 < ls.length ? ls[i + 1] : n;
      f.end[start] = end;
      for (let pc = start; pc < end; pc += this.loaded.code[pc * STRIDE + F_XOP] === XOP.LDDW ? 2 : 1) {
        f.cycles[start] += this.slotCycles[pc];
        f.ops[start] += this.slotOpsRun[pc];
      }
    }
    this.cutsCache.set(cuts, f);
    return f;
  }

  private fold(counts: Float64Array, cuts: BlockCuts): void {
    const f = this.blocksOf(cuts);
    const code = this.loaded.code;
    for (const start of cuts.leaders) {
      const c = counts[start];
      if (c === 0) continue;
      counts[start] = 0;
      const cycles = c * f.cycles[start];
      this.sum += cycles;
      this.charged += cycles;
      this.opsRun += c * f.ops[start];
      for (let pc = start; pc < f.end[start]; pc += code[pc * STRIDE + F_XOP] === XOP.LDDW ? 2 : 1) this.byPc[pc] += c * this.slotCycles[pc];
    }
  }

  protected step(k: number): void {
    this.sum += this.t.lat[k];
  }

  protected clock(): number {
    return this.sum;
  }

  protected stall(cycles: number): void {
    this.sum += cycles;
  }

  protected beginRun(): void {}

  protected unwound(): void {}

  protected clearState(): void {
    this.sum = 0;
  }

  stats(): TimingStats {
    return { ops: this.opsRun, branchMispredicts: 0, returnMispredicts: 0, l1dMisses: 0, l1iMisses: 0, decodedWindows: 0 };
  }
}

function isQuantised(v: number): boolean {
  return Number.isInteger(v / QUANTUM);
}
