// The return-address stack predictor: a circular buffer of the model's depth. A call
// pushes its return address (overwriting the oldest entry when full), a return pops the
// prediction; deeper recursion than the depth, or anything that pops without a matching
// push (the SRSO safe-ret thunk), makes later returns mispredict, as on hardware.

import type { FunctionalStateLog, Journaled } from './memo/functional-state-log.ts';
import type { StateWriter } from './memo/state-writer.ts';

export class ReturnStack {
  private readonly buf: Int32Array;
  private top = 0;
  private count = 0;
  mispredicts = 0;

  constructor(readonly depth: number) {
    if (!(depth >= 1)) throw new RangeError(`return stack depth ${depth}`);
    this.buf = new Int32Array(depth);
  }

  // Wrapping by comparison, not %: push and pop run for every call and return.
  push(addr: number): void {
    this.top = this.top + 1 === this.depth ? 0 : this.top + 1;
    this.buf[this.top] = addr;
    if (this.count < this.depth) this.count++;
  }

  /** The predicted return address, or -1 when the stack is empty. */
  pop(): number {
    if (this.count === 0) return -1;
    const v = this.buf[this.top];
    this.top = this.top === 0 ? this.depth - 1 : this.top - 1;
    this.count--;
    return v;
  }

  /** The live entries, newest first, after their count: what later pops can read. */
  save(out: StateWriter): void {
    out.push(this.count);
    for (let i = 0, j = this.top; i < this.count; i++, j = j === 0 ? this.depth - 1 : j - 1) out.push(this.buf[j]);
  }

  /** Restores what save() wrote (the ring's rotation is not part of the state). */
  restore(data: Float64Array, at: number): number {
    const n = data[at];
    for (let i = 0; i < n; i++) this.buf[n - 1 - i] = data[at + 1 + i];
    this.count = n;
    this.top = n === 0 ? 0 : n - 1;
    return at + 1 + n;
  }

  clear(): void {
    this.top = this.count = 0;
    this.mispredicts = 0;
  }
}

/** The architectural return addresses (what a `ret` really jumps to). */
export class CallStack implements Journaled {
  readonly unitCount = 1024;
  private readonly buf = new Int32Array(this.unitCount);
  sp = 0;
  /** While a memoised invocation is recorded: told of every entry before it is touched. */
  journal: FunctionalStateLog | null = null;
  journalId = -1;
  readonly unitLength = 1;
  push(addr: number): void {
    if (this.sp < this.buf.length) {
      if (this.journal !== null) this.journal.touch(this, this.sp);
      this.buf[this.sp] = addr;
    }
    this.sp++;
  }
  pop(): number {
    if (this.sp === 0) return -2;
    this.sp--;
    if (this.sp >= this.buf.length) return -2;
    if (this.journal !== null) this.journal.touch(this, this.sp);
    return this.buf[this.sp];
  }

  saveUnit(i: number, _base: number, out: StateWriter): void {
    out.push(this.buf[i]);
  }

  restoreUnit(i: number, _base: number, data: Float64Array, at: number): number {
    this.buf[i] = data[at];
    return at + 1;
  }
}
