// bpf_redirect_map (51): an XDP program names an entry of a devmap, devmap_hash, cpumap
// or xskmap as the packet's destination. include/linux/filter.h __bpf_xdp_redirect_map():
// flags outside the action bits (XDP_ABORTED..XDP_TX, the low two) and the map type's own
// flags (devmaps: BPF_F_BROADCAST, BPF_F_EXCLUDE_INGRESS; dev_map_redirect()) return
// XDP_ABORTED; an absent entry returns the flags' action bits (the fallback action) and
// clears the redirect target, unless BPF_F_BROADCAST (which redirects to the whole map);
// otherwise the target is recorded and the result is XDP_REDIRECT.

import { returnInt } from './args.ts';
import { compatibleMapArg } from './map-compat.ts';
import type { RedirectMap } from '../maps/redirect-map.ts';
import type { HelperDef } from './registry.ts';

export const XDP_ABORTED = 0;
export const XDP_REDIRECT = 4;
const ACTION_MASK = 3n;
const BPF_F_BROADCAST = 1n << 3n;
const BPF_F_EXCLUDE_INGRESS = 1n << 4n;

export const redirectMapHelpers: HelperDef[] = [
  {
    id: 51,
    name: 'bpf_redirect_map',
    fn: (env) => {
      const m = compatibleMapArg(env, 1, 51) as RedirectMap;
      const index = env.L[2] >>> 0; // u64 index, looked up as a u32 key
      const flags = BigInt.asUintN(64, env.arg(3));
      const devmap = m.def.type === 'devmap' || m.def.type === 'devmap_hash';
      const typeFlags = devmap ? BPF_F_BROADCAST | BPF_F_EXCLUDE_INGRESS : 0n;
      if (flags & ~(ACTION_MASK | typeFlags)) return returnInt(env, XDP_ABORTED);
      if (m.entry(index) < 0 && !(flags & BPF_F_BROADCAST)) {
        env.state.redirect = undefined;
        return returnInt(env, Number(flags & ACTION_MASK));
      }
      env.state.redirect = { map: m.def.name, index, flags: Number(flags) };
      returnInt(env, XDP_REDIRECT);
    },
  },
];
