// BPF_MAP_TYPE_QUEUE and BPF_MAP_TYPE_STACK (kernel/bpf/queue_stack_maps.c): no keys,
// values copied in by bpf_map_push_elem and out by bpf_map_pop_elem/peek_elem. A queue
// hands back the oldest value, a stack the newest. Push on a full map is -E2BIG unless
// flags is BPF_EXIST, which drops the oldest value to make room; flags BPF_NOEXIST or
// anything above BPF_EXIST is -EINVAL. Pop and peek on an empty map zero the
// destination and return -ENOENT. Lookup, update and delete are the map's stubs
// (NULL, -EINVAL, -EINVAL), though the verifier refuses those calls first.

import type { MapDef } from '../../program.ts';
import type { Memory } from '../memory.ts';
import { ERRNO } from '../errno.ts';
import { BPF_EXIST, BPF_NOEXIST, type BpfMap } from './map.ts';

export class QueueStackMap implements BpfMap {
  /** Oldest first. */
  private readonly values: Uint8Array[] = [];
  private readonly lifo: boolean;

  constructor(
    readonly def: MapDef,
    readonly handle: number,
    private readonly mem: Memory,
  ) {
    this.lifo = def.type === 'stack';
  }

  push(valueOff: number, flags: bigint): number {
    if (flags & BigInt(BPF_NOEXIST) || flags > BigInt(BPF_EXIST)) return -ERRNO.EINVAL;
    if (this.values.length === this.def.maxEntries) {
      if (flags !== BigInt(BPF_EXIST)) return -ERRNO.E2BIG;
      this.values.shift(); // the tail advances over the oldest element, for both kinds
    }
    this.values.push(this.mem.bytes.slice(valueOff, valueOff + this.def.valueSize));
    return 0;
  }

  /** pop (remove) or peek: copies the next value to `valueOff`. */
  take(valueOff: number, remove: boolean): number {
    if (this.values.length === 0) {
      this.mem.bytes.fill(0, valueOff, valueOff + this.def.valueSize);
      return -ERRNO.ENOENT;
    }
    const v = this.lifo ? this.values[this.values.length - 1] : this.values[0];
    this.mem.bytes.set(v, valueOff);
    if (remove) {
      if (this.lifo) this.values.pop();
      else this.values.shift();
    }
    return 0;
  }

  get size(): number {
    return this.values.length;
  }

  lookup(): number {
    return -1;
  }

  update(): number {
    return -ERRNO.EINVAL;
  }

  delete(): number {
    return -ERRNO.EINVAL;
  }
}
