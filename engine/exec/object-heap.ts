// The memory bpf_obj_new hands out (kernel/bpf/helpers.c bpf_obj_new_impl allocates from
// bpf_global_ma, the BPF memory allocator's per-CPU caches of fixed-size units). One pool
// region per instance, carved into 8-byte-aligned blocks; a dropped block goes back on
// its size's free list, as a bpf_mem_cache unit goes back on its free list.

import type { Memory } from './memory.ts';

/** Bytes of the pool: room for a few hundred live objects of typical node size. */
const POOL_BYTES = 64 * 1024;

export class ObjectHeap {
  private pool = -1;
  private used = 0;
  private readonly free = new Map<number, number[]>();
  private readonly sizes = new Map<number, number>();

  constructor(private readonly mem: Memory) {}

  /** Offset of a zeroed block of `size` bytes, or 0 when the pool is exhausted (the
   * kfunc then returns NULL, as bpf_mem_alloc does when it cannot refill). */
  alloc(size: number): number {
    const rounded = Math.max(8, (size + 7) & ~7);
    let at = this.free.get(rounded)?.pop();
    if (at === undefined) {
      if (this.pool < 0) this.pool = this.mem.alloc('helper-object', 'bpf_obj_new pool', POOL_BYTES);
      if (this.used + rounded > POOL_BYTES) return 0;
      at = this.pool + this.used;
      this.used += rounded;
    }
    this.mem.bytes.fill(0, at, at + rounded);
    this.sizes.set(at, rounded);
    return at;
  }

  /** Returns a block; false when `at` is not a live block of this heap. */
  release(at: number): boolean {
    const size = this.sizes.get(at);
    if (size === undefined) return false;
    this.sizes.delete(at);
    let list = this.free.get(size);
    if (!list) this.free.set(size, (list = []));
    list.push(at);
    return true;
  }
}
