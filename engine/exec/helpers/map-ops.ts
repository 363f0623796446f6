// bpf_map_lookup_elem (1), bpf_map_update_elem (2), bpf_map_delete_elem (3), and the
// queue/stack/bloom-filter helpers bpf_map_push_elem (87), bpf_map_pop_elem (88), bpf_map_peek_elem (89)
// (kernel/bpf/helpers.c: each calls the map's ops).

import { returnInt, returnPointer } from './args.ts';
import { compatibleMapArg } from './map-compat.ts';
import { ERRNO } from '../errno.ts';
import { BloomFilterMap } from '../maps/bloom-filter.ts';
import { QueueStackMap } from '../maps/queue-stack.ts';
import type { HelperDef, HelperEnv } from './registry.ts';

/** pop (remove) or peek: the value argument is written whatever the outcome. */
function take(env: HelperEnv, id: number, remove: boolean): void {
  const m = compatibleMapArg(env, 1, id);
  if (m instanceof BloomFilterMap) return returnInt(env, m.peek(env.pointer(2, m.def.valueSize, false)));
  const value = env.pointer(2, m.def.valueSize, true);
  returnInt(env, (m as QueueStackMap).take(value, remove));
}

export const mapHelpers: HelperDef[] = [
  {
    id: 1,
    name: 'bpf_map_lookup_elem',
    fn: (env) => {
      const m = compatibleMapArg(env, 1, 1);
      const key = env.pointer(2, m.def.keySize, false);
      returnPointer(env, m.lookup(key, env.state.cpu));
    },
  },
  {
    id: 2,
    name: 'bpf_map_update_elem',
    fn: (env) => {
      const m = compatibleMapArg(env, 1, 2);
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
      const m = compatibleMapArg(env, 1, 3);
      const key = env.pointer(2, m.def.keySize, false);
      returnInt(env, m.delete(key));
    },
  },
  {
    id: 87,
    name: 'bpf_map_push_elem',
    fn: (env) => {
      const m = compatibleMapArg(env, 1, 87) as QueueStackMap | BloomFilterMap;
      const value = env.pointer(2, m.def.valueSize, false);
      returnInt(env, m.push(value, BigInt.asUintN(64, env.arg(3))));
    },
  },
  { id: 88, name: 'bpf_map_pop_elem', fn: (env) => take(env, 88, true) },
  { id: 89, name: 'bpf_map_peek_elem', fn: (env) => take(env, 89, false) },
];
