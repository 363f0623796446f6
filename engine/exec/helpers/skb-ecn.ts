// bpf_skb_ecn_set_ce (97): net/core/filter.c bpf_skb_ecn_set_ce() → INET_ECN_set_ce()
// (include/net/inet_ecn.h). Marks Congestion Experienced in the IPv4 TOS or IPv6 traffic
// class of a packet whose header lies whole in the linear data and that is ECN-capable;
// returns 1 when the packet now carries CE (also when it already did), 0 otherwise.

import { SKB } from '../../layout/sk-buff.ts';
import type { HelperDef, HelperEnv } from './registry.ts';

const ETH_P_IP_BE = 0x0008;
const ETH_P_IPV6_BE = 0xdd86;
const INET_ECN_MASK = 3;
const INET_ECN_CE = 3;

/** csum16_add(): a 16-bit one's-complement add with end-around carry. */
function csum16Add(sum: number, addend: number): number {
  const s = sum + addend;
  return (s + (s >>> 16)) & 0xffff;
}

function skbEcnSetCe(env: HelperEnv): void {
  const p = env.packet;
  if (!p || p.kind.kind !== 'sk_buff') env.fault('bpf_skb_ecn_set_ce needs an skb program\'s struct __sk_buff (r1); this program has none');
  const b = env.mem.bytes;
  const nh = env.pktStart + p.netOffset;
  const protocol = env.mem.view.getUint32(p.structAt + SKB.protocol, true);
  let set = 0;
  if (protocol === ETH_P_IP_BE && nh + 20 <= env.pktEnd) {
    // IP_ECN_set_ce(): (tos + 1) & 3 maps NOT_ECT→1, ECT_1→2, ECT_0→3, CE→0.
    const ecn = (b[nh + 1] + 1) & INET_ECN_MASK;
    if (!(ecn & 2)) set = ecn === 0 ? 1 : 0;
    else {
      // The checksum is updated in network order: check += htons(0xfffb) + htons(ecn).
      const check = (b[nh + 10] << 8) | b[nh + 11];
      const sum = csum16Add(check, (0xfffb + ecn) & 0xffff);
      b[nh + 10] = sum >> 8;
      b[nh + 11] = sum & 0xff;
      b[nh + 1] |= INET_ECN_CE;
      set = 1;
    }
  } else if (protocol === ETH_P_IPV6_BE && nh + 40 <= env.pktEnd) {
    // IP6_ECN_set_ce(): the traffic class straddles bytes 0 and 1 (ECN bits are byte 1's
    // 0x30). A test-run skb is CHECKSUM_NONE, so skb->csum needs no update.
    if (((b[nh + 1] >> 4) & INET_ECN_MASK) !== 0) {
      b[nh + 1] |= INET_ECN_CE << 4;
      set = 1;
    }
  }
  env.setReturn(BigInt(set));
}

export const skbEcnHelpers: HelperDef[] = [{ id: 97, name: 'bpf_skb_ecn_set_ce', fn: skbEcnSetCe }];
