// bpf_perf_event_output (25): bpf_perf_event_output(ctx, map, flags, data, size) writes
// `size` bytes at `data` as a sample into the perf_event_array slot flags & BPF_F_INDEX_MASK
// (BPF_F_CURRENT_CPU: this CPU's slot). Tracing programs (kernel/trace/bpf_trace.c
// bpf_perf_event_output) accept no other flag bits (-EINVAL). Packet programs
// (net/core/filter.c bpf_xdp_event_output, bpf_skb_event_output) may also ask, in
// BPF_F_CTXLEN_MASK (bits 32..51), for that many bytes of the packet to be appended,
// -EFAULT if the packet is shorter.

import { returnInt } from './args.ts';
import { compatibleMapArg } from './map-compat.ts';
import { ERRNO } from '../errno.ts';
import type { PerfEventArrayMap } from '../maps/perf-event-array.ts';
import type { HelperDef } from './registry.ts';

const BPF_F_INDEX_MASK = 0xffffffffn;
const BPF_F_CURRENT_CPU = 0xffffffffn;
const BPF_F_CTXLEN_MASK = 0xfffffn << 32n;

export const perfEventOutputHelpers: HelperDef[] = [
  {
    id: 25,
    name: 'bpf_perf_event_output',
    fn: (env) => {
      const m = compatibleMapArg(env, 2, 25) as PerfEventArrayMap;
      const flags = BigInt.asUintN(64, env.arg(3));
      const size = env.arg(5);
      const packet = env.mem.info.find((r) => r.kind === 'context' && r.name === 'packet');
      const allowed = packet ? BPF_F_INDEX_MASK | BPF_F_CTXLEN_MASK : BPF_F_INDEX_MASK;
      if (flags & ~allowed) return returnInt(env, -ERRNO.EINVAL);
      if (size > 0xffffffffn) return returnInt(env, -ERRNO.EINVAL);
      const data = env.pointer(4, Number(size), false);
      let sample = env.mem.bytes.subarray(data, data + Number(size));
      const ctxLen = Number((flags & BPF_F_CTXLEN_MASK) >> 32n);
      if (ctxLen > 0 && packet) {
        if (ctxLen > packet.end - packet.start) return returnInt(env, -ERRNO.EFAULT);
        const joined = new Uint8Array(sample.length + ctxLen);
        joined.set(sample);
        joined.set(env.mem.bytes.subarray(packet.start, packet.start + ctxLen), sample.length);
        sample = joined;
      }
      const idx = flags & BPF_F_INDEX_MASK;
      const index = idx === BPF_F_CURRENT_CPU ? env.state.cpu : Number(idx);
      returnInt(env, m.output(index, env.state.cpu, sample));
    },
  },
];
