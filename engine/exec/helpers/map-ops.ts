// bpf_map_lookup_elem (1), bpf_map_update_elem (2), bpf_map_delete_elem (3).

import { mapArg, returnInt, returnPointer } from './args.ts';
import { ERRNO } from '../errno.ts';
import type { HelperDef } from './registry.ts';

export const mapHelpers: HelperDef[] = [
  {
    id: 1,
    name: 'bpf_map_lookup_elem',
    fn: (env) => {
      const m = mapArg(env, 1);
      const key = env.pointer(2, m.def.keySize, false);
      returnPointer(env, m.lookup(key, env.state.cpu));
    },
  },
  {
    id: 2,
    name: 'bpf_map_update_elem',
    fn: (env) => {
      const m = mapArg(env, 1);
      const key = env.pointer(2, m.def.keySize, false);
      const value = env.pointer(3, m.def.valueSize, false);
      // flags is a u64: any high bit fails the maps' `(flags & ~BPF_F_LOCK) > BPF_EXIST`.
      returnInt(env, env.H[4] !== 0 ? -ERRNO.EINVAL : m.update(key, value, env.L[4] >>> 0, env.state.cpu));
    },
  },
  {
    id: 3,
    name: 'bpf_map_delete_elem',
    fn: (env) => {
      const m = mapArg(env, 1);
      const key = env.pointer(2, m.def.keySize, false);
      returnInt(env, m.delete(key));
    },
  },
];
