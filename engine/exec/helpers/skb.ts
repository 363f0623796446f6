// The skb helpers of tc and the other skb program types, with the semantics of
// net/core/filter.c on a linear skb as BPF_PROG_TEST_RUN builds it (ip_summed is
// CHECKSUM_NONE, no GSO, not encapsulated until a helper makes it so). Offsets are
// relative to skb->data (the Ethernet header for tc, the network header for the types
// that see the skb after eth_type_trans pulled it). Helpers that change the packet's
// length move data_end and skb->len; the verifier makes the program reload its packet
// pointers after them, as it would.

import { SKB } from '../../layout/sk-buff.ts';
import type { PacketState } from '../packet-state.ts';
import type { HelperDef, HelperEnv } from './registry.ts';

/** include/uapi/asm-generic/errno*.h and include/linux/errno.h (ENOTSUPP is kernel-internal). */
const EFAULT = 14;
const EINVAL = 22;
const ENOMEM = 12;
const EALREADY = 114;
const ENOTSUPP = 524;

/** include/uapi/linux/pkt_cls.h */
const TC_ACT_SHOT = 2;
const TC_ACT_REDIRECT = 7;
/** include/uapi/linux/bpf.h enum xdp_action */
const XDP_ABORTED = 0;
const XDP_REDIRECT = 4;

/** include/uapi/linux/bpf.h flags. */
const BPF_F_RECOMPUTE_CSUM = 1 << 0;
const BPF_F_INVALIDATE_HASH = 1 << 1;
const BPF_F_HDR_FIELD_MASK = 0xf;
const BPF_F_PSEUDO_HDR = 1 << 4;
const BPF_F_MARK_MANGLED_0 = 1 << 5;
const BPF_F_MARK_ENFORCE = 1 << 6;
const BPF_F_IPV6 = 1 << 7;
const BPF_F_INGRESS = 1 << 0;
const BPF_F_TUNINFO_IPV6 = 1 << 0;
/** BPF_F_ZERO_CSUM_TX | BPF_F_DONT_FRAGMENT | BPF_F_SEQ_NUMBER | BPF_F_NO_TUNNEL_KEY. */
const SET_TUNNEL_KEY_FLAGS = BPF_F_TUNINFO_IPV6 | (1 << 1) | (1 << 2) | (1 << 3) | (1 << 4);
const BPF_ADJ_ROOM_NET = 0;
const BPF_ADJ_ROOM_MAC = 1;
const ADJ_ROOM_FIXED_GSO = 1n << 0n;
const ADJ_ROOM_ENCAP_L3_IPV4 = 1n << 1n;
const ADJ_ROOM_ENCAP_L3_IPV6 = 1n << 2n;
const ADJ_ROOM_ENCAP_L4_GRE = 1n << 3n;
const ADJ_ROOM_ENCAP_L4_UDP = 1n << 4n;
const ADJ_ROOM_NO_CSUM_RESET = 1n << 5n;
const ADJ_ROOM_ENCAP_L2_ETH = 1n << 6n;
const ADJ_ROOM_DECAP_L3_IPV4 = 1n << 7n;
const ADJ_ROOM_DECAP_L3_IPV6 = 1n << 8n;
const ADJ_ROOM_ENCAP_L2_SHIFT = 56n;
const ADJ_ROOM_ENCAP_L3_MASK = ADJ_ROOM_ENCAP_L3_IPV4 | ADJ_ROOM_ENCAP_L3_IPV6;
const ADJ_ROOM_DECAP_L3_MASK = ADJ_ROOM_DECAP_L3_IPV4 | ADJ_ROOM_DECAP_L3_IPV6;
const ADJ_ROOM_MASK = ADJ_ROOM_FIXED_GSO | ADJ_ROOM_ENCAP_L3_MASK | ADJ_ROOM_ENCAP_L4_GRE | ADJ_ROOM_ENCAP_L4_UDP | ADJ_ROOM_ENCAP_L2_ETH | (0xffn << ADJ_ROOM_ENCAP_L2_SHIFT) | ADJ_ROOM_DECAP_L3_MASK;

/** BPF_SKB_MAX_LEN (net/core/filter.c) = SKB_MAX_ALLOC = (PAGE_SIZE << 2) minus the
 * aligned struct skb_shared_info (320 bytes on x86-64). */
const BPF_SKB_MAX_LEN = (4096 << 2) - 320;
const ETH_P_IP_BE = 0x0008;
const ETH_P_IPV6_BE = 0xdd86;
const CSUM_MANGLED_0 = 0xffff;

/** The packet, or a fault: these helpers exist only for programs that have one. */
function skbOf(env: HelperEnv, helper: string): PacketState {
  const p = env.packet;
  if (!p || p.kind.kind !== 'sk_buff') env.fault(`${helper} needs an skb program's struct __sk_buff (r1); this program has none`);
  return p;
}

const skbLen = (env: HelperEnv): number => env.pktEnd - env.pktStart;
const ret = (env: HelperEnv, v: number): void => env.setReturn(BigInt(v));
const u32arg = (env: HelperEnv, i: number): number => Number(env.arg(i) & 0xffffffffn);

// Internet checksum arithmetic of include/net/checksum.h and include/asm-generic/checksum.h,
// on the same native-endian words the kernel uses (little-endian here, as on x86-64 and arm64).
function csumAdd(a: number, b: number): number {
  const r = (a + b) >>> 0;
  return (r + (r < b >>> 0 ? 1 : 0)) >>> 0;
}
const csumSub = (a: number, b: number): number => csumAdd(a, ~b >>> 0);
function csumFold(c: number): number {
  let s = (c & 0xffff) + (c >>> 16);
  s = (s & 0xffff) + (s >>> 16);
  return ~s & 0xffff;
}
function csum16Add(c: number, addend: number): number {
  const r = ((c & 0xffff) + (addend & 0xffff)) & 0xffff;
  return (r + (r < (addend & 0xffff) ? 1 : 0)) & 0xffff;
}
const csum16Sub = (c: number, addend: number): number => csum16Add(c, ~addend & 0xffff);
/** csum_replace4(sum, from, to) (RFC 1624: HC' = ~(~HC + ~m + m')). */
const csumReplace4 = (sum: number, from: number, to: number): number => csumFold(csumAdd(csumSub(~sum >>> 0, from), to));
/** csum_replace2(sum, old, new). */
const csumReplace2 = (sum: number, from: number, to: number): number => ~csum16Add(csum16Sub(~sum & 0xffff, from), to) & 0xffff;
/** csum_replace_by_diff(sum, diff). */
const csumReplaceByDiff = (sum: number, diff: number): number => csumFold(csumAdd(diff, ~sum >>> 0));

/** bpf_skb_load_bytes(skb, offset, to, len): skb_header_pointer() or a zeroed buffer and -EFAULT. */
function skbLoadBytes(env: HelperEnv): void {
  skbOf(env, 'bpf_skb_load_bytes');
  const offset = u32arg(env, 2);
  const len = u32arg(env, 4);
  const to = env.pointer(3, len, true);
  if (offset > 0x7fffffff || offset + len > skbLen(env)) {
    env.mem.bytes.fill(0, to, to + len);
    return ret(env, -EFAULT);
  }
  env.mem.bytes.copyWithin(to, env.pktStart + offset, env.pktStart + offset + len);
  ret(env, 0);
}

/** bpf_skb_store_bytes(skb, offset, from, len, flags). With ip_summed CHECKSUM_NONE the
 * BPF_F_RECOMPUTE_CSUM pull/push of skb->csum changes nothing a program can see;
 * BPF_F_INVALIDATE_HASH clears skb->hash. */
function skbStoreBytes(env: HelperEnv): void {
  const p = skbOf(env, 'bpf_skb_store_bytes');
  const offset = u32arg(env, 2);
  const len = u32arg(env, 4);
  const flags = env.arg(5);
  const from = env.pointer(3, len, false);
  if (flags & ~BigInt(BPF_F_RECOMPUTE_CSUM | BPF_F_INVALIDATE_HASH)) return ret(env, -EINVAL);
  if (offset > 0x7fffffff) return ret(env, -EFAULT);
  // bpf_try_make_writable(skb, offset + len): pskb_may_pull() fails past skb->len.
  if (offset + len > skbLen(env)) return ret(env, -EFAULT);
  env.mem.bytes.copyWithin(env.pktStart + offset, from, from + len);
  if (flags & BigInt(BPF_F_INVALIDATE_HASH)) env.mem.view.setUint32(p.structAt + SKB.hash, 0, true);
  ret(env, 0);
}

/** The __sum16 at `offset` for the csum helpers, or the error they return. */
function csumField(env: HelperEnv, offset: number): number | undefined {
  if (offset > 0xffff || offset & 1) return -EFAULT;
  if (offset + 2 > skbLen(env)) return -EFAULT;
  return undefined;
}

/** bpf_l3_csum_replace(skb, offset, from, to, flags): csum_replace2/4/by_diff. */
function l3CsumReplace(env: HelperEnv): void {
  skbOf(env, 'bpf_l3_csum_replace');
  const offset = u32arg(env, 2);
  const from = u32arg(env, 3);
  const to = u32arg(env, 4);
  const flags = env.arg(5);
  if (flags & ~BigInt(BPF_F_HDR_FIELD_MASK)) return ret(env, -EINVAL);
  const bad = csumField(env, offset);
  if (bad !== undefined) return ret(env, bad);
  const at = env.pktStart + offset;
  const sum = env.mem.view.getUint16(at, true);
  const next = replacedCsum(env, sum, from, to, Number(flags) & BPF_F_HDR_FIELD_MASK);
  if (next === undefined) return ret(env, -EINVAL);
  env.mem.view.setUint16(at, next, true);
  ret(env, 0);
}

/** The checksum with `from` replaced by `to` in a field of `size` bytes (2, 4), or with
 * the diff `to` folded in (size 0, where `from` must be 0); undefined for other sizes. */
function replacedCsum(env: HelperEnv, sum: number, from: number, to: number, size: number): number | undefined {
  switch (size) {
    case 0:
      return env.arg(3) !== 0n ? undefined : csumReplaceByDiff(sum, to);
    case 2:
      return csumReplace2(sum, from, to);
    case 4:
      return csumReplace4(sum, from, to);
    default:
      return undefined;
  }
}

/** bpf_l4_csum_replace(skb, offset, from, to, flags): inet_proto_csum_replace*, which
 * with ip_summed CHECKSUM_NONE is the plain replace whether or not the change is in the
 * pseudo-header; BPF_F_MARK_MANGLED_0 keeps a zero (no checksum) UDP field zero. */
function l4CsumReplace(env: HelperEnv): void {
  skbOf(env, 'bpf_l4_csum_replace');
  const offset = u32arg(env, 2);
  const from = u32arg(env, 3);
  const to = u32arg(env, 4);
  const flags = Number(env.arg(5) & 0xffffffffn);
  if (env.arg(5) > 0xffffffffn || flags & ~(BPF_F_MARK_MANGLED_0 | BPF_F_MARK_ENFORCE | BPF_F_PSEUDO_HDR | BPF_F_HDR_FIELD_MASK | BPF_F_IPV6)) return ret(env, -EINVAL);
  const bad = csumField(env, offset);
  if (bad !== undefined) return ret(env, bad);
  const at = env.pktStart + offset;
  const sum = env.mem.view.getUint16(at, true);
  const mmzero = (flags & BPF_F_MARK_MANGLED_0) !== 0;
  if (mmzero && !(flags & BPF_F_MARK_ENFORCE) && sum === 0) return ret(env, 0);
  let next = replacedCsum(env, sum, from, to, flags & BPF_F_HDR_FIELD_MASK);
  if (next === undefined) return ret(env, -EINVAL);
  if (mmzero && next === 0) next = CSUM_MANGLED_0;
  env.mem.view.setUint16(at, next, true);
  ret(env, 0);
}

/** bpf_redirect(ifindex, flags): tc's records the target in bpf_redirect_info and returns
 * TC_ACT_REDIRECT (TC_ACT_SHOT for unknown flags); XDP's (bpf_xdp_redirect) takes no
 * flags and returns XDP_REDIRECT (XDP_ABORTED otherwise). */
function redirect(env: HelperEnv): void {
  const p = env.packet;
  if (!p) env.fault('bpf_redirect needs an xdp or skb program');
  const ifindex = u32arg(env, 1);
  const flags = env.arg(2);
  if (p.kind.kind === 'xdp_md') {
    if (flags !== 0n) return ret(env, XDP_ABORTED);
    p.redirect = { ifindex, flags: 0 };
    return ret(env, XDP_REDIRECT);
  }
  if (flags & ~BigInt(BPF_F_INGRESS)) return ret(env, TC_ACT_SHOT);
  p.redirect = { ifindex, flags: Number(flags) };
  ret(env, TC_ACT_REDIRECT);
}

/** bpf_skb_set_tunnel_key(skb, key, size, flags): the key becomes the skb's tunnel
 * metadata (recorded in the run's result). Older, shorter struct layouts are taken as
 * the kernel's compat path does. */
function skbSetTunnelKey(env: HelperEnv): void {
  const p = skbOf(env, 'bpf_skb_set_tunnel_key');
  const size = u32arg(env, 3);
  const flags = env.arg(4);
  if (flags & ~BigInt(SET_TUNNEL_KEY_FLAGS)) return ret(env, -EINVAL);
  // sizeof(struct bpf_tunnel_key) = 44; offsetof(local_ipv4) = 28, (tunnel_label) = 24,
  // (tunnel_ext) = 22, (remote_ipv6[1]) = 8.
  if (![44, 28, 24, 22, 8].includes(size)) return ret(env, -EINVAL);
  const at = env.pointer(2, size, false);
  const key = new Uint8Array(44);
  key.set(env.mem.bytes.subarray(at, at + size));
  const v = new DataView(key.buffer);
  const ipv6 = (flags & BigInt(BPF_F_TUNINFO_IPV6)) !== 0n;
  const label = v.getUint32(24, true);
  if ((!ipv6 && label) || v.getUint16(22, true)) return ret(env, -EINVAL);
  p.tunnelKey = {
    tunnelId: v.getUint32(0, true),
    remote: ipv6 ? [0, 1, 2, 3].map((i) => v.getUint32(4 + 4 * i, true)) : [v.getUint32(4, true)],
    ipv6,
    tos: key[20],
    ttl: key[21],
    label: ipv6 ? label & 0xfffff : 0,
    flags,
  };
  ret(env, 0);
}

/** Inserts `n` zero bytes at `off` bytes after skb->data (n < 0 removes -n bytes there),
 * moving data_end and skb->len. */
function resizeAt(env: HelperEnv, p: PacketState, off: number, n: number): void {
  const tail = env.pktEnd;
  const b = env.mem.bytes;
  const at = env.pktStart + off;
  if (n > 0) {
    b.copyWithin(at + n, at, tail);
    b.fill(0, at, at + n);
  } else b.copyWithin(at, at - n, tail);
  env.pktEnd = tail + n;
  env.mem.resize(p.region, env.pktEnd - p.base);
  const v = env.mem.view;
  v.setUint32(p.structAt + SKB.len, v.getUint32(p.structAt + SKB.len, true) + n, true);
  env.resetCaches();
}

/** Room left in the packet's buffer, or undefined when `n` more bytes fit. */
function overCapacity(env: HelperEnv, p: PacketState, n: number): string | undefined {
  if (env.pktEnd + n - p.base <= p.capacity) return undefined;
  return `the packet would grow to ${env.pktEnd + n - p.base} bytes, past the ${p.capacity} bytes reserved for it`;
}

/** bpf_skb_net_base_len(): the IPv4/IPv6 header the network-layer mode skips. */
function netBaseLen(protocol: number): number {
  return protocol === ETH_P_IP_BE ? 20 : protocol === ETH_P_IPV6_BE ? 40 : 0;
}

/** bpf_skb_adjust_room(skb, len_diff, mode, flags): room after the MAC header
 * (BPF_ADJ_ROOM_MAC) or after the L3 header (BPF_ADJ_ROOM_NET), grown with zeros or
 * shrunk; bpf_skb_net_grow/shrink switch skb->protocol when an encap or decap flag says
 * the outer L3 protocol changes. */
function skbAdjustRoom(env: HelperEnv): void {
  const p = skbOf(env, 'bpf_skb_adjust_room');
  const lenDiff = Number(BigInt.asIntN(32, env.arg(2)));
  const mode = u32arg(env, 3);
  const flags = env.arg(4);
  const v = env.mem.view;
  const protocol = v.getUint32(p.structAt + SKB.protocol, true);
  const shrink = lenDiff < 0;
  const abs = Math.abs(lenDiff);
  if (flags & ~(ADJ_ROOM_MASK | ADJ_ROOM_NO_CSUM_RESET)) return ret(env, -EINVAL);
  if (abs > 0xfff) return ret(env, -EFAULT);
  if (protocol !== ETH_P_IP_BE && protocol !== ETH_P_IPV6_BE) return ret(env, -ENOTSUPP);
  let off = p.netOffset;
  if (mode === BPF_ADJ_ROOM_NET) off += netBaseLen(protocol);
  else if (mode !== BPF_ADJ_ROOM_MAC) return ret(env, -ENOTSUPP);
  let lenMin = netBaseLen(protocol);
  if (flags & ADJ_ROOM_DECAP_L3_MASK) {
    if (!shrink) return ret(env, -EINVAL);
    const d = flags & ADJ_ROOM_DECAP_L3_MASK;
    if (d === ADJ_ROOM_DECAP_L3_IPV4) lenMin = 20;
    else if (d === ADJ_ROOM_DECAP_L3_IPV6) lenMin = 40;
    else return ret(env, -EINVAL);
  }
  const len = skbLen(env);
  const lenCur = len - p.netOffset;
  if ((shrink && (abs >= lenCur || lenCur - abs < lenMin)) || (!shrink && len + abs > BPF_SKB_MAX_LEN)) return ret(env, -ENOTSUPP);
  let newProtocol = protocol;
  if (shrink) {
    // bpf_skb_net_shrink()
    if (flags & ~(ADJ_ROOM_FIXED_GSO | ADJ_ROOM_DECAP_L3_MASK | ADJ_ROOM_NO_CSUM_RESET)) return ret(env, -EINVAL);
    if (off + abs > len) return ret(env, -ENOMEM);
    resizeAt(env, p, off, -abs);
    if (protocol === ETH_P_IP_BE && flags & ADJ_ROOM_DECAP_L3_IPV6) newProtocol = ETH_P_IPV6_BE;
    else if (protocol === ETH_P_IPV6_BE && flags & ADJ_ROOM_DECAP_L3_IPV4) newProtocol = ETH_P_IP_BE;
  } else {
    // bpf_skb_net_grow()
    const encap = (flags & ADJ_ROOM_ENCAP_L3_MASK) !== 0n;
    const innerMacLen = Number((flags >> ADJ_ROOM_ENCAP_L2_SHIFT) & 0xffn);
    if (encap) {
      if ((flags & ADJ_ROOM_ENCAP_L3_MASK) === ADJ_ROOM_ENCAP_L3_MASK) return ret(env, -EINVAL);
      if (flags & ADJ_ROOM_ENCAP_L4_GRE && flags & ADJ_ROOM_ENCAP_L4_UDP) return ret(env, -EINVAL);
      if (flags & ADJ_ROOM_ENCAP_L2_ETH && innerMacLen < 14) return ret(env, -EINVAL);
      if (p.encapsulated) return ret(env, -EALREADY);
      if (innerMacLen > abs) return ret(env, -EINVAL);
    }
    const full = overCapacity(env, p, abs);
    if (full) env.fault(`bpf_skb_adjust_room: ${full}`);
    resizeAt(env, p, off, abs);
    if (encap) p.encapsulated = true;
    if (protocol === ETH_P_IP_BE && flags & ADJ_ROOM_ENCAP_L3_IPV6) newProtocol = ETH_P_IPV6_BE;
    else if (protocol === ETH_P_IPV6_BE && flags & ADJ_ROOM_ENCAP_L3_IPV4) newProtocol = ETH_P_IP_BE;
  }
  v.setUint32(p.structAt + SKB.protocol, newProtocol, true);
  ret(env, 0);
}

/** bpf_skb_change_proto(skb, proto, flags): net/core/filter.c bpf_skb_proto_xlat().
 * IPv4→IPv6 (bpf_skb_proto_4_to_6) inserts 20 zero bytes at the network header
 * (bpf_skb_net_hdr_push at skb_mac_header_len()), IPv6→IPv4 (bpf_skb_proto_6_to_4)
 * removes the 20 there (bpf_skb_net_hdr_pop, -ENOMEM when the packet is shorter); both
 * set skb->protocol and clear skb->hash. The headers themselves are the program's to
 * write. Any flag: -EINVAL; any other pair of protocols: -ENOTSUPP. */
function skbChangeProto(env: HelperEnv): void {
  const p = skbOf(env, 'bpf_skb_change_proto');
  // The helper's proto argument is a __be16: the upper bits of the register are dropped.
  const to = Number(env.arg(2) & 0xffffn);
  if (env.arg(3) !== 0n) return ret(env, -EINVAL);
  const v = env.mem.view;
  const from = v.getUint32(p.structAt + SKB.protocol, true);
  const lenDiff = 40 - 20;
  if (from === ETH_P_IP_BE && to === ETH_P_IPV6_BE) {
    const full = overCapacity(env, p, lenDiff);
    if (full) env.fault(`bpf_skb_change_proto: ${full}`);
    resizeAt(env, p, p.netOffset, lenDiff);
  } else if (from === ETH_P_IPV6_BE && to === ETH_P_IP_BE) {
    if (p.netOffset + lenDiff > skbLen(env)) return ret(env, -ENOMEM);
    resizeAt(env, p, p.netOffset, -lenDiff);
  } else return ret(env, -ENOTSUPP);
  v.setUint32(p.structAt + SKB.protocol, to, true);
  v.setUint32(p.structAt + SKB.hash, 0, true);
  ret(env, 0);
}

/** bpf_skb_change_tail(skb, new_len, flags): trims, or grows with zeros. */
function skbChangeTail(env: HelperEnv): void {
  const p = skbOf(env, 'bpf_skb_change_tail');
  const newLen = u32arg(env, 2);
  // __bpf_skb_min_len(): the network offset (no transport header is set in a test run).
  if (env.arg(3) !== 0n || newLen > BPF_SKB_MAX_LEN || newLen < p.netOffset) return ret(env, -EINVAL);
  if (p.encapsulated) return ret(env, -ENOTSUPP);
  const n = newLen - skbLen(env);
  const full = overCapacity(env, p, n);
  if (full) env.fault(`bpf_skb_change_tail: ${full}`);
  resizeAt(env, p, skbLen(env) + Math.min(0, n), n);
  ret(env, 0);
}

/** bpf_skb_change_head(skb, head_room, flags): head_room zero bytes before skb->data,
 * which becomes the new MAC header. */
function skbChangeHead(env: HelperEnv): void {
  const p = skbOf(env, 'bpf_skb_change_head');
  const room = u32arg(env, 2);
  const newLen = skbLen(env) + room;
  if (env.arg(3) !== 0n || newLen > BPF_SKB_MAX_LEN) return ret(env, -EINVAL);
  const full = overCapacity(env, p, room);
  if (full) env.fault(`bpf_skb_change_head: ${full}`);
  resizeAt(env, p, 0, room);
  p.netOffset += room;
  ret(env, 0);
}

/** bpf_skb_pull_data(skb, len): makes len bytes linear and writable, which a linear skb
 * already is; pskb_may_pull() fails past skb->len. */
function skbPullData(env: HelperEnv): void {
  skbOf(env, 'bpf_skb_pull_data');
  ret(env, u32arg(env, 2) > skbLen(env) ? -ENOMEM : 0);
}

/** enum bpf_func_id values (include/uapi/linux/bpf.h). */
export const SKB_HELPER_IDS = {
  skb_store_bytes: 9,
  l3_csum_replace: 10,
  l4_csum_replace: 11,
  skb_set_tunnel_key: 21,
  redirect: 23,
  skb_load_bytes: 26,
  skb_change_tail: 38,
  skb_pull_data: 39,
  skb_change_head: 43,
  skb_adjust_room: 50,
  skb_change_proto: 31,
} as const;

export const skbHelpers: HelperDef[] = [
  { id: SKB_HELPER_IDS.skb_store_bytes, name: 'bpf_skb_store_bytes', fn: skbStoreBytes },
  { id: SKB_HELPER_IDS.l3_csum_replace, name: 'bpf_l3_csum_replace', fn: l3CsumReplace },
  { id: SKB_HELPER_IDS.l4_csum_replace, name: 'bpf_l4_csum_replace', fn: l4CsumReplace },
  { id: SKB_HELPER_IDS.skb_set_tunnel_key, name: 'bpf_skb_set_tunnel_key', fn: skbSetTunnelKey },
  { id: SKB_HELPER_IDS.redirect, name: 'bpf_redirect', fn: redirect },
  { id: SKB_HELPER_IDS.skb_load_bytes, name: 'bpf_skb_load_bytes', fn: skbLoadBytes },
  { id: SKB_HELPER_IDS.skb_change_tail, name: 'bpf_skb_change_tail', fn: skbChangeTail },
  { id: SKB_HELPER_IDS.skb_pull_data, name: 'bpf_skb_pull_data', fn: skbPullData },
  { id: SKB_HELPER_IDS.skb_change_head, name: 'bpf_skb_change_head', fn: skbChangeHead },
  { id: SKB_HELPER_IDS.skb_adjust_room, name: 'bpf_skb_adjust_room', fn: skbAdjustRoom },
  { id: SKB_HELPER_IDS.skb_change_proto, name: 'bpf_skb_change_proto', fn: skbChangeProto },
];
