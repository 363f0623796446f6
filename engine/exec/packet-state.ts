// The packet of an xdp or skb program during one run: where its bytes live (a memory
// region that packet helpers may grow or shrink up to its capacity), where its context
// struct is, and what helpers recorded about it (a redirect target, a tunnel key), which
// the run's result reports.

import { ETH_HLEN } from '../layout/sk-buff.ts';
import type { ContextKind } from '../program-context.ts';

/** struct bpf_tunnel_key as bpf_skb_set_tunnel_key received it (include/uapi/linux/bpf.h). */
export interface TunnelKey {
  tunnelId: number;
  /** IPv4: one address; IPv6 (BPF_F_TUNINFO_IPV6): four u32 words in network order. */
  remote: number[];
  ipv6: boolean;
  tos: number;
  ttl: number;
  label: number;
  flags: bigint;
}

export interface Redirect {
  ifindex: number;
  /** ri->flags: the program's flags, or bpf_redirect_neigh's internal BPF_F_NEIGH (and
   * BPF_F_NEXTHOP when it was given a next hop). */
  flags: number;
  /** bpf_redirect_neigh's struct bpf_redir_neigh (20 bytes), when it was given one. */
  nexthop?: number[];
}

export class PacketState {
  redirect: Redirect | undefined;
  tunnelKey: TunnelKey | undefined;
  /** skb: bytes from skb->data to the network header (the MAC header's length for tc,
   * 0 for the types that see the skb from the network header on). */
  netOffset: number;
  /** skb->encapsulation: set by an encapsulating bpf_skb_adjust_room. */
  encapsulated = false;
  constructor(
    readonly kind: Extract<ContextKind, { kind: 'xdp_md' | 'sk_buff' }>,
    /** Memory region index of the packet bytes, and its start offset and capacity. */
    readonly region: number,
    readonly base: number,
    readonly capacity: number,
    /** Offset of the struct xdp_md / __sk_buff. */
    readonly structAt: number,
  ) {
    this.netOffset = kind.kind === 'sk_buff' && kind.l2 ? ETH_HLEN : 0;
  }
}
