// BPF_MAP_TYPE_PROG_ARRAY: slots holding programs for bpf_tail_call. The host fills them
// (as user space does with bpf_map_update_elem on the map fd); BPF programs can't.

import type { MapDef } from '../../program.ts';
import { ERRNO } from '../errno.ts';
import type { BpfMap } from './map.ts';

export class ProgArrayMap implements BpfMap {
  readonly progs: unknown[];

  constructor(
    readonly def: MapDef,
    readonly handle: number,
  ) {
    this.progs = new Array(def.maxEntries).fill(undefined);
  }

  lookup(): number {
    return -1; // the verifier refuses map_lookup_elem on prog arrays
  }

  update(): number {
    return -ERRNO.EINVAL;
  }

  delete(): number {
    return -ERRNO.EINVAL;
  }
}
