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
  /** (counter index, value before) of each counter change by resolveUndoably() since
   * mark(), oldest first: undoLength numbers (a typed array kept across marks, so that
   * buffering allocates nothing in the steady state). */
  private undo = new Int32Array(256);
  private undoLength = 0;
  private historyAtMark = 0;
  private predictionsAtMark = 0;
  private mispredictsAtMark = 0;

  /** Predicts the branch at code address `addr`, learns `taken`, returns true on a mispredict. */
  resolve(addr: number, taken: boolean): boolean {
    return this.resolveAt(this.indexOf(addr), taken);
  }

  /** resolve(), remembering the change for rollback(). A saturated counter does not
   * change (the common case once a branch is learnt): nothing to remember. */
  resolveUndoably(addr: number, taken: boolean): boolean {
    const i = this.indexOf(addr);
    const c = this.counters[i];
    if (taken ? c < 3 : c > 0) {
      let u = this.undo;
      const n = this.undoLength;
      if (n + 2 > u.length) {
        u = new Int32Array(2 * u.length);
        u.set(this.undo);
        this.undo = u;
      }
      u[n] = i;
      u[n + 1] = c;
      this.undoLength = n + 2;
    }
    return this.resolveAt(i, taken);
  }

  /** The point rollback() returns to. */
  mark(): void {
    this.undoLength = 0;
    this.historyAtMark = this.history;
    this.predictionsAtMark = this.predictions;
    this.mispredictsAtMark = this.mispredicts;
  }

  /** Undoes every resolveUndoably() since mark(). Plain resolve() calls in between must
   * not have happened: their updates would not be undone. */
  rollback(): void {
    const u = this.undo;
    for (let j = this.undoLength - 2; j >= 0; j -= 2) this.counters[u[j]] = u[j + 1];
    this.undoLength = 0;
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
