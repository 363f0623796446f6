// bpf_redirect_neigh (152): net/core/filter.c bpf_redirect_neigh(ifindex, params, plen,
// flags), tc programs only (tc_cls_act_func_proto). Like bpf_redirect it only records the
// target in bpf_redirect_info (the neighbour lookup happens after the program returns, in
// skb_do_redirect() → __bpf_redirect_neigh()) and returns TC_ACT_REDIRECT; any flag, or a
// plen that is neither 0 nor at least sizeof(struct bpf_redir_neigh), gives TC_ACT_SHOT.

import type { HelperDef, HelperEnv } from './registry.ts';

const TC_ACT_SHOT = 2;
const TC_ACT_REDIRECT = 7;
/** net/core/filter.c: internal redirect flags, above the uapi BPF_F_INGRESS. */
const BPF_F_NEIGH = 1 << 16;
const BPF_F_NEXTHOP = 1 << 18;
/** sizeof(struct bpf_redir_neigh): nh_family and a 16-byte address union. */
const REDIR_NEIGH_SIZE = 20;

function redirectNeigh(env: HelperEnv): void {
  const p = env.packet;
  if (!p || p.kind.kind !== 'sk_buff') env.fault('bpf_redirect_neigh needs a tc program\'s struct __sk_buff (r1); this program has none');
  const ifindex = env.L[1] >>> 0;
  // ARG_CONST_SIZE_OR_ZERO: a signed int.
  const plen = env.L[3];
  if ((plen !== 0 && plen < REDIR_NEIGH_SIZE) || env.arg(4) !== 0n) return env.setReturn(BigInt(TC_ACT_SHOT));
  if (plen === 0) p.redirect = { ifindex, flags: BPF_F_NEIGH };
  else {
    const at = env.pointer(2, plen, false);
    p.redirect = { ifindex, flags: BPF_F_NEIGH | BPF_F_NEXTHOP, nexthop: Array.from(env.mem.bytes.subarray(at, at + REDIR_NEIGH_SIZE)) };
  }
  env.setReturn(BigInt(TC_ACT_REDIRECT));
}

export const redirectNeighHelpers: HelperDef[] = [{ id: 152, name: 'bpf_redirect_neigh', fn: redirectNeigh }];
