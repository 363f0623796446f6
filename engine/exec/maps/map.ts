// The interface every simulated map implements. Keys and values live in simulated memory
// (offsets into Memory.bytes); lookups return the offset of the value region, so a BPF
// program reads and writes map values through ordinary bounds-checked loads and stores.

import type { MapDef } from '../../program.ts';
import { ERRNO } from '../errno.ts';

export interface BpfMap {
  readonly def: MapDef;
  /** Offset of this map's `struct bpf_map` stand-in: what lddw map puts in a register. */
  readonly handle: number;
  /** Value offset for the key at `keyOff`, on CPU `cpu`; -1 when absent. */
  lookup(keyOff: number, cpu: number): number;
  /** 0 or -errno. */
  update(keyOff: number, valueOff: number, flags: number, cpu: number): number;
  /** 0 or -errno. */
  delete(keyOff: number): number;
  /** bpf_for_each_map_elem: calls `visit` with each element's key and value (this CPU's
   * copy for per-CPU maps) until it returns true; returns how many it visited. Absent on
   * map types without map_for_each_callback. */
  forEach?(cpu: number, visit: (keyOff: number, valueOff: number) => boolean): number;
}

export const BPF_ANY = 0;
export const BPF_NOEXIST = 1;
export const BPF_EXIST = 2;
export const BPF_F_LOCK = 4;

/** No simulated map value holds a bpf_spin_lock, so BPF_F_LOCK updates are -EINVAL where
 * the kernel checks btf_record_has_field(map->record, BPF_SPIN_LOCK). */
export const LOCK_UNSUPPORTED = -ERRNO.EINVAL;
