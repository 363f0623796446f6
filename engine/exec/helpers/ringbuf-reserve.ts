// bpf_ringbuf_reserve (131), bpf_ringbuf_submit (132), bpf_ringbuf_discard (133):
// kernel/bpf/ringbuf.c. reserve hands the program a record's data area, submit and
// discard clear its busy bit (bpf_ringbuf_commit()). The data area here is a block of the
// instance's own heap, copied into the map's record on submit, so the map holds exactly
// what bpf_ringbuf_output would have copied in.

import { MEM_BASE_HI } from '../../layout/address-space.ts';
import { RingbufMap } from '../maps/ringbuf.ts';
import { ObjectHeap } from '../object-heap.ts';
import type { InstanceState } from '../state.ts';
import { mapArg } from './args.ts';
import type { HelperDef, HelperEnv } from './registry.ts';

interface Reserved {
  map: RingbufMap;
  slot: number;
  size: number;
}

const heaps = new WeakMap<InstanceState, ObjectHeap>();
const live = new WeakMap<InstanceState, Map<number, Reserved>>();

function liveOf(env: HelperEnv): Map<number, Reserved> {
  let m = live.get(env.state);
  if (!m) live.set(env.state, (m = new Map()));
  return m;
}

/** bpf_ringbuf_reserve(map, size, flags): NULL for any flag (the kernel defines none)
 * or a record that does not fit. */
function reserve(env: HelperEnv): void {
  const m = mapArg(env, 1);
  if (!(m instanceof RingbufMap)) env.fault(`bpf_ringbuf_reserve: map '${m.def.name}' is not a ringbuf`);
  const size = env.L[2] >>> 0;
  env.L[0] = env.H[0] = 0;
  if (env.H[2] !== 0 || env.L[3] !== 0 || env.H[3] !== 0) return;
  let heap = heaps.get(env.state);
  if (!heap) heaps.set(env.state, (heap = new ObjectHeap(env.mem)));
  const slot = m.reserve(size);
  if (slot < 0) return;
  const at = heap.alloc(size);
  if (at === 0) {
    // Out of simulated memory: the room is given back as a discarded record would keep it.
    m.commit(slot, undefined);
    return;
  }
  liveOf(env).set(at, { map: m, slot, size });
  env.L[0] = at;
  env.H[0] = MEM_BASE_HI | 0;
}

/** bpf_ringbuf_submit/discard(data, flags): the verifier only accepts a pointer reserve
 * returned and not yet released; flags only choose the consumer wake-up. */
function commit(name: string, discard: boolean): (env: HelperEnv) => void {
  return (env) => {
    const at = env.L[1];
    const rec = (env.H[1] | 0) === (MEM_BASE_HI | 0) ? liveOf(env).get(at) : undefined;
    if (!rec) return env.fault(`${name}: R1 is not a record bpf_ringbuf_reserve returned (or it was already released)`);
    liveOf(env).delete(at);
    rec.map.commit(rec.slot, discard ? undefined : env.mem.bytes.slice(at, at + rec.size));
    heaps.get(env.state)?.release(at);
    env.L[0] = env.H[0] = 0;
  };
}

export const ringbufReserveHelpers: HelperDef[] = [
  { id: 131, name: 'bpf_ringbuf_reserve', fn: reserve },
  { id: 132, name: 'bpf_ringbuf_submit', fn: commit('bpf_ringbuf_submit', false) },
  { id: 133, name: 'bpf_ringbuf_discard', fn: commit('bpf_ringbuf_discard', true) },
];
