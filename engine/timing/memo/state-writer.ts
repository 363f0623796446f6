// A growable run of numbers in one Float64Array: the canonical state is written into it
// once per invocation, so it must not allocate in the steady state as a number[] would.

export class StateWriter {
  data = new Float64Array(1024);
  length = 0;

  push(v: number): void {
    if (this.length === this.data.length) {
      const grown = new Float64Array(this.data.length * 2);
      grown.set(this.data);
      this.data = grown;
    }
    this.data[this.length++] = v;
  }

  /** The numbers written so far (a view: valid until the next write). */
  view(): Float64Array {
    return this.data.subarray(0, this.length);
  }

  /** A copy of the numbers written so far. */
  copy(): Float64Array {
    return this.data.slice(0, this.length);
  }
}
