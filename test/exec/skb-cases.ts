// Packets and __sk_buff contexts the skb corpus programs run on, in bpfexc and in the
// kernel (test/exec/skb-kernel.test.ts).
import { defaultPacket } from '../../engine/inputs/program-input.ts';
import { SK_BUFF_SIZE, SKB } from '../../engine/layout/sk-buff.ts';
import type { ProgramType } from '../../engine/program.ts';

export interface SkbCase {
  name: string;
  file: string;
  section: string;
  type?: ProgramType;
  packet: Uint8Array;
  ctxIn?: Uint8Array;
  /** The kernel's test run refuses the input (EINVAL): bpfexc must refuse it too. */
  refused?: boolean;
}

function ctxIn(fields: Partial<Record<'mark' | 'priority' | 'ingress_ifindex' | 'cb0' | 'cb4' | 'wire_len', number>>): Uint8Array {
  const b = new Uint8Array(SK_BUFF_SIZE);
  const v = new DataView(b.buffer);
  if (fields.mark !== undefined) v.setUint32(SKB.mark, fields.mark, true);
  if (fields.priority !== undefined) v.setUint32(SKB.priority, fields.priority, true);
  if (fields.ingress_ifindex !== undefined) v.setUint32(SKB.ingress_ifindex, fields.ingress_ifindex, true);
  if (fields.cb0 !== undefined) v.setUint32(SKB.cb, fields.cb0, true);
  if (fields.cb4 !== undefined) v.setUint32(SKB.cb + 16, fields.cb4, true);
  if (fields.wire_len !== undefined) v.setUint32(SKB.wire_len, fields.wire_len, true);
  return b;
}

/** The default frame with another destination MAC / ethertype / length. */
function frame(o: { dst?: number[]; ethertype?: number; length?: number } = {}): Uint8Array {
  const base = defaultPacket();
  const p = new Uint8Array(o.length ?? base.length);
  p.set(base.subarray(0, p.length));
  if (o.dst) p.set(o.dst, 0);
  if (o.ethertype !== undefined) p.set([o.ethertype >> 8, o.ethertype & 0xff], 12);
  return p;
}

export function skbCases(): SkbCase[] {
  return [
    { name: 'skb fields, default frame', file: 'ctx-skb-fields.o', section: 'tc', packet: frame() },
    { name: 'skb fields, ctx_in with mark, priority, cb, wire_len', file: 'ctx-skb-fields.o', section: 'tc', packet: frame(), ctxIn: ctxIn({ mark: 0x1234, priority: 5, ingress_ifindex: 9, cb0: 77, cb4: 0xffffffff, wire_len: 1500 }) },
    { name: 'skb fields, broadcast IPv6 frame', file: 'ctx-skb-fields.o', section: 'tc', packet: frame({ dst: [0xff, 0xff, 0xff, 0xff, 0xff, 0xff], ethertype: 0x86dd, length: 100 }) },
    { name: 'skb fields, host-addressed 802.3 frame', file: 'ctx-skb-fields.o', section: 'tc', packet: frame({ dst: [0, 0, 0, 0, 0, 0], ethertype: 0x0040 }) },
    { name: 'skb fields, multicast frame', file: 'ctx-skb-fields.o', section: 'tc', packet: frame({ dst: [0x01, 0, 0x5e, 0, 0, 1] }) },
    { name: 'skb fields as sched_act', file: 'ctx-skb-fields.o', section: 'tc', type: 'sched_act', packet: frame() },
    { name: 'tc direct packet access', file: 'ctx-tc-packet.o', section: 'tc', packet: frame() },
    { name: 'tc direct packet access, ARP frame', file: 'ctx-tc-packet.o', section: 'tc', packet: frame({ ethertype: 0x0806 }) },
    { name: 'tc direct packet access, IPv4 frame shorter than its IP header', file: 'ctx-tc-packet.o', section: 'tc', packet: frame({ length: 20 }), refused: true },
    { name: 'tc direct packet access, short ARP frame', file: 'ctx-tc-packet.o', section: 'tc', packet: frame({ length: 20, ethertype: 0x0806 }) },
    { name: 'socket filter sees the skb from the network header', file: 'ctx-multi.o', section: 'socket', packet: frame() },
    { name: 'cgroup_skb sees the skb from the network header', file: 'ctx-cgroup-skb.o', section: 'cgroup_skb/ingress', packet: frame(), ctxIn: ctxIn({ cb0: 1 }) },
    { name: 'cgroup_skb, short IPv6 frame', file: 'ctx-cgroup-skb.o', section: 'cgroup_skb/ingress', packet: frame({ ethertype: 0x86dd, length: 54 }) },
    { name: 'ctx_in may not set tc_index', file: 'ctx-skb-fields.o', section: 'tc', packet: frame(), ctxIn: (() => { const b = ctxIn({}); b[SKB.tc_index] = 1; return b; })(), refused: true },
    { name: 'load_bytes, csum replace, store_bytes, redirect', file: 'ctx-skb-helpers.o', section: 'tc', packet: frame() },
    { name: 'load_bytes, csum replace on a checksummed UDP frame', file: 'ctx-skb-helpers.o', section: 'tc', packet: checksummed() },
    { name: 'skb helpers on an ARP frame', file: 'ctx-skb-helpers.o', section: 'tc', packet: frame({ ethertype: 0x0806 }) },
    { name: 'adjust_room, change_tail/head, pull_data, tunnel key', file: 'ctx-skb-resize.o', section: 'skb_resize', packet: frame() },
    { name: 'adjust_room and friends on a 200-byte frame', file: 'ctx-skb-resize.o', section: 'skb_resize', packet: frame({ length: 200 }) },
    { name: 'adjust_room and friends on an ARP frame', file: 'ctx-skb-resize.o', section: 'skb_resize', packet: frame({ ethertype: 0x0806 }) },
    { name: 'adjust_room encapsulation', file: 'ctx-skb-resize.o', section: 'skb_encap', packet: frame() },
    { name: 'adjust_room encapsulation of IPv6', file: 'ctx-skb-resize.o', section: 'skb_encap', packet: frame({ ethertype: 0x86dd, length: 90 }) },
    { name: 'adjust_room decapsulation', file: 'ctx-skb-resize.o', section: 'skb_decap', packet: frame({ length: 120 }) },
    { name: 'socket filter as lwt_in (forced type)', file: 'ctx-multi.o', section: 'socket', type: 'lwt_in', packet: frame() },
  ];
}

/** The default frame with a valid IPv4 header checksum and UDP checksum. */
function checksummed(): Uint8Array {
  const p = frame();
  const sum16 = (bytes: number[]): number => {
    let s = 0;
    for (let i = 0; i < bytes.length; i += 2) s += (bytes[i] << 8) | (bytes[i + 1] ?? 0);
    while (s > 0xffff) s = (s & 0xffff) + (s >>> 16);
    return ~s & 0xffff;
  };
  const ip = sum16([...p.subarray(14, 34)]);
  p.set([ip >> 8, ip & 0xff], 24);
  const udpLen = 30;
  const pseudo = [...p.subarray(26, 34), 0, 17, 0, udpLen, ...p.subarray(34, 34 + udpLen)];
  const udp = sum16(pseudo);
  p.set([udp >> 8, udp & 0xff], 40);
  return p;
}
