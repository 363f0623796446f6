// The struct __sk_buff a program sees under BPF_PROG_TEST_RUN, as net/bpf/test_run.c
// bpf_prog_test_run_skb builds it: the packet becomes an skb on the loopback device,
// eth_type_trans sets protocol and pkt_type (and pulls the Ethernet header, pushed back
// for tc), a user-given ctx_in may set only the fields convert___skb_to_skb takes, and
// ctx_out reports the ones convert_skb_to___skb copies back.

import { BpfError } from '../errors.ts';
import { ETH_HLEN, SK_BUFF_SIZE, SKB, skbFieldSize, type SkbField } from '../layout/sk-buff.ts';

/** Fields a ctx_in may set (test_run.c convert___skb_to_skb); every other byte must be 0. */
const CTX_IN_FIELDS: readonly SkbField[] = ['mark', 'priority', 'ingress_ifindex', 'ifindex', 'cb', 'tstamp', 'wire_len', 'gso_segs', 'gso_size', 'hwtstamp'];
/** Fields ctx_out reports (convert_skb_to___skb); the rest keep what ctx_in had. */
const CTX_OUT_FIELDS: readonly SkbField[] = ['mark', 'priority', 'ingress_ifindex', 'ifindex', 'tstamp', 'cb', 'wire_len', 'gso_segs', 'hwtstamp'];

/** include/linux/netdevice.h GSO_LEGACY_MAX_SIZE and GSO_MAX_SEGS. */
const GSO_LEGACY_MAX_SIZE = 65536;
const GSO_MAX_SEGS = 65535;
/** The loopback device test runs use (net->loopback_dev, ifindex 1). */
export const LOOPBACK_IFINDEX = 1;

/** include/uapi/linux/if_packet.h PACKET_* values. */
const PACKET_MULTICAST = 2;
const PACKET_OTHERHOST = 3;
/** include/uapi/linux/if_ether.h */
const ETH_P_802_3_MIN = 0x0600;
const ETH_P_802_3 = 0x0001;
const ETH_P_802_2 = 0x0004;

/** sizeof(struct iphdr), sizeof(struct ipv6hdr). */
const IPV4_HLEN = 20;
const IPV6_HLEN = 40;

/** The packet is one an skb test run refuses with EINVAL: shorter than an Ethernet
 * header (bpf_test_init), or an IPv4/IPv6 frame too short for its network header
 * (measured on Linux 6.18: IPv4 frames below ETH_HLEN + 20 bytes and IPv6 frames below
 * ETH_HLEN + 40 bytes are refused, other ethertypes are not). */
export function checkSkbPacket(packet: Uint8Array, file: string): void {
  if (packet.length < ETH_HLEN) throw new BpfError('usage', `an skb program's packet must be at least ETH_HLEN = ${ETH_HLEN} bytes (the kernel's test run says EINVAL), got ${packet.length}`, { file });
  const ethertype = (packet[12] << 8) | packet[13];
  const need = ethertype === 0x0800 ? IPV4_HLEN : ethertype === 0x86dd ? IPV6_HLEN : 0;
  if (packet.length < ETH_HLEN + need) {
    throw new BpfError('usage', `an ${ethertype === 0x0800 ? 'IPv4' : 'IPv6'} packet for an skb program must hold its ${need}-byte network header after the Ethernet header (${ETH_HLEN + need} bytes; the kernel's test run says EINVAL), got ${packet.length}`, { file });
  }
}

/** [offset, size] of each field, flat, so the per-run loops below need no look-up per
 * field or byte (a test run fills and reads the struct on every invocation). */
const fieldSpans = (fields: readonly SkbField[]): Int32Array => Int32Array.from(fields.flatMap((f) => [SKB[f], skbFieldSize(f)]));
const CTX_IN_SPANS = fieldSpans(CTX_IN_FIELDS);
const CTX_OUT_SPANS = fieldSpans(CTX_OUT_FIELDS);
/** 1 at each byte of the struct a ctx_in may set. */
const CTX_IN_ALLOWED = new Uint8Array(SK_BUFF_SIZE);
for (let k = 0; k < CTX_IN_SPANS.length; k += 2) CTX_IN_ALLOWED.fill(1, CTX_IN_SPANS[k], CTX_IN_SPANS[k] + CTX_IN_SPANS[k + 1]);

/** Refuses a ctx_in the kernel would refuse, naming the field. */
export function checkSkbCtxIn(ctxIn: Uint8Array, packetLen: number, file: string): void {
  for (let i = SK_BUFF_SIZE; i < ctxIn.length; i++) {
    if (ctxIn[i] !== 0) throw new BpfError('usage', `__sk_buff context: byte ${i} is past the ${SK_BUFF_SIZE}-byte struct and not zero (the kernel says E2BIG)`, { file });
  }
  for (let i = 0; i < Math.min(ctxIn.length, SK_BUFF_SIZE); i++) {
    if (ctxIn[i] !== 0 && !CTX_IN_ALLOWED[i]) {
      const field = (Object.keys(SKB) as SkbField[]).filter((f) => SKB[f] <= i).sort((a, b) => SKB[b] - SKB[a])[0];
      throw new BpfError('usage', `__sk_buff context: ${field} (byte ${i}) cannot be set by a test run; only ${CTX_IN_FIELDS.join(', ')} can (net/bpf/test_run.c convert___skb_to_skb says EINVAL)`, { file });
    }
  }
  const wire = givenU32(ctxIn, SKB.wire_len);
  if (wire !== 0 && (wire < packetLen || wire > GSO_LEGACY_MAX_SIZE)) throw new BpfError('usage', `__sk_buff context: wire_len ${wire} is below the packet's ${packetLen} bytes or above ${GSO_LEGACY_MAX_SIZE} (EINVAL)`, { file });
  if (givenU32(ctxIn, SKB.gso_segs) > GSO_MAX_SEGS) throw new BpfError('usage', `__sk_buff context: gso_segs is above ${GSO_MAX_SEGS} (EINVAL)`, { file });
}

/** Byte `i` of a ctx_in as the kernel sees it: a shorter (or no) ctx_in is zero-padded
 * to the struct's size. */
const givenByte = (ctxIn: Uint8Array | undefined, i: number): number => (ctxIn !== undefined && i < ctxIn.length ? ctxIn[i] : 0);

/** The little-endian u32 at `off` of the zero-padded ctx_in. */
function givenU32(ctxIn: Uint8Array | undefined, off: number): number {
  return (givenByte(ctxIn, off) | (givenByte(ctxIn, off + 1) << 8) | (givenByte(ctxIn, off + 2) << 16) | (givenByte(ctxIn, off + 3) << 24)) >>> 0;
}

/** skb->pkt_type as net/ethernet/eth.c eth_type_trans sets it. The loopback device's
 * address and broadcast address are all zeros (drivers/net/loopback.c sets neither), so
 * only an all-zero destination is PACKET_HOST. */
function skbPktType(packet: Uint8Array): number {
  for (let i = 0; i < 6; i++) if (packet[i] !== 0) return packet[0] & 1 ? PACKET_MULTICAST : PACKET_OTHERHOST;
  return 0;
}

/** skb->protocol as eth_type_trans returns it (network byte order), as the u32 a program
 * loads: the big-endian ethertype's bytes in memory order. */
function skbProtocol(packet: Uint8Array): number {
  const proto = (packet[12] << 8) | packet[13];
  if (proto >= ETH_P_802_3_MIN) return byteSwap16(proto);
  if (packet.length >= ETH_HLEN + 2 && packet[14] === 0xff && packet[15] === 0xff) return byteSwap16(ETH_P_802_3);
  return byteSwap16(ETH_P_802_2);
}

const byteSwap16 = (v: number): number => ((v & 0xff) << 8) | (v >> 8);

/** skb->protocol and skb->pkt_type as net/ethernet/eth.c eth_type_trans sets them. */
export function ethTypeTrans(packet: Uint8Array): { protocol: number; pktType: number } {
  return { protocol: skbProtocol(packet), pktType: skbPktType(packet) };
}

/** Fills the struct at `at` for a run on `packet` (`len` is what the program's skb->len
 * is: the whole frame for tc, without the Ethernet header for the others). */
export function initSkb(dv: DataView, at: number, packet: Uint8Array, len: number, ctxIn: Uint8Array | undefined): void {
  for (let i = 0; i < SK_BUFF_SIZE; i += 4) dv.setUint32(at + i, 0, true);
  if (ctxIn !== undefined) {
    for (let k = 0; k < CTX_IN_SPANS.length; k += 2) {
      const off = CTX_IN_SPANS[k];
      for (let i = off; i < off + CTX_IN_SPANS[k + 1]; i++) dv.setUint8(at + i, givenByte(ctxIn, i));
    }
  }
  dv.setUint32(at + SKB.len, len, true);
  dv.setUint32(at + SKB.pkt_type, skbPktType(packet), true);
  dv.setUint32(at + SKB.protocol, skbProtocol(packet), true);
  // ctx->ifindex > 1 names another device (dev_get_by_index); else the loopback.
  if (givenU32(ctxIn, SKB.ifindex) <= LOOPBACK_IFINDEX) dv.setUint32(at + SKB.ifindex, LOOPBACK_IFINDEX, true);
  // qdisc_skb_cb(skb)->pkt_len: the given wire_len, else skb->len.
  if (givenU32(ctxIn, SKB.wire_len) === 0) dv.setUint32(at + SKB.wire_len, len, true);
}

/** ctx_out: ctx_in with the fields convert_skb_to___skb copies back from the run. */
export function skbCtxOut(bytes: Uint8Array, at: number, ctxIn: Uint8Array | undefined): Uint8Array {
  const out = new Uint8Array(SK_BUFF_SIZE);
  if (ctxIn !== undefined) for (let i = Math.min(ctxIn.length, SK_BUFF_SIZE) - 1; i >= 0; i--) out[i] = ctxIn[i];
  for (let k = 0; k < CTX_OUT_SPANS.length; k += 2) {
    const off = CTX_OUT_SPANS[k];
    for (let i = off; i < off + CTX_OUT_SPANS[k + 1]; i++) out[i] = bytes[at + i];
  }
  return out;
}
