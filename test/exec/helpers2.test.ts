// bpf_ringbuf_reserve/submit/discard, bpf_trace_vprintk and bpf_redirect_neigh without
// the kernel (the corpus programs test/corpus/c/helpers2-*.c are compared with it by
// test/corpus/referee.test.ts).
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { loadBpfObject } from '../../engine/elf/bpf-object.ts';
import { traceLog } from '../../engine/exec/helpers/trace-printk.ts';
import { instantiate, loadProgram } from '../../engine/exec/index.ts';
import type { RingbufMap } from '../../engine/exec/maps/ringbuf.ts';
import { PSEUDO } from '../../engine/isa/encoding.ts';
import type { MapDef, Program } from '../../engine/program.ts';
import { alui, call, exit, jmpi, lddw, ldx, movi, movr, prog, st } from './build.ts';
import { defaultPacket } from '../../engine/inputs/program-input.ts';

const OBJ = join(import.meta.dirname, '../corpus/obj');

function corpus(file: string, name: string): Program {
  const p = loadBpfObject(readFileSync(join(OBJ, file)), file).programs.find((q) => q.name === name);
  if (!p) throw new Error(`${file} has no ${name}`);
  return p;
}

const rbDef = (maxEntries: number): MapDef => ({ name: 'rb', type: 'ringbuf', keySize: 0, valueSize: 0, maxEntries, flags: 0 });

test('a reserved and submitted record equals what bpf_ringbuf_output captures for the same bytes', () => {
  // reserve(rb, 12, 0); if NULL return 0; *(u64 *)r = 0x41; *(u32 *)(r + 8) = 7; submit(r, 0); return 1
  const reserved = prog(
    [
      lddw(1, 0n, PSEUDO.LDDW_MAP_IDX), movi(2, 12), movi(3, 0), call(131),
      jmpi('jeq', 0, 0, 7),
      st('stdw', 0, 0, 0x41), st('stw', 0, 8, 7), movr(1, 0), movi(2, 0), call(132), movi(0, 1), exit(), exit(),
    ],
    [rbDef(4096)],
  );
  const output = prog(
    [
      st('stdw', 10, -16, 0x41), st('stw', 10, -8, 7), lddw(1, 0n, PSEUDO.LDDW_MAP_IDX), movr(2, 10), alui('add', 2, -16),
      movi(3, 12), movi(4, 0), call(130), exit(),
    ],
    [rbDef(4096)],
  );
  const a = instantiate(loadProgram(reserved));
  const b = instantiate(loadProgram(output));
  assert.equal(a.run().r0, 1n);
  assert.equal(b.run().r0, 0n);
  const ra = (a.map('rb') as unknown as RingbufMap).drain();
  const rb = (b.map('rb') as unknown as RingbufMap).drain();
  assert.equal(ra.length, 1);
  assert.deepEqual(ra, rb);
});

test('bpf_ringbuf_reserve returns NULL when the record does not fit or flags are set; discarded records are not captured but keep their room', () => {
  const p = corpus('helpers2-ringbuf.o', 'ringbuf_reserve_submit');
  const inst = instantiate(loadProgram(p));
  assert.equal(inst.run({ ctx: defaultPacket() }).r0, 7n, 'submitted, discarded, and the 8192-byte record refused');
  const m = inst.map('rb') as unknown as RingbufMap;
  const recs = m.records;
  assert.equal(recs.length, 1);
  assert.equal(recs[0].length, 16);
  assert.equal(new DataView(recs[0].buffer, recs[0].byteOffset).getBigUint64(8, true), 0x1122334455667788n);
  // Each run takes 8+16 and 8+24 bytes of the 4096: the 73rd run finds no room for the first.
  for (let i = 1; i < 73; i++) inst.run({ ctx: defaultPacket() });
  assert.equal(m.records.length, 73);
  assert.equal(inst.run({ ctx: defaultPacket() }).r0 & 1n, 0n, 'a full buffer gives NULL');
  const flagged = prog([lddw(1, 0n, PSEUDO.LDDW_MAP_IDX), movi(2, 8), movi(3, 1), call(131), exit()], [rbDef(4096)]);
  assert.equal(instantiate(loadProgram(flagged)).run().r0, 0n);
});

test('bpf_ringbuf_submit of a pointer bpf_ringbuf_reserve did not return faults', () => {
  const p = prog([movr(1, 10), alui('add', 1, -8), movi(2, 0), call(132), movi(0, 0), exit()]);
  assert.throws(() => instantiate(loadProgram(p)).run(), /bpf_ringbuf_submit: R1 is not a record/);
});

test('the record bpf_ringbuf_reserve returns can be read and written', () => {
  const p = prog([lddw(1, 0n, PSEUDO.LDDW_MAP_IDX), movi(2, 8), movi(3, 0), call(131), ldx('ldxdw', 1, 0, 0), st('stdw', 0, 0, 1), exit()], [rbDef(4096)]);
  assert.doesNotThrow(() => instantiate(loadProgram(p)).run());
});

test('bpf_trace_vprintk formats its array arguments and refuses a data_len that is not a multiple of 8', () => {
  const inst = instantiate(loadProgram(corpus('helpers2-vprintk.o', 'trace_vprintk_args')));
  const r = inst.run({ ctx: defaultPacket() });
  assert.equal(r.r0, 25n * 1000n + 22n);
  assert.deepEqual(traceLog(inst.state).lines, ['vp -7 64 beef    42|9  |\n']);
});

test('bpf_redirect_neigh records its target and next hop, and returns TC_ACT_SHOT for flags or a short plen', () => {
  const plain = instantiate(loadProgram(corpus('helpers2-redirect-neigh.o', 'redirect_neigh_plain'))).run({ ctx: defaultPacket() });
  assert.equal(plain.r0, 7n);
  assert.deepEqual(plain.redirect, { ifindex: 1, flags: 1 << 16 });
  const nh = instantiate(loadProgram(corpus('helpers2-redirect-neigh.o', 'redirect_neigh_nexthop'))).run({ ctx: defaultPacket() });
  assert.equal(nh.r0, 7n);
  assert.equal(nh.redirect?.flags, (1 << 16) | (1 << 18));
  assert.deepEqual(nh.redirect?.nexthop?.slice(0, 8), [2, 0, 0, 0, 10, 0, 0, 1]);
  const refused = instantiate(loadProgram(corpus('helpers2-redirect-neigh.o', 'redirect_neigh_refused'))).run({ ctx: defaultPacket() });
  assert.equal(refused.r0, 2n * 16n + 2n);
  assert.equal(refused.redirect, undefined);
});

/** RFC 1071 checksum of big-endian 16-bit words (0 when the header's own checksum is right). */
function onesComplement(bytes: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < bytes.length; i += 2) s += (bytes[i] << 8) | (bytes[i + 1] ?? 0);
  while (s > 0xffff) s = (s & 0xffff) + (s >>> 16);
  return ~s & 0xffff;
}

test('bpf_skb_ecn_set_ce marks an ECT IPv4 packet CE with a still-valid checksum and leaves a not-ECT one alone', () => {
  const p = loadProgram(corpus('helpers2-ecn.o', 'ecn_set_ce'));
  const plain = instantiate(p).run({ ctx: defaultPacket() });
  assert.equal(plain.r0, 0n + 2n + 4n, 'not ECT: 0; after the program sets ECT(1): 1, and CE stays 1');
  const ect = defaultPacket();
  ect[15] = 0x01;
  ect.fill(0, 24, 26);
  const c = onesComplement(ect.subarray(14, 34));
  ect.set([c >> 8, c & 0xff], 24);
  const r = instantiate(p).run({ ctx: ect });
  assert.equal(r.r0, 1n + 2n + 4n);
  assert.equal(r.ctx[15], 0x03, 'tos carries CE');
  assert.equal(onesComplement(r.ctx.subarray(14, 34)), 0, 'IPv4 header checksum still valid');
});

test('bpf_skb_change_proto grows the network header by 20 zero bytes for IPv6, shrinks it back for IPv4, and refuses flags and other protocols', () => {
  const grow = instantiate(loadProgram(corpus('helpers2-change-proto.o', 'to_ipv6'))).run({ ctx: defaultPacket() });
  assert.equal(grow.r0, 84n + 100n, 'returns 0, skb->len 84, skb->protocol ETH_P_IPV6');
  const before = defaultPacket();
  assert.deepEqual([...grow.ctx.subarray(0, 14)], [...before.subarray(0, 14)], 'the MAC header stays');
  assert.deepEqual([...grow.ctx.subarray(14, 34)], new Array(20).fill(0), '20 zero bytes at the network header');
  assert.deepEqual([...grow.ctx.subarray(34)], [...before.subarray(14)], 'the old network header follows');
  const back = instantiate(loadProgram(corpus('helpers2-change-proto.o', 'round_trip'))).run({ ctx: defaultPacket() });
  assert.equal(back.r0, 64n * 1000000n + 22n * 1000n + 524n, 'skb->len 64, -EINVAL, -ENOTSUPP');
  assert.deepEqual([...back.ctx], [...defaultPacket()]);
});
