// bpf_for_each_map_elem (164): bpf_for_each_map_elem(map, callback_fn, callback_ctx, flags)
// calls callback_fn(map, key, value, callback_ctx) for each element (kernel/bpf/bpf_iter.c
// bpf_for_each_map_elem → map->ops->map_for_each_callback: bpf_for_each_array_elem,
// bpf_for_each_hash_elem); a callback result of 1 stops the walk (the verifier allows
// only 0 and 1). Returns the number of elements visited, the stopping one included;
// flags must be 0 (-EINVAL). Map types without map_for_each_callback are refused by the
// verifier.

import { returnInt } from './args.ts';
import { compatibleMapArg } from './map-compat.ts';
import { ERRNO } from '../errno.ts';
import { MEM_BASE_HI } from '../../layout/address-space.ts';
import type { HelperDef } from './registry.ts';

export const forEachMapElemHelpers: HelperDef[] = [
  {
    id: 164,
    name: 'bpf_for_each_map_elem',
    callsBack: true,
    fn: (env) => {
      const m = compatibleMapArg(env, 1, 164);
      if (!m.forEach) return env.fault(`the verifier refuses this call: callback function not allowed for map (map '${m.def.name}' is a ${m.def.type})`);
      const L = env.L;
      const H = env.H;
      if (L[4] !== 0 || H[4] !== 0) return returnInt(env, -ERRNO.EINVAL);
      const fnLo = L[2];
      const fnHi = H[2];
      const ctxLo = L[3];
      const ctxHi = H[3];
      const n = m.forEach(env.state.cpu, (keyOff, valueOff) => {
        L[1] = m.handle;
        H[1] = MEM_BASE_HI | 0;
        L[2] = keyOff;
        H[2] = MEM_BASE_HI | 0;
        L[3] = valueOff;
        H[3] = MEM_BASE_HI | 0;
        L[4] = ctxLo;
        H[4] = ctxHi;
        L[5] = H[5] = 0;
        env.callback(fnLo, fnHi);
        return L[0] !== 0 || H[0] !== 0;
      });
      returnInt(env, n);
    },
  },
];
