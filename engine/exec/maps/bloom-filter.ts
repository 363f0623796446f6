// BPF_MAP_TYPE_BLOOM_FILTER (kernel/bpf/bloom_filter.c): no keys; bpf_map_push_elem sets
// nr_hash_funcs bits of a power-of-two bit array for a value, bpf_map_peek_elem returns 0
// when all of a value's bits are set (present, or a false positive) and -ENOENT otherwise.
// Sizes as bloom_map_alloc(): nr_hash_funcs from map_extra (default 5), max_entries *
// nr_hash_funcs * 7 / 5 bits rounded up to a power of two, at least 64; bit positions
// jhash2 of the value (jhash when its size is not a multiple of 4) seeded with seed +
// the function's index. The kernel draws the seed at random unless BPF_F_ZERO_SEED; here
// it is always 0, so the bits (and so the false positives) are the kernel's exactly with
// BPF_F_ZERO_SEED, and values pushed are always found either way.

import type { MapDef } from '../../program.ts';
import type { Memory } from '../memory.ts';
import { ERRNO } from '../errno.ts';
import { jhash, jhash2 } from './jhash.ts';
import type { BpfMap } from './map.ts';

export class BloomFilterMap implements BpfMap {
  private readonly bits: Uint8Array;
  private readonly mask: number;
  readonly hashFuncs: number;

  constructor(
    readonly def: MapDef,
    readonly handle: number,
    private readonly mem: Memory,
  ) {
    this.hashFuncs = def.extra || 5;
    const want = Math.floor((def.maxEntries * this.hashFuncs) / 5) * 7;
    const nrBits = want > 2 ** 31 ? 2 ** 32 : want <= 64 ? 64 : 2 ** Math.ceil(Math.log2(want));
    this.mask = (nrBits - 1) >>> 0;
    this.bits = new Uint8Array(Math.ceil(nrBits / 8));
  }

  private positions(valueOff: number): number[] {
    const size = this.def.valueSize;
    const bytes = this.mem.bytes.slice(valueOff, valueOff + size);
    const words = size % 4 === 0 ? new Uint32Array(bytes.buffer, 0, size / 4) : undefined;
    const out: number[] = [];
    for (let i = 0; i < this.hashFuncs; i++) out.push(((words ? jhash2(words, i) : jhash(bytes, i)) & this.mask) >>> 0);
    return out;
  }

  push(valueOff: number, flags: bigint): number {
    if (flags !== 0n) return -ERRNO.EINVAL;
    for (const h of this.positions(valueOff)) this.bits[h >>> 3] |= 1 << (h & 7);
    return 0;
  }

  peek(valueOff: number): number {
    for (const h of this.positions(valueOff)) if (!(this.bits[h >>> 3] & (1 << (h & 7)))) return -ERRNO.ENOENT;
    return 0;
  }

  lookup(): number {
    return -1;
  }

  update(): number {
    return -ERRNO.EINVAL;
  }

  delete(): number {
    return -ERRNO.EOPNOTSUPP;
  }
}
