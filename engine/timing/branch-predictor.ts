// Conditional-branch direction predictor: gshare (2-bit saturating counters indexed by
// the branch address xor a global history of recent outcomes). Stands in for the far
// larger TAGE-style predictors of the modelled cores: like them it learns fixed and
// short periodic patterns and cannot predict data-dependent random outcomes.
//
// The memo (./memo/memoised-ooo-model.ts) runs it live on events it has not stepped yet
// and may have to step them after all: resolveUndoably() keeps what each update changed
// so that rollback() puts the predictor back where it was at mark(), and the step then
// trains it once, as the plain model does.

const TABLE_BITS = 14;
const HISTORY_BITS = 12;

export class BranchPredictor {
  private readonly counters = new Uint8Array(1 << TABLE_BITS).fill(1);
  history = 0;
  predictions = 0;
  mispredicts = 0;
  /** (counter index, value before) of each resolveUndoably() since mark(), oldest first. */
  private readonly undo: number[] = [];
  private historyAtMark = 0;
  private predictionsAtMark = 0;
  private mispredictsAtMark = 0;

  /** Predicts the branch at code address `addr`, learns `taken`, returns true on a mispredict. */
  resolve(addr: number, taken: boolean): boolean {
    return this.resolveAt(this.indexOf(addr), taken);
  }

  /** resolve(), remembering the change for rollback(). */
  resolveUndoably(addr: number, taken: boolean): boolean {
    const i = this.indexOf(addr);
    this.undo.push(i, this.counters[i]);
    return this.resolveAt(i, taken);
  }

  /** The point rollback() returns to. */
  mark(): void {
    this.undo.length = 0;
    this.historyAtMark = this.history;
    this.predictionsAtMark = this.predictions;
    this.mispredictsAtMark = this.mispredicts;
  }

  /** Undoes every resolveUndoably() since mark(). Plain resolve() calls in between must
   * not have happened: their updates would not be undone. */
  rollback(): void {
    const u = this.undo;
    for (let j = u.length - 2; j >= 0; j -= 2) this.counters[u[j]] = u[j + 1];
    u.length = 0;
    this.history = this.historyAtMark;
    this.predictions = this.predictionsAtMark;
    this.mispredicts = this.mispredictsAtMark;
  }

  private indexOf(addr: number): number {
    return ((addr >>> 0) ^ (this.history << (TABLE_BITS - HISTORY_BITS))) & ((1 << TABLE_BITS) - 1);
  }

  private resolveAt(i: number, taken: boolean): boolean {
    const c = this.counters[i];
    const predictedTaken = c >= 2;
    if (taken) {
      if (c < 3) this.counters[i] = c + 1;
    } else if (c > 0) this.counters[i] = c - 1;
    this.history = ((this.history << 1) | (taken ? 1 : 0)) & ((1 << HISTORY_BITS) - 1);
    this.predictions++;
    if (predictedTaken !== taken) {
      this.mispredicts++;
      return true;
    }
    return false;
  }

  clear(): void {
    this.counters.fill(1);
    this.history = 0;
    this.predictions = this.mispredicts = 0;
    this.mark();
  }
}
