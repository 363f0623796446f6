// BPF_MAP_TYPE_LPM_TRIE (kernel/bpf/lpm_trie.c): keys are struct bpf_lpm_trie_key_u8
// { u32 prefixlen; u8 data[key_size - 4]; }, data big-endian (data[0] most significant).
// An element is a (prefixlen, first prefixlen bits of data) pair. Lookup returns the
// value of the element with the longest prefix that is no longer than the key's
// prefixlen and agrees with the key's data on all its bits (trie_lookup_elem's walk:
// longest_prefix_match() limits every comparison to min(node, key) prefixlen), NULL if
// none or if the key's prefixlen exceeds data_size * 8. Update: flags above BPF_EXIST or
// a prefixlen above the maximum -EINVAL; replacing an element obeys BPF_NOEXIST (-EEXIST);
// a new element obeys BPF_EXIST (-ENOENT) and max_entries (-ENOSPC), as trie_update_elem()
// does since v6.14. Delete is exact-match, else -ENOENT.
// Elements are a list rather than a trie: the walk order is the kernel's business, the
// answer is the same. Values are allocated as elements are added (the map is never
// preallocated: BPF_F_NO_PREALLOC is mandatory) and their slots reused.

import type { MapDef } from '../../program.ts';
import type { Memory } from '../memory.ts';
import { ERRNO } from '../errno.ts';
import { BPF_EXIST, BPF_F_LOCK, BPF_NOEXIST, type BpfMap } from './map.ts';

interface Element {
  prefixlen: number;
  data: Uint8Array;
  valueOff: number;
}

export class LpmTrieMap implements BpfMap {
  private readonly elements: Element[] = [];
  private readonly freeValues: number[] = [];
  private allocated = 0;
  readonly dataSize: number;
  readonly maxPrefixlen: number;

  constructor(
    readonly def: MapDef,
    readonly handle: number,
    private readonly mem: Memory,
  ) {
    this.dataSize = def.keySize - 4;
    this.maxPrefixlen = this.dataSize * 8;
  }

  /** Bits of `a` and `b` that agree from the most significant, up to `limit`. */
  private static matchLen(a: Uint8Array, b: Uint8Array, limit: number): number {
    let n = 0;
    for (let i = 0; n < limit && i < a.length; i++) {
      const diff = a[i] ^ b[i];
      if (diff === 0) {
        n += 8;
        continue;
      }
      n += Math.clz32(diff) - 24;
      break;
    }
    return Math.min(n, limit);
  }

  private keyAt(keyOff: number): { prefixlen: number; data: Uint8Array } {
    return { prefixlen: this.mem.view.getUint32(keyOff, true), data: this.mem.bytes.subarray(keyOff + 4, keyOff + 4 + this.dataSize) };
  }

  private exact(prefixlen: number, data: Uint8Array): number {
    return this.elements.findIndex((e) => e.prefixlen === prefixlen && LpmTrieMap.matchLen(e.data, data, prefixlen) === prefixlen);
  }

  lookup(keyOff: number): number {
    const key = this.keyAt(keyOff);
    if (key.prefixlen > this.maxPrefixlen) return -1;
    let best: Element | undefined;
    for (const e of this.elements) {
      if (e.prefixlen > key.prefixlen || (best && e.prefixlen <= best.prefixlen)) continue;
      if (LpmTrieMap.matchLen(e.data, key.data, e.prefixlen) === e.prefixlen) best = e;
    }
    return best ? best.valueOff : -1;
  }

  update(keyOff: number, valueOff: number, flags: number): number {
    if ((flags & ~BPF_F_LOCK) > BPF_EXIST || flags & BPF_F_LOCK) return -ERRNO.EINVAL;
    const key = this.keyAt(keyOff);
    if (key.prefixlen > this.maxPrefixlen) return -ERRNO.EINVAL;
    const i = this.exact(key.prefixlen, key.data);
    let dst: number;
    if (i >= 0) {
      if (flags === BPF_NOEXIST) return -ERRNO.EEXIST;
      dst = this.elements[i].valueOff;
      this.elements[i].data = key.data.slice();
    } else {
      if (flags === BPF_EXIST) return -ERRNO.ENOENT;
      if (this.elements.length === this.def.maxEntries) return -ERRNO.ENOSPC;
      dst = this.freeValues.pop() ?? this.mem.alloc('map-value', `${this.def.name}#${this.allocated++}`, this.def.valueSize);
      this.elements.push({ prefixlen: key.prefixlen, data: key.data.slice(), valueOff: dst });
    }
    this.mem.bytes.copyWithin(dst, valueOff, valueOff + this.def.valueSize);
    return 0;
  }

  delete(keyOff: number): number {
    const key = this.keyAt(keyOff);
    if (key.prefixlen > this.maxPrefixlen) return -ERRNO.EINVAL;
    const i = this.exact(key.prefixlen, key.data);
    if (i < 0) return -ERRNO.ENOENT;
    this.freeValues.push(this.elements[i].valueOff);
    this.elements.splice(i, 1);
    return 0;
  }

  get size(): number {
    return this.elements.length;
  }
}
