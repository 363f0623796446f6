// Conditional-branch direction predictor: gshare (2-bit saturating counters indexed by
// the branch address xor a global history of recent outcomes). Stands in for the far
// larger TAGE-style predictors of the modelled cores: like them it learns fixed and
// short periodic patterns and cannot predict data-dependent random outcomes.

import type { FunctionalStateLog, Journaled } from './memo/functional-state-log.ts';
import type { StateWriter } from './memo/state-writer.ts';

const TABLE_BITS = 14;
const HISTORY_BITS = 12;

export class BranchPredictor implements Journaled {
  private readonly counters = new Uint8Array(1 << TABLE_BITS).fill(1);
  history = 0;
  predictions = 0;
  mispredicts = 0;
  /** While a memoised invocation is recorded: told of every counter before it is read. */
  journal: FunctionalStateLog | null = null;
  journalId = -1;
  readonly unitLength = 1;
  readonly unitCount = 1 << TABLE_BITS;

  /** Predicts the branch at code address `addr`, learns `taken`, returns true on a mispredict. */
  resolve(addr: number, taken: boolean): boolean {
    const i = ((addr >>> 0) ^ (this.history << (TABLE_BITS - HISTORY_BITS))) & ((1 << TABLE_BITS) - 1);
    if (this.journal !== null) this.journal.touch(this, i);
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

  saveUnit(i: number, _base: number, out: StateWriter): void {
    out.push(this.counters[i]);
  }

  restoreUnit(i: number, _base: number, data: Float64Array, at: number): number {
    this.counters[i] = data[at];
    return at + 1;
  }

  clear(): void {
    this.counters.fill(1);
    this.history = 0;
    this.predictions = this.mispredicts = 0;
  }
}
