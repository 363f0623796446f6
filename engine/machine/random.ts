// Seeded randomness for the machine. Every stream is derived from (seed, purpose, index)
// by a hash, so an event source's draws do not depend on how the CPUs interleave and the
// same seed always gives the same machine.

/** splitmix32-style finaliser: a well-mixed u32 from any u32. */
export function mix32(x: number): number {
  x = (x + 0x9e3779b9) | 0;
  x = Math.imul(x ^ (x >>> 16), 0x85ebca6b);
  x = Math.imul(x ^ (x >>> 13), 0xc2b2ae35);
  return (x ^ (x >>> 16)) >>> 0;
}

/** A u32 derived from the seed and any number of integers. */
export function derive(seed: number, ...parts: number[]): number {
  let h = mix32(seed | 0);
  for (const p of parts) h = mix32((h ^ (p | 0)) >>> 0);
  return h;
}

/** A small deterministic generator (xorshift32 over a derived state). */
export class Rng {
  private s: number;

  constructor(seed: number) {
    this.s = seed | 0 || 0x6d2b79f5;
  }

  u32(): number {
    let x = this.s;
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    this.s = x;
    return x >>> 0;
  }

  /** Uniform in [0, 1). */
  next(): number {
    return this.u32() / 4294967296;
  }

  /** Exponentially distributed with the given mean (inter-arrival of a Poisson process). */
  exponential(mean: number): number {
    return -Math.log(1 - this.next()) * mean;
  }

  /** Uniform integer in [0, n). */
  below(n: number): number {
    return Math.floor(this.next() * n);
  }
}
