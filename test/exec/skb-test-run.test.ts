// initSkb and skbCtxOut run on every invocation of an skb program, so they work from
// precomputed field spans without building a padded ctx_in per run. These tests hold them
// to the field-by-field definition (what net/bpf/test_run.c does, written out plainly
// here) on random packets and ctx_in buffers of every length around the struct's.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { initSkb, skbCtxOut } from '../../engine/exec/skb-test-run.ts';
import { SK_BUFF_SIZE, SKB, skbFieldSize, type SkbField } from '../../engine/layout/sk-buff.ts';
import { Mulberry32 } from '../../engine/random.ts';

const CTX_IN_FIELDS: readonly SkbField[] = ['mark', 'priority', 'ingress_ifindex', 'ifindex', 'cb', 'tstamp', 'wire_len', 'gso_segs', 'gso_size', 'hwtstamp'];
const CTX_OUT_FIELDS: readonly SkbField[] = ['mark', 'priority', 'ingress_ifindex', 'ifindex', 'tstamp', 'cb', 'wire_len', 'gso_segs', 'hwtstamp'];

const padded = (b: Uint8Array | undefined): Uint8Array => {
  const out = new Uint8Array(SK_BUFF_SIZE);
  if (b) out.set(b.subarray(0, SK_BUFF_SIZE));
  return out;
};

/** The struct as test_run.c builds it, field by field from a zero-padded ctx_in. */
function plainInitSkb(packet: Uint8Array, len: number, ctxIn: Uint8Array | undefined): Uint8Array {
  const given = padded(ctxIn);
  const g = new DataView(given.buffer);
  const out = new Uint8Array(SK_BUFF_SIZE);
  const v = new DataView(out.buffer);
  for (const f of CTX_IN_FIELDS) out.set(given.subarray(SKB[f], SKB[f] + skbFieldSize(f)), SKB[f]);
  const dst = packet.subarray(0, 6);
  const pktType = dst.some((b) => b !== 0) ? (dst[0] & 1 ? 2 : 3) : 0;
  const proto = (packet[12] << 8) | packet[13];
  const be16 = (x: number): number => ((x & 0xff) << 8) | (x >> 8);
  const protocol = proto >= 0x600 ? be16(proto) : packet.length >= 16 && packet[14] === 0xff && packet[15] === 0xff ? be16(1) : be16(4);
  v.setUint32(SKB.len, len, true);
  v.setUint32(SKB.pkt_type, pktType, true);
  v.setUint32(SKB.protocol, protocol, true);
  if (g.getUint32(SKB.ifindex, true) <= 1) v.setUint32(SKB.ifindex, 1, true);
  if (g.getUint32(SKB.wire_len, true) === 0) v.setUint32(SKB.wire_len, len, true);
  return out;
}

function plainCtxOut(struct: Uint8Array, ctxIn: Uint8Array | undefined): Uint8Array {
  const out = padded(ctxIn);
  for (const f of CTX_OUT_FIELDS) out.set(struct.subarray(SKB[f], SKB[f] + skbFieldSize(f)), SKB[f]);
  return out;
}

function randomBytes(rng: Mulberry32, n: number, density: number): Uint8Array {
  const b = new Uint8Array(n);
  for (let i = 0; i < n; i++) if (rng.chance(density)) b[i] = rng.int(256);
  return b;
}

test('initSkb and skbCtxOut give the field-by-field struct for random packets and ctx_in of any length', () => {
  const rng = new Mulberry32(17);
  const lengths = [undefined, 0, 1, 7, 40, 43, 100, 161, 163, 191, 192, 200];
  for (let round = 0; round < 400; round++) {
    const packet = randomBytes(rng, 14 + rng.int(60), rng.int(1001) / 1000);
    if (rng.chance(0.3)) packet.fill(0, 0, 6);
    if (rng.chance(0.3)) packet.fill(0xff, 14, 16);
    const n = lengths[round % lengths.length];
    const ctxIn = n === undefined ? undefined : randomBytes(rng, n, rng.int(1001) / 1000);
    // ifindex 0, 1 (the loopback) and 2 (another device) take different paths.
    if (ctxIn && ctxIn.length >= SKB.ifindex + 4 && rng.chance(0.5)) new DataView(ctxIn.buffer).setUint32(SKB.ifindex, rng.int(3), true);
    const len = packet.length - (rng.chance(0.5) ? 14 : 0);
    // The struct lies at an offset inside a larger buffer, over stale bytes.
    const at = 8 * rng.int(8);
    const mem = randomBytes(rng, at + SK_BUFF_SIZE + 16, 1);
    initSkb(new DataView(mem.buffer), at, packet, len, ctxIn);
    const want = plainInitSkb(packet, len, ctxIn);
    assert.deepEqual([...mem.subarray(at, at + SK_BUFF_SIZE)], [...want], `struct, round ${round}`);
    // What the program may have stored there before ctx_out is read back.
    const ran = randomBytes(rng, at + SK_BUFF_SIZE, 1);
    assert.deepEqual([...skbCtxOut(ran, at, ctxIn)], [...plainCtxOut(ran.subarray(at), ctxIn)], `ctx_out, round ${round}`);
  }
});
