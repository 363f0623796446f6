// The state a program starts with: its context (struct xdp_md or __sk_buff over a copy
// of the packet, or a copy of raw context bytes), r1 (and r2) from the context convention
// or explicit arguments, everything else zero. Shared by ProgramInstance.run and
// execution contexts, which differ only in where their context buffer lives.

import { BpfError } from '../errors.ts';
import * as Lay from '../layout/address-space.ts';
import { ETH_HLEN, SK_BUFF_SIZE, SKB } from '../layout/sk-buff.ts';
import type { ContextKind } from '../program-context.ts';
import type { Interpreter } from './interpreter.ts';
import type { Memory } from './memory.ts';
import { prepareXdpFrame } from './helpers/xdp-adjust.ts';
import { PacketState } from './packet-state.ts';
import { checkSkbCtxIn, checkSkbPacket, initSkb, skbCtxOut } from './skb-test-run.ts';

export interface EntryLayout {
  kind: ContextKind;
  /** Offset of this invocation's struct xdp_md / __sk_buff (packet programs only). */
  structAt: number;
  /** The context (packet) bytes' region, offset and capacity. */
  region: number;
  ctxOffset: number;
  capacity: number;
  /** Packet programs: the packet; others: the raw context bytes. */
  ctx: Uint8Array;
  /** skb programs: the __sk_buff given as ctx_in (BPF_PROG_TEST_RUN's ctx_in). */
  ctxIn?: Uint8Array;
  args?: readonly bigint[];
  file: string;
}

export function enterProgram(it: Interpreter, mem: Memory, e: EntryLayout): void {
  const { L, H } = it;
  const { kind, ctx } = e;
  if (ctx.length > e.capacity) throw new BpfError('usage', `context of ${ctx.length} bytes exceeds the ${e.capacity} bytes reserved for it`, { file: e.file });
  if (e.ctxIn && kind.kind !== 'sk_buff') throw new BpfError('usage', 'a __sk_buff context (ctx_in) is only for skb programs', { file: e.file });
  mem.resize(e.region, ctx.length);
  mem.bytes.set(ctx, e.ctxOffset);
  it.resetCaches();
  it.pktStart = e.ctxOffset;
  it.pktEnd = e.ctxOffset + ctx.length;
  it.pktMeta = it.pktStart;
  it.mdStart = e.structAt;
  it.mdEnd = 0;
  it.fData = it.fEnd = it.fMeta = -1;
  it.packet = null;
  L.fill(0);
  H.fill(0);
  if (kind.kind === 'xdp_md') {
    const md = mem.view;
    md.setUint32(e.structAt, e.ctxOffset, true);
    md.setUint32(e.structAt + 4, e.ctxOffset + ctx.length, true);
    md.setUint32(e.structAt + 8, e.ctxOffset, true);
    md.setUint32(e.structAt + 12, Lay.XDP_INGRESS_IFINDEX, true);
    it.mdEnd = e.structAt + Lay.XDP_MD_SIZE;
    it.fData = 0;
    it.fEnd = 4;
    it.fMeta = 8;
    it.packet = new PacketState(kind, e.region, e.ctxOffset, e.capacity, e.structAt);
    // The headroom and tailroom bpf_xdp_adjust_head/meta/tail move the pointers into.
    prepareXdpFrame(it, mem, e.region, e.ctxOffset, ctx.length);
  } else if (kind.kind === 'sk_buff') {
    checkSkbPacket(ctx, e.file);
    // Non-tc types see the skb after eth_type_trans pulled the Ethernet header.
    const pull = kind.l2 ? 0 : ETH_HLEN;
    if (e.ctxIn) checkSkbCtxIn(e.ctxIn, ctx.length - pull, e.file);
    it.pktStart = it.pktMeta = e.ctxOffset + pull;
    initSkb(mem.view, e.structAt, ctx, ctx.length - pull, e.ctxIn);
    it.mdEnd = e.structAt + SK_BUFF_SIZE;
    it.fData = SKB.data;
    it.fEnd = SKB.data_end;
    it.fMeta = SKB.data_meta;
    it.packet = new PacketState(kind, e.region, e.ctxOffset, e.capacity, e.structAt);
  }
  if (e.args) {
    e.args.slice(0, 5).forEach((v, i) => {
      L[i + 1] = Number(BigInt.asIntN(32, v));
      H[i + 1] = Number(BigInt.asIntN(32, v >> 32n));
    });
  } else if (it.packet) {
    L[1] = e.structAt;
    H[1] = Lay.MEM_BASE_HI | 0;
  } else if (ctx.length) {
    L[1] = e.ctxOffset;
    H[1] = Lay.MEM_BASE_HI | 0;
    L[2] = ctx.length;
  }
}

/** What a run leaves to a caller that does not read it (RunOptions.keepContext false):
 * no context bytes. Shared: an empty array cannot be written. */
export const NO_CONTEXT_OUT: { readonly ctx: Uint8Array } = Object.freeze({ ctx: new Uint8Array(0) });

/** What a run leaves: the packet as BPF_PROG_TEST_RUN's data_out gives it (from data_meta
 * to data_end; non-tc skb programs get their pulled Ethernet header back as zeros), or
 * the raw context bytes; and for skb programs the ctx_out struct. */
export function exitContext(it: Interpreter, mem: Memory, e: Pick<EntryLayout, 'ctxOffset' | 'ctx' | 'ctxIn'>): { ctx: Uint8Array; ctxOut?: Uint8Array } {
  const p = it.packet;
  if (!p) return { ctx: mem.bytes.slice(e.ctxOffset, e.ctxOffset + e.ctx.length) };
  if (p.kind.kind === 'xdp_md') return { ctx: mem.bytes.slice(it.pktMeta, it.pktEnd) };
  const pulled = p.kind.l2 ? 0 : ETH_HLEN;
  const out = new Uint8Array(pulled + it.pktEnd - it.pktStart);
  out.set(mem.bytes.subarray(it.pktStart, it.pktEnd), pulled);
  return { ctx: out, ctxOut: skbCtxOut(mem.bytes, p.structAt, e.ctxIn) };
}
