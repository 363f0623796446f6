// BPF_MAP_TYPE_PERF_EVENT_ARRAY (kernel/bpf/arraymap.c, kernel/trace/bpf_trace.c): slot
// i holds a perf event, normally a PERF_COUNT_SW_BPF_OUTPUT event opened on CPU i by the
// loader (libbpf's perf_buffer__new opens one per possible CPU). bpf_perf_event_output
// writes a sample into the slot's event ring. Here every slot below the CPU count starts
// open on its own CPU, as that loader leaves it; `close` empties a slot, after which
// output to it is -ENOENT as in __bpf_perf_event_output(). Samples are captured in
// order for the host to read and drain, as RingbufMap's records are.

import type { MapDef } from '../../program.ts';
import { ERRNO } from '../errno.ts';
import type { BpfMap } from './map.ts';

export interface PerfSample {
  cpu: number;
  data: Uint8Array;
}

export class PerfEventArrayMap implements BpfMap {
  readonly samples: PerfSample[] = [];
  /** Slot index → the CPU its event is bound to; absent when the slot is empty. */
  private readonly eventCpu = new Map<number, number>();
  /** max_entries, or the CPU count where the definition leaves it 0 (as libbpf creates it). */
  readonly slots: number;

  constructor(
    readonly def: MapDef,
    readonly handle: number,
    cpus: number,
  ) {
    this.slots = def.maxEntries || cpus;
    for (let i = 0; i < Math.min(cpus, this.slots); i++) this.eventCpu.set(i, i);
  }

  close(index: number): void {
    this.eventCpu.delete(index);
  }

  /** __bpf_perf_event_output(): index already resolved from BPF_F_CURRENT_CPU. */
  output(index: number, cpu: number, data: Uint8Array): number {
    if (index >= this.slots) return -ERRNO.E2BIG;
    const bound = this.eventCpu.get(index);
    if (bound === undefined) return -ERRNO.ENOENT;
    if (bound !== cpu) return -ERRNO.EOPNOTSUPP; // event->oncpu != smp_processor_id()
    this.samples.push({ cpu, data: data.slice() });
    return 0;
  }

  drain(): PerfSample[] {
    return this.samples.splice(0);
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
