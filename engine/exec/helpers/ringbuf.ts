// bpf_ringbuf_output (130): copy `size` bytes at `data` into the ring buffer map.

import { RingbufMap } from '../maps/ringbuf.ts';
import { mapArg, returnInt } from './args.ts';
import { ERRNO } from '../errno.ts';
import type { HelperDef } from './registry.ts';

export const ringbufHelpers: HelperDef[] = [
  {
    id: 130,
    name: 'bpf_ringbuf_output',
    fn: (env) => {
      const m = mapArg(env, 1);
      if (!(m instanceof RingbufMap)) env.fault(`bpf_ringbuf_output: map '${m.def.name}' is not a ringbuf`);
      const size = env.L[3] >>> 0;
      if (env.H[3] !== 0 || env.H[4] !== 0 || env.L[4] & ~3) return returnInt(env, -ERRNO.EINVAL);
      const data = env.pointer(2, size, false);
      returnInt(env, (m as RingbufMap).output(env.mem.bytes.subarray(data, data + size)));
    },
  },
];
