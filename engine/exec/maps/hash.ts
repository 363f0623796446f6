// BPF_MAP_TYPE_HASH and PERCPU_HASH (kernel/bpf/hashtab.c) with preallocated elements:
// a free list of maxEntries value slots, keys compared by their bytes. Update flags and
// errors as the kernel: BPF_NOEXIST on a present key -EEXIST, BPF_EXIST on a missing key
// -ENOENT, a new key in a full map -E2BIG, deleting a missing key -ENOENT.
// Replacing a present key's value copies in place (the kernel swaps in a fresh element,
// which is indistinguishable to a program that re-looks up).
// LRU_HASH never fails with -E2BIG: a new key in a full map evicts the least recently
// used element. The kernel's LRU is approximate (per-CPU lists, reference bits); this one
// is exact (lookups and updates refresh an element), which matches it whenever the
// kernel's lists are not under pressure from several CPUs. LRU_PERCPU_HASH is both.

import type { MapDef } from '../../program.ts';
import type { Memory } from '../memory.ts';
import { ERRNO } from '../errno.ts';
import { BPF_EXIST, BPF_F_LOCK, BPF_NOEXIST, LOCK_UNSUPPORTED, type BpfMap } from './map.ts';

export class HashMap implements BpfMap {
  private readonly slots: Int32Array;
  private readonly free: number[] = [];
  private readonly index = new Map<string, number>();
  private readonly cpus: number;
  private readonly lru: boolean;

  constructor(
    readonly def: MapDef,
    readonly handle: number,
    private readonly mem: Memory,
    cpus: number,
  ) {
    this.cpus = def.type === 'percpu_hash' || def.type === 'lru_percpu_hash' ? cpus : 1;
    this.lru = def.type === 'lru_hash' || def.type === 'lru_percpu_hash';
    this.slots = new Int32Array(def.maxEntries * this.cpus);
    for (let i = 0; i < def.maxEntries; i++) {
      for (let c = 0; c < this.cpus; c++) {
        this.slots[i * this.cpus + c] = mem.alloc('map-value', `${def.name}#${i}${this.cpus > 1 ? `@cpu${c}` : ''}`, def.valueSize);
      }
      this.free.push(def.maxEntries - 1 - i);
    }
  }

  private key(keyOff: number): string {
    const b = this.mem.bytes;
    let s = '';
    for (let i = 0; i < this.def.keySize; i++) s += String.fromCharCode(b[keyOff + i]);
    return s;
  }

  lookup(keyOff: number, cpu: number): number {
    const k = this.key(keyOff);
    const slot = this.index.get(k);
    if (slot === undefined) return -1;
    if (this.lru) this.touch(k, slot);
    return this.slots[slot * this.cpus + (this.cpus > 1 ? cpu : 0)];
  }

  /** Map iteration order is recency order: re-inserting moves a key to the newest end. */
  private touch(k: string, slot: number): void {
    this.index.delete(k);
    this.index.set(k, slot);
  }

  update(keyOff: number, valueOff: number, flags: number, cpu: number): number {
    if ((flags & ~BPF_F_LOCK) > BPF_EXIST) return -ERRNO.EINVAL;
    if (flags & BPF_F_LOCK) return LOCK_UNSUPPORTED; // htab_map_update_elem checks it first
    const k = this.key(keyOff);
    let slot = this.index.get(k);
    if (slot !== undefined && (flags & 3) === BPF_NOEXIST) return -ERRNO.EEXIST;
    if (slot === undefined) {
      if ((flags & 3) === BPF_EXIST) return -ERRNO.ENOENT;
      if (this.free.length === 0 && this.lru) {
        const [oldest, oldSlot] = this.index.entries().next().value as [string, number];
        this.index.delete(oldest);
        this.free.push(oldSlot);
      }
      if (this.free.length === 0) return -ERRNO.E2BIG;
      slot = this.free.pop() as number;
      this.index.set(k, slot);
      for (let c = 0; c < this.cpus; c++) {
        const o = this.slots[slot * this.cpus + c];
        this.mem.bytes.fill(0, o, o + this.def.valueSize);
      }
    }
    else if (this.lru) this.touch(k, slot);
    const dst = this.slots[slot * this.cpus + (this.cpus > 1 ? cpu : 0)];
    this.mem.bytes.copyWithin(dst, valueOff, valueOff + this.def.valueSize);
    return 0;
  }

  delete(keyOff: number): number {
    const k = this.key(keyOff);
    const slot = this.index.get(k);
    if (slot === undefined) return -ERRNO.ENOENT;
    this.index.delete(k);
    this.free.push(slot);
    return 0;
  }

  get size(): number {
    return this.index.size;
  }

  /** Each slot's key bytes (the kernel's l->key), read-only to the program; allocated on
   * the first walk, so maps never walked keep their layout. */
  private keyStore = -1;

  /**
   * kernel/bpf/hashtab.c bpf_for_each_hash_elem(): every element present, this CPU's copy
   * of per-CPU values. The kernel walks buckets (an order set by the random hash seed);
   * this walks insertion order. Elements the callback deletes before they are reached
   * are not visited, as in the kernel's RCU bucket walk.
   */
  forEach(cpu: number, visit: (keyOff: number, valueOff: number) => boolean): number {
    const ks = this.def.keySize;
    if (this.keyStore < 0) this.keyStore = this.mem.alloc('map-value', `${this.def.name} keys`, ks * this.def.maxEntries, false);
    let n = 0;
    for (const [k, slot] of [...this.index]) {
      if (this.index.get(k) !== slot) continue;
      const keyOff = this.keyStore + slot * ks;
      for (let i = 0; i < ks; i++) this.mem.bytes[keyOff + i] = k.charCodeAt(i);
      n++;
      if (visit(keyOff, this.slots[slot * this.cpus + (this.cpus > 1 ? cpu : 0)])) break;
    }
    return n;
  }
}
