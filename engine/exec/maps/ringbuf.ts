// BPF_MAP_TYPE_RINGBUF, output side only: bpf_ringbuf_output copies a record in if it
// fits (8-byte header + data rounded up to 8, as kernel/bpf/ringbuf.c), else -EAGAIN.
// Nothing consumes records while a program runs; the host reads and drains them.

import type { MapDef } from '../../program.ts';
import { ERRNO } from '../errno.ts';
import type { BpfMap } from './map.ts';

export class RingbufMap implements BpfMap {
  readonly records: Uint8Array[] = [];
  private used = 0;

  constructor(
    readonly def: MapDef,
    readonly handle: number,
  ) {}

  output(data: Uint8Array): number {
    const need = 8 + ((data.length + 7) & ~7);
    if (this.used + need > this.def.maxEntries) return -ERRNO.EAGAIN;
    this.used += need;
    this.records.push(data.slice());
    return 0;
  }

  drain(): Uint8Array[] {
    this.used = 0;
    return this.records.splice(0);
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
