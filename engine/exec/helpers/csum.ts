// bpf_csum_diff (28): the Internet checksum difference between two buffers, as
// net/core/filter.c bpf_csum_diff() computes it since "bpf: bpf_csum_diff: optimize and
// homogenize for all archs" (v6.13): csum_partial() over `to` less csum_partial() over
// `from`, from the seed, folded to 16 bits by csum_from32to16() (so every architecture
// returns the same value).

import { returnInt } from './args.ts';
import type { HelperDef } from './registry.ts';

const U64 = (1n << 64n) - 1n;

/**
 * arch/x86/lib/csum-partial_64.c csum_partial(): 64-bit little-endian words (the last one
 * zero-padded) added with end-around carry to the seed, then csum_finalize_sum() folds
 * the 64-bit sum to 32 bits. The assembly adds words in adc chains closed by `adc $0`;
 * the sequential end-around sum here equals it except where a chain's closing carry
 * overflows again (a sum of all-ones words).
 */
export function csumPartial(bytes: Uint8Array, seed: number): number {
  let sum = BigInt(seed >>> 0);
  for (let i = 0; i < bytes.length; i += 8) {
    let word = 0n;
    for (let b = Math.min(7, bytes.length - 1 - i); b >= 0; b--) word = (word << 8n) | BigInt(bytes[i + b]);
    sum += word;
    if (sum > U64) sum -= U64;
  }
  const rotated = (sum >> 32n) | ((sum & 0xffff_ffffn) << 32n);
  return Number(((sum + rotated) & U64) >> 32n);
}

/** include/net/checksum.h csum_add(): 32-bit addition with end-around carry. */
function csumAdd(a: number, b: number): number {
  const res = ((a >>> 0) + (b >>> 0)) >>> 0;
  return (res + (res < b >>> 0 ? 1 : 0)) >>> 0;
}

/** include/net/checksum.h csum_sub(): csum_add(a, ~b). */
const csumSub = (a: number, b: number): number => csumAdd(a, ~b >>> 0);

/** include/net/checksum.h csum_from32to16(): fold a 32-bit sum to 16 bits. */
export function csumFrom32to16(sum: number): number {
  const s = ((sum >>> 0) + (((sum >>> 16) | (sum << 16)) >>> 0)) >>> 0;
  return s >>> 16;
}

/** net/core/filter.c bpf_csum_diff() on byte buffers and a 32-bit seed. */
export function csumDiff(from: Uint8Array, to: Uint8Array, seed: number): number {
  let ret = seed >>> 0;
  if (from.length && to.length) ret = csumSub(csumPartial(to, ret), csumPartial(from, 0));
  else if (to.length) ret = csumPartial(to, ret);
  else if (from.length) ret = ~csumPartial(from, ~ret >>> 0) >>> 0;
  return csumFrom32to16(ret);
}

export const csumHelpers: HelperDef[] = [
  {
    // bpf_csum_diff(from, from_size, to, to_size, seed): both buffers may be NULL with
    // size 0 (ARG_PTR_TO_MEM | PTR_MAYBE_NULL, ARG_CONST_SIZE_OR_ZERO).
    id: 28,
    name: 'bpf_csum_diff',
    fn: (env) => {
      const fromSize = env.L[2] >>> 0;
      const toSize = env.L[4] >>> 0;
      const bytes = (reg: number, size: number): Uint8Array => {
        if (size === 0) return new Uint8Array(0);
        const at = env.pointer(reg, size, false);
        return env.mem.bytes.subarray(at, at + size);
      };
      returnInt(env, csumDiff(bytes(1, fromSize), bytes(3, toSize), env.L[5]));
    },
  },
];
