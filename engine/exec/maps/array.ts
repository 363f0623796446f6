// BPF_MAP_TYPE_ARRAY and BPF_MAP_TYPE_PERCPU_ARRAY (kernel/bpf/arraymap.c): preallocated,
// zero-filled values indexed by a u32 key; entries can't be deleted.

import type { MapDef } from '../../program.ts';
import type { Memory } from '../memory.ts';
import { ERRNO } from '../errno.ts';
import { BPF_EXIST, BPF_F_LOCK, BPF_NOEXIST, LOCK_UNSUPPORTED, type BpfMap } from './map.ts';

export class ArrayMap implements BpfMap {
  /** values[cpu * maxEntries + index] = offset of that value region. */
  private readonly values: Int32Array;
  private readonly cpus: number;

  constructor(
    readonly def: MapDef,
    readonly handle: number,
    private readonly mem: Memory,
    cpus: number,
  ) {
    if (def.keySize !== 4) throw new Error(`array map '${def.name}': key size must be 4, is ${def.keySize}`);
    this.cpus = def.type === 'percpu_array' ? cpus : 1;
    this.values = new Int32Array(def.maxEntries * this.cpus);
    for (let c = 0; c < this.cpus; c++) {
      for (let i = 0; i < def.maxEntries; i++) {
        const off = mem.alloc('map-value', `${def.name}[${i}]${this.cpus > 1 ? `@cpu${c}` : ''}`, def.valueSize, !def.readonly);
        this.values[c * def.maxEntries + i] = off;
        if (i === 0 && def.initialValue) mem.bytes.set(def.initialValue.subarray(0, def.valueSize), off);
      }
    }
  }

  valueAt(index: number, cpu: number): number {
    return this.values[(this.cpus > 1 ? cpu : 0) * this.def.maxEntries + index];
  }

  lookup(keyOff: number, cpu: number): number {
    const i = this.mem.view.getUint32(keyOff, true);
    if (i >= this.def.maxEntries) return -1;
    return this.values[(this.cpus > 1 ? cpu : 0) * this.def.maxEntries + i];
  }

  update(keyOff: number, valueOff: number, flags: number, cpu: number): number {
    if ((flags & ~BPF_F_LOCK) > BPF_EXIST) return -ERRNO.EINVAL;
    const i = this.mem.view.getUint32(keyOff, true);
    if (i >= this.def.maxEntries) return -ERRNO.E2BIG;
    if ((flags & 3) === BPF_NOEXIST) return -ERRNO.EEXIST; // every array element exists
    if (flags & BPF_F_LOCK) return LOCK_UNSUPPORTED; // checked last, as array_map_update_elem does
    const dst = this.values[(this.cpus > 1 ? cpu : 0) * this.def.maxEntries + i];
    this.mem.bytes.copyWithin(dst, valueOff, valueOff + this.def.valueSize);
    return 0;
  }

  delete(): number {
    return -ERRNO.EINVAL;
  }

  /** The u32 indices bpf_for_each_array_elem() passes as keys (its own stack slot in the
   * kernel): read-only, allocated on the first walk. */
  private indexKeys = -1;

  /** kernel/bpf/arraymap.c bpf_for_each_array_elem(): every index in order, this CPU's copy. */
  forEach(cpu: number, visit: (keyOff: number, valueOff: number) => boolean): number {
    if (this.indexKeys < 0) {
      this.indexKeys = this.mem.alloc('map-value', `${this.def.name} keys`, 4 * this.def.maxEntries, false);
      for (let i = 0; i < this.def.maxEntries; i++) this.mem.view.setUint32(this.indexKeys + 4 * i, i, true);
    }
    let n = 0;
    for (let i = 0; i < this.def.maxEntries; i++) {
      n++;
      if (visit(this.indexKeys + 4 * i, this.valueAt(i, cpu))) break;
    }
    return n;
  }
}
