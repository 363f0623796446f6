// Exact 64-bit integer arithmetic on a register file split into two Int32Arrays: L[r]
// holds the low 32 bits and H[r] the high 32 bits of register r (two's complement, so a
// value is (H[r] >>> 0) * 2^32 + (L[r] >>> 0) read unsigned). Everything here is int32
// arithmetic V8 keeps in machine registers; only 64-bit division with a non-zero high
// word falls back to BigInt. Semantics follow RFC 9669 §4.1: division by zero gives 0,
// modulo by zero leaves dst unchanged, signed INT_MIN / -1 wraps to INT_MIN.

export function add64(L: Int32Array, H: Int32Array, d: number, bl: number, bh: number): void {
  const al = L[d];
  const lo = (al + bl) | 0;
  H[d] = (H[d] + bh + ((lo >>> 0) < (al >>> 0) ? 1 : 0)) | 0;
  L[d] = lo;
}

export function sub64(L: Int32Array, H: Int32Array, d: number, bl: number, bh: number): void {
  const al = L[d];
  H[d] = (H[d] - bh - ((al >>> 0) < (bl >>> 0) ? 1 : 0)) | 0;
  L[d] = (al - bl) | 0;
}

/** High 32 bits of the unsigned 64-bit product of two 32-bit words. Each partial product
 * of a u32 and a 16-bit half is below 2^48, and every sum and power-of-two division below
 * stays under 2^53, so the doubles are exact and the floors give floor(a * b / 2^32). */
export function mulhiU32(a: number, b: number): number {
  const au = a >>> 0;
  const pl = au * (b & 0xffff);
  const ph = au * (b >>> 16);
  return Math.floor((ph + Math.floor(pl / 65536)) / 65536) | 0;
}

export function mul64(L: Int32Array, H: Int32Array, d: number, bl: number, bh: number): void {
  const al = L[d];
  H[d] = (mulhiU32(al, bl) + Math.imul(al, bh) + Math.imul(H[d], bl)) | 0;
  L[d] = Math.imul(al, bl);
}

export function lsh64(L: Int32Array, H: Int32Array, d: number, n: number): void {
  n &= 63;
  if (n === 0) return;
  if (n < 32) {
    H[d] = (H[d] << n) | (L[d] >>> (32 - n));
    L[d] = L[d] << n;
  } else {
    H[d] = L[d] << (n - 32);
    L[d] = 0;
  }
}

export function rsh64(L: Int32Array, H: Int32Array, d: number, n: number): void {
  n &= 63;
  if (n === 0) return;
  if (n < 32) {
    L[d] = (L[d] >>> n) | (H[d] << (32 - n));
    H[d] = H[d] >>> n;
  } else {
    L[d] = H[d] >>> (n - 32);
    H[d] = 0;
  }
}

export function arsh64(L: Int32Array, H: Int32Array, d: number, n: number): void {
  n &= 63;
  if (n === 0) return;
  if (n < 32) {
    L[d] = (L[d] >>> n) | (H[d] << (32 - n));
    H[d] = H[d] >> n;
  } else {
    L[d] = H[d] >> (n - 32);
    H[d] = H[d] >> 31;
  }
}

export function neg64(L: Int32Array, H: Int32Array, d: number): void {
  const lo = -L[d] | 0;
  H[d] = (~H[d] + (lo === 0 ? 1 : 0)) | 0;
  L[d] = lo;
}

const toBig = (lo: number, hi: number): bigint => (BigInt(hi >>> 0) << 32n) | BigInt(lo >>> 0);
const fromBig = (L: Int32Array, H: Int32Array, d: number, v: bigint): void => {
  L[d] = Number(BigInt.asIntN(32, v));
  H[d] = Number(BigInt.asIntN(32, v >> 32n));
};

/** Unsigned 64-bit dst /= src (mod when `mod`); by zero: div 0, mod unchanged. */
export function udivmod64(L: Int32Array, H: Int32Array, d: number, bl: number, bh: number, mod: boolean): void {
  if (bl === 0 && bh === 0) {
    if (!mod) L[d] = H[d] = 0;
    return;
  }
  if (H[d] === 0 && bh === 0) {
    const a = L[d] >>> 0;
    const b = bl >>> 0;
    L[d] = mod ? a % b : Math.floor(a / b);
    return;
  }
  const a = toBig(L[d], H[d]);
  const b = toBig(bl, bh);
  fromBig(L, H, d, mod ? a % b : a / b);
}

/** Signed 64-bit sdiv/smod (truncating, result sign of the dividend for smod). */
export function sdivmod64(L: Int32Array, H: Int32Array, d: number, bl: number, bh: number, mod: boolean): void {
  if (bl === 0 && bh === 0) {
    if (!mod) L[d] = H[d] = 0;
    return;
  }
  const al = L[d];
  if (H[d] === al >> 31 && bh === bl >> 31) {
    // Both fit in int32: exact in doubles; INT32_MIN / -1 = 2^31 is a valid 64-bit result.
    const r = mod ? al % bl : Math.trunc(al / bl);
    L[d] = r | 0;
    H[d] = r < 0 ? -1 : 0;
    return;
  }
  const a = BigInt.asIntN(64, toBig(al, H[d]));
  const b = BigInt.asIntN(64, toBig(bl, bh));
  // BigInt division truncates toward zero like C; INT64_MIN / -1 wraps via fromBig.
  fromBig(L, H, d, mod ? a % b : a / b);
}

export function udiv32(a: number, b: number): number {
  return b === 0 ? 0 : ((a >>> 0) / (b >>> 0)) >>> 0;
}

export function umod32(a: number, b: number): number {
  return b === 0 ? a : ((a >>> 0) % (b >>> 0)) | 0;
}

export function sdiv32(a: number, b: number): number {
  return b === 0 ? 0 : (a / b) | 0;
}

export function smod32(a: number, b: number): number {
  return b === 0 ? a : a % b | 0;
}

export function bswap32(v: number): number {
  return ((v & 0xff) << 24) | ((v & 0xff00) << 8) | ((v >>> 8) & 0xff00) | (v >>> 24);
}

export function bswap16(v: number): number {
  return ((v & 0xff) << 8) | ((v >>> 8) & 0xff);
}

/** dst = bswap64(dst). */
export function bswap64(L: Int32Array, H: Int32Array, d: number): void {
  const lo = L[d];
  L[d] = bswap32(H[d]);
  H[d] = bswap32(lo);
}

/** Unsigned a < b on (lo, hi) pairs. */
export function ltU64(al: number, ah: number, bl: number, bh: number): boolean {
  return ah === bh ? al >>> 0 < bl >>> 0 : ah >>> 0 < bh >>> 0;
}

/** Signed a < b on (lo, hi) pairs. */
export function ltS64(al: number, ah: number, bl: number, bh: number): boolean {
  return ah === bh ? al >>> 0 < bl >>> 0 : ah < bh;
}
