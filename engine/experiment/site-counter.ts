// A forwarding observer that counts how often chosen instruction slots execute, so each
// call site's executions are counted by the executor rather than inferred. It counts the
// `insn` event, not `call`: a callback-running helper also reports a `call` event per
// callback it runs, and a frame-0 throw replacement contains no call at all.
//
// When the inner observer folds (SlotCostFolding: the additive model), so does this: the
// compiled tier then reports block counts instead of insn events, and a watched slot ran
// as often as the block holding it was entered. That is exact wherever the run goes on:
// the compiled tier enters a block only when its whole length fits the instruction budget
// and slice (else the interpreter runs it and reports its insn events one by one, which
// insn() counts), and calls, exits and bpf_throw are blocks of their own, so control
// leaves a block only after its last slot. The one exception is a fault inside a block
// (the block is counted whole, the interpreter stops reporting at the faulting slot), and
// a faulting run is an error, never a measurement; the folded model's cycles differ there
// the same way. Slots of tail-call targets are not the program's: nothing is counted
// while one runs (and a model that can follow tail calls does not fold).
import type { LoadedProgram } from '../exec/decoded.ts';
import type { BlockCuts, CallKind, ExecObserver, SlotCostFolding } from '../exec/observer.ts';

export class SiteCounter implements ExecObserver {
  /** Per slot of the program: executions so far (only watched slots are counted). */
  readonly counts: Float64Array;
  readonly folding: SlotCostFolding | undefined;
  private readonly watched: Uint8Array;
  private readonly watchedPcs: readonly number[];
  /** Per BlockCuts: the leader of the block holding each of watchedPcs (-1: none). */
  private readonly leadersByCuts = new WeakMap<BlockCuts, Int32Array>();
  private inMain = true;

  /** `watchedPcs` outside the program, or on the second slot of an lddw (no instruction
   * starts there, so none is ever reported), are never counted. */
  constructor(
    private readonly inner: ExecObserver,
    private readonly main: Pick<LoadedProgram, 'slots' | 'specs'>,
    watchedPcs: Iterable<number>,
  ) {
    const program = main;
    const slots = program.slots;
    this.counts = new Float64Array(slots);
    this.watched = new Uint8Array(slots);
    for (const pc of watchedPcs) if (pc >= 0 && pc < slots && program.specs[pc] !== undefined) this.watched[pc] = 1;
    this.watchedPcs = Array.from(this.watched.keys()).filter((pc) => this.watched[pc] === 1);
    const innerFolding = inner.folding;
    // Block counts are read before the inner observer folds them, which zeroes them.
    this.folding = innerFolding
      ? {
          fold: (counts, cuts) => {
            this.countBlocks(counts, cuts);
            innerFolding.fold(counts, cuts);
          },
        }
      : undefined;
  }

  insn(pc: number, memOffset: number, taken: boolean): void {
    if (this.inMain && this.watched[pc] === 1) this.counts[pc]++;
    this.inner.insn(pc, memOffset, taken);
  }

  call(pc: number, kind: CallKind, target: number): void {
    this.inner.call(pc, kind, target);
  }

  exit(pc: number, depth: number): void {
    this.inner.exit(pc, depth);
  }

  unwind(pc: number, frames: number): void {
    this.inner.unwind?.(pc, frames);
  }

  /** counts: executions per leader of `cuts` (counts.length: the slots of the program cut). */
  private countBlocks(counts: Float64Array, cuts: BlockCuts): void {
    if (!this.inMain) return;
    let leaders = this.leadersByCuts.get(cuts);
    if (!leaders) this.leadersByCuts.set(cuts, (leaders = blockLeaders(this.watchedPcs, cuts, counts.length)));
    for (let i = 0; i < leaders.length; i++) {
      const l = leaders[i];
      if (l >= 0) this.counts[this.watchedPcs[i]] += counts[l];
    }
  }

  enterProgram(loaded: LoadedProgram, by: 'tail-call' | 'return'): void {
    this.inMain = loaded === (this.main as LoadedProgram);
    this.inner.enterProgram?.(loaded, by);
  }

  /** Each run starts in the main program. */
  restart(): void {
    this.inMain = true;
  }
}

/** The leader of the block of `cuts` holding each pc, -1 for a pc outside the program
 * cut (`slots` long). */
function blockLeaders(pcs: readonly number[], cuts: BlockCuts, slots: number): Int32Array {
  const ls = cuts.leaders;
  const out = new Int32Array(pcs.length).fill(-1);
  pcs.forEach((pc, i) => {
    if (pc >= slots) return;
    // The last leader at or before pc.
    let lo = 0;
    let hi = ls.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (ls[mid] <= pc) lo = mid;
      else hi = mid - 1;
    }
    if (ls.length > 0 && ls[lo] <= pc) out[i] = ls[lo];
  });
  return out;
}
