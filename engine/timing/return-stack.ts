// The return-address stack predictor: a circular buffer of the model's depth. A call
// pushes its return address (overwriting the oldest entry when full), a return pops the
// prediction; deeper recursion than the depth, or anything that pops without a matching
// push (the SRSO safe-ret thunk), makes later returns mispredict, as on hardware.

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

  clear(): void {
    this.top = this.count = 0;
    this.mispredicts = 0;
  }
}

/** The architectural return addresses (what a `ret` really jumps to). */
export class CallStack {
  private readonly buf = new Int32Array(1024);
  sp = 0;
  push(addr: number): void {
    if (this.sp < this.buf.length) this.buf[this.sp] = addr;
    this.sp++;
  }
  pop(): number {
    if (this.sp === 0) return -2;
    this.sp--;
    return this.sp < this.buf.length ? this.buf[this.sp] : -2;
  }
}
