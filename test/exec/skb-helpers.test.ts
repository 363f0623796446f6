// The skb helpers without the kernel: checksum updates that keep a header valid, packet
// growth and shrinkage, the redirect and tunnel key records, and the error returns of
// out-of-range offsets (test/exec/skb-kernel.test.ts compares the same against the
// kernel where bpf() is available).
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { loadBpfObject } from '../../engine/elf/bpf-object.ts';
import { instantiate, loadProgram } from '../../engine/exec/index.ts';
import { defaultPacket } from '../../engine/inputs/program-input.ts';
import type { Program } from '../../engine/program.ts';

const OBJ = join(import.meta.dirname, '../corpus/obj');

function corpus(file: string, name: string): Program {
  const p = loadBpfObject(readFileSync(join(OBJ, file)), file).programs.find((q) => q.name === name);
  if (!p) throw new Error(`${file} has no ${name}`);
  return p;
}

/** RFC 1071 checksum of big-endian 16-bit words (0 when the header's own checksum is right). */
function onesComplement(bytes: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < bytes.length; i += 2) s += (bytes[i] << 8) | (bytes[i + 1] ?? 0);
  while (s > 0xffff) s = (s & 0xffff) + (s >>> 16);
  return ~s & 0xffff;
}

function withValidChecksums(): Uint8Array {
  const p = defaultPacket();
  const ip = onesComplement(p.subarray(14, 34));
  p.set([ip >> 8, ip & 0xff], 24);
  const udp = onesComplement([...p.subarray(26, 34), 0, 17, 0, 30, ...p.subarray(34, 64)]);
  p.set([udp >> 8, udp & 0xff], 40);
  return p;
}

test('l3/l4_csum_replace after a rewritten destination leave both checksums valid, and bpf_redirect records its target', () => {
  const r = instantiate(loadProgram(corpus('ctx-skb-helpers.o', 'skb_helpers'))).run({ ctx: withValidChecksums() });
  assert.equal(r.r0, 7n, 'TC_ACT_REDIRECT');
  assert.deepEqual(r.redirect, { ifindex: 1, flags: 0 });
  const out = r.ctx;
  assert.deepEqual([...out.subarray(30, 34)], [10, 0, 0, 99], 'new destination stored');
  assert.equal(onesComplement(out.subarray(14, 34)), 0, 'IPv4 header checksum');
  assert.equal(onesComplement([...out.subarray(26, 34), 0, 17, 0, 30, ...out.subarray(34, 64)]), 0, 'UDP checksum with the pseudo-header');
});

test('adjust_room, change_tail and change_head move data_end and skb->len, and the tunnel key is recorded', () => {
  const r = instantiate(loadProgram(corpus('ctx-skb-resize.o', 'skb_resize'))).run({ ctx: defaultPacket() });
  // +8 after the IPv4 header, +6 at the tail, -4 after the MAC header, +4 at the head.
  assert.equal(r.ctx.length, 64 + 8 + 6 - 4 + 4);
  assert.equal(new DataView(r.ctxOut!.buffer).getUint32(160, true), 64, 'wire_len stays the original length');
  assert.deepEqual([...r.ctx.subarray(0, 4)], [0, 0, 0, 0], 'change_head zero-fills the new head');
  assert.deepEqual(r.tunnelKey, { tunnelId: 42, remote: [0x0a000001], ipv6: false, tos: 0, ttl: 64, label: 0, flags: 0n });
});

test('an encapsulated skb takes no second encapsulation (-EALREADY) and no change_tail (-ENOTSUPP)', () => {
  const r = instantiate(loadProgram(corpus('ctx-skb-resize.o', 'skb_encap'))).run({ ctx: defaultPacket() });
  // Only the first adjust_room (40 bytes after the MAC header) changed the packet.
  assert.equal(r.ctx.length, 64 + 40);
  assert.deepEqual([...r.ctx.subarray(14, 54)], new Array(40).fill(0));
  assert.deepEqual([...r.ctx.subarray(54, 58)], [0x45, 0, 0, 50], 'the IPv4 header follows the inserted room');
});
