// BPF_MAP_TYPE_RINGBUF, producer side only: bpf_ringbuf_output copies a record in if it
// fits (8-byte header + data rounded up to 8, as kernel/bpf/ringbuf.c), else -EAGAIN;
// bpf_ringbuf_reserve takes the same room at once and its record becomes visible when
// submitted (discarded records keep their room, as BPF_RINGBUF_DISCARD_BIT samples do
// until the consumer skips them). Records are kept in reservation order, as the kernel's
// positions order them. Nothing consumes records while a program runs; the host drains them.

import type { MapDef } from '../../program.ts';
import { ERRNO } from '../errno.ts';
import type { BpfMap } from './map.ts';

export class RingbufMap implements BpfMap {
  /** Records in reservation order; null while reserved, undefined once discarded. */
  private readonly slots: (Uint8Array | null | undefined)[] = [];
  private used = 0;

  constructor(
    readonly def: MapDef,
    readonly handle: number,
  ) {}

  output(data: Uint8Array): number {
    const slot = this.reserve(data.length);
    if (slot < 0) return -ERRNO.EAGAIN;
    this.commit(slot, data);
    return 0;
  }

  /** __bpf_ringbuf_reserve(): the slot of a `size`-byte record, or -1 when it does not
   * fit (the kernel also refuses records larger than the buffer). */
  reserve(size: number): number {
    const need = 8 + ((size + 7) & ~7);
    if (this.used + need > this.def.maxEntries) return -1;
    this.used += need;
    this.slots.push(null);
    return this.slots.length - 1;
  }

  /** bpf_ringbuf_commit(): the record's bytes (submit) or undefined (discard). */
  commit(slot: number, data: Uint8Array | undefined): void {
    this.slots[slot] = data?.slice();
  }

  /** Submitted records, oldest first. */
  get records(): Uint8Array[] {
    return this.slots.filter((r): r is Uint8Array => r instanceof Uint8Array);
  }

  drain(): Uint8Array[] {
    const out = this.records;
    this.used = 0;
    this.slots.length = 0;
    return out;
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
