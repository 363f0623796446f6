// Bob Jenkins' lookup3 hash as include/linux/jhash.h defines it (jhash over bytes, jhash2
// over u32 words, both seeded), for the maps whose behaviour depends on the kernel's
// hash values (the bloom filter's bit positions).

const rol = (x: number, k: number): number => ((x << k) | (x >>> (32 - k))) >>> 0;
const JHASH_INITVAL = 0xdeadbeef;

function mix(s: Uint32Array): void {
  s[0] -= s[2]; s[0] ^= rol(s[2], 4); s[2] += s[1];
  s[1] -= s[0]; s[1] ^= rol(s[0], 6); s[0] += s[2];
  s[2] -= s[1]; s[2] ^= rol(s[1], 8); s[1] += s[0];
  s[0] -= s[2]; s[0] ^= rol(s[2], 16); s[2] += s[1];
  s[1] -= s[0]; s[1] ^= rol(s[0], 19); s[0] += s[2];
  s[2] -= s[1]; s[2] ^= rol(s[1], 4); s[1] += s[0];
}

function final(s: Uint32Array): void {
  s[2] ^= s[1]; s[2] -= rol(s[1], 14);
  s[0] ^= s[2]; s[0] -= rol(s[2], 11);
  s[1] ^= s[0]; s[1] -= rol(s[0], 25);
  s[2] ^= s[1]; s[2] -= rol(s[1], 16);
  s[0] ^= s[2]; s[0] -= rol(s[2], 4);
  s[1] ^= s[0]; s[1] -= rol(s[0], 14);
  s[2] ^= s[1]; s[2] -= rol(s[1], 24);
}

/** jhash(key, length, initval): `key` is the bytes, read as little-endian words. */
export function jhash(key: Uint8Array, initval: number): number {
  const s = new Uint32Array(3).fill((JHASH_INITVAL + key.length + initval) >>> 0);
  let i = 0;
  let len = key.length;
  const word = (o: number) => (key[o] | (key[o + 1] << 8) | (key[o + 2] << 16) | (key[o + 3] << 24)) >>> 0;
  for (; len > 12; len -= 12, i += 12) {
    s[0] += word(i); s[1] += word(i + 4); s[2] += word(i + 8);
    mix(s);
  }
  if (len === 0) return s[2];
  // The tail: byte j of the last block goes to word j >> 2 at bit 8 * (j & 3).
  for (let j = 0; j < len; j++) s[j >> 2] += key[i + j] << (8 * (j & 3));
  final(s);
  return s[2];
}

/** jhash2(k, length, initval) over `words` u32s. */
export function jhash2(words: Uint32Array, initval: number): number {
  const s = new Uint32Array(3).fill((JHASH_INITVAL + (words.length << 2) + initval) >>> 0);
  let i = 0;
  let len = words.length;
  for (; len > 3; len -= 3, i += 3) {
    s[0] += words[i]; s[1] += words[i + 1]; s[2] += words[i + 2];
    mix(s);
  }
  if (len === 0) return s[2];
  for (let j = 0; j < len; j++) s[j] += words[i + j];
  final(s);
  return s[2];
}
