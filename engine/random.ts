// Seeded pseudo-random numbers. Every generator and seed derivation here is a pure
// function of its seed, so a run is reproducible from its seed alone on any machine.
//   xorshift32 + fmix32  the instance PRNG behind bpf_get_prandom_u32 (exec/state.ts)
//   Xorshift32           the machine's event streams (machine/simulate.ts)
//   Mulberry32           program and input generation for the fuzzers (fuzz/)

/** murmur3's 32-bit finaliser: a bijection on u32 that mixes every input bit into every
 * output bit. */
export function fmix32(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/** One xorshift32 (13, 17, 5) step: the next state, as an i32. */
export function xorshift32(x: number): number {
  x ^= x << 13;
  x ^= x >>> 17;
  x ^= x << 5;
  return x;
}

// At module level, not a closure made per call: the machine draws a seed for every
// arrival and interrupt, and tsx wraps each function made at run time to keep its name
// (the bench's 36 scenario tasks in one process: random.ts 1.3% of the profile with the
// closure, 0.9% in that wrapper; under 0.1% without it).
const mixStep = (x: number): number => fmix32((x + 0x9e3779b9) | 0);

/** A u32 derived from the seed and any number of integers by chained fmix32 (each input
 * offset by the golden-ratio constant, as splitmix32 does), so a stream's draws depend only
 * on (seed, purpose, index) and not on the order streams are created in. */
export function mixSeed(seed: number, ...parts: number[]): number {
  let h = mixStep(seed | 0);
  for (const p of parts) h = mixStep((h ^ (p | 0)) >>> 0);
  return h;
}

/** Per-item seed from a run seed and an index, so item i can be regenerated alone. */
export function deriveSeed(seed: number, index: number): number {
  let h = (Math.imul(seed >>> 0, 0x9e3779b1) ^ Math.imul(index + 1, 0x85ebca77)) >>> 0;
  h ^= h >>> 16;
  h = Math.imul(h, 0x7feb352d) >>> 0;
  h ^= h >>> 15;
  return h >>> 0;
}

/** xorshift32 generator; a zero seed is replaced (xorshift32 never leaves 0). */
export class Xorshift32 {
  private s: number;

  constructor(seed: number) {
    this.s = seed | 0 || 0x6d2b79f5;
  }

  u32(): number {
    this.s = xorshift32(this.s);
    return this.s >>> 0;
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

/** mulberry32 generator on a 32-bit state, with the draws the fuzzers need. */
export class Mulberry32 {
  private s: number;

  constructor(seed: number) {
    this.s = seed >>> 0;
  }

  /** Uniform u32. */
  u32(): number {
    let t = (this.s = (this.s + 0x6d2b79f5) >>> 0);
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return (t ^ (t >>> 14)) >>> 0;
  }

  /** Integer in [0, n). */
  int(n: number): number {
    return n <= 0 ? 0 : Math.floor((this.u32() / 0x1_0000_0000) * n);
  }

  /** Integer in [lo, hi]. */
  range(lo: number, hi: number): number {
    return lo + this.int(hi - lo + 1);
  }

  chance(p: number): boolean {
    return this.u32() / 0x1_0000_0000 < p;
  }

  pick<T>(xs: readonly T[]): T {
    return xs[this.int(xs.length)];
  }

  /** An index into `weights`, chosen in proportion to them. */
  weighted(weights: readonly number[]): number {
    let total = 0;
    for (const w of weights) total += w;
    let x = (this.u32() / 0x1_0000_0000) * total;
    for (let i = 0; i < weights.length; i++) {
      x -= weights[i];
      if (x < 0) return i;
    }
    return weights.length - 1;
  }

  /** Signed 32-bit value biased towards the edges where arithmetic goes wrong. */
  interestingS32(): number {
    const edges = [0, 1, -1, 2, 7, 31, 32, 63, 64, 0x7f, 0x80, 0xff, 0x7fff, 0x8000, 0xffff, 0x7fffffff, -0x80000000, -2, -8];
    return this.chance(0.5) ? this.pick(edges) | 0 : this.u32() | 0;
  }

  /** 64-bit value (as bigint) biased towards edges. */
  interesting64(): bigint {
    const edges = [0n, 1n, -1n, 0x7fffffffffffffffn, -0x8000000000000000n, 0xffffffffn, 0x100000000n, 0x80000000n, -0x80000000n];
    if (this.chance(0.4)) return BigInt.asIntN(64, this.pick(edges));
    return BigInt.asIntN(64, (BigInt(this.u32()) << 32n) | BigInt(this.u32()));
  }

  bytes(n: number): Uint8Array {
    const out = new Uint8Array(n);
    for (let i = 0; i < n; i++) out[i] = this.u32() & 0xff;
    return out;
  }
}
