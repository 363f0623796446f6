// bpf_loop (181): for i in [0, nr_loops): if callback_fn(i, callback_ctx) != 0 stop.
// Returns the number of iterations run (kernel/bpf/bpf_iter.c); flags must be 0 and
// nr_loops at most 1 << 23, else -EINVAL / -E2BIG.

import { returnInt } from './args.ts';
import { ERRNO } from '../errno.ts';
import type { HelperDef } from './registry.ts';

const BPF_MAX_LOOPS = 1 << 23;

export const loopHelpers: HelperDef[] = [
  {
    id: 181,
    name: 'bpf_loop',
    callsBack: true,
    fn: (env) => {
      const L = env.L;
      const H = env.H;
      if (H[1] !== 0 || L[1] >>> 0 > BPF_MAX_LOOPS) return returnInt(env, -ERRNO.E2BIG);
      if (L[4] !== 0 || H[4] !== 0) return returnInt(env, -ERRNO.EINVAL);
      const nr = L[1] >>> 0;
      const fnLo = L[2];
      const fnHi = H[2];
      const ctxLo = L[3];
      const ctxHi = H[3];
      let i = 0;
      for (; i < nr; i++) {
        L[1] = i;
        H[1] = 0;
        L[2] = ctxLo;
        H[2] = ctxHi;
        L[3] = L[4] = L[5] = H[3] = H[4] = H[5] = 0;
        env.callback(fnLo, fnHi);
        if (L[0] !== 0 || H[0] !== 0) {
          i++;
          break;
        }
      }
      returnInt(env, i);
    },
  },
];
