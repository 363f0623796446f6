// Runs the built workload objects on the executor with fixed contexts and checks r0 and
// map contents against values worked out by hand from the C sources in
// benchmarks/workloads/c (derivations beside each expectation).

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { loadObjectProgram } from '../../engine/elf/bpf-object.ts';
import { readElf64 } from '../../engine/elf/elf64.ts';
import { instantiate, loadProgram, type ProgramInstance } from '../../engine/exec/index.ts';
import type { Program } from '../../engine/program.ts';
import { workloadObject } from './object-inspect.ts';

function program(name: string): Program {
  const { bytes, file } = workloadObject(name);
  return loadObjectProgram(bytes, file);
}

function start(p: Program, seed = 1): ProgramInstance {
  return instantiate(loadProgram(p), { seed });
}

/** The value bytes stored under `key` in map `name`, or undefined when absent. */
function lookup(inst: ProgramInstance, name: string, key: Uint8Array): Uint8Array | undefined {
  const m = inst.map(name);
  const keyOff = inst.mem.alloc('helper-object', 'test key', key.length);
  inst.mem.bytes.set(key, keyOff);
  const v = m.lookup(keyOff, 0);
  return v < 0 ? undefined : inst.mem.bytes.slice(v, v + m.def.valueSize);
}

const u32 = (v: number): Uint8Array => new Uint8Array(new Uint32Array([v]).buffer);
const u64 = (v: bigint): Uint8Array => new Uint8Array(new BigUint64Array([v]).buffer);
const le64 = (b: Uint8Array, off = 0): bigint => new DataView(b.buffer, b.byteOffset).getBigUint64(off, true);
const le32 = (b: Uint8Array, off = 0): number => new DataView(b.buffer, b.byteOffset).getUint32(off, true);

/** Bytes of global variable `name` of workload `workload`, read from its data map. */
function globalVar(inst: ProgramInstance, workload: string, name: string): Uint8Array {
  const { bytes, file } = workloadObject(workload);
  const elf = readElf64(bytes, file);
  const sym = elf.symbols.find((s) => s.name === name);
  if (!sym) throw new Error(`${workload} has no symbol ${name}`);
  const value = lookup(inst, elf.sections[sym.shndx].name, u32(0))!;
  return value.subarray(sym.value, sym.value + sym.size);
}

/** A 64-byte context whose first two u32 are 0 and 64: as a raw struct xdp_md it says
 * data_end - data = 64, and as a packet it is 64 bytes long, so either reading of an XDP
 * context gives call-chain the same input. */
function xdpLen64(): Uint8Array {
  const ctx = new Uint8Array(64);
  new DataView(ctx.buffer).setUint32(4, 64, true);
  return ctx;
}

test('call-chain returns XDP_PASS and leaves the eight-frame result in .bss', () => {
  const inst = start(program('call-chain'));
  const r = inst.run({ ctx: xdpLen64() });
  assert.equal(r.r0, 2n); // XDP_PASS
  // x = 64. Arguments down the chain: chain2 gets 64*17+6 = 1094, chain3 1094*13+5 = 14227,
  // chain4 14227*11+4 = 156501, chain5 156501*7+3 = 1095510, chain6 1095510*5+2 = 5477552,
  // chain7 5477552*3+1 = 16432657 and returns 16432657*31+7 = 509412374. On the way up
  // each frame xors in its own x >> 3: 684694, 136938, 19562, 1778, 136, 8.
  const expected = 509412374n ^ 684694n ^ 136938n ^ 19562n ^ 1778n ^ 136n ^ 8n;
  assert.equal(expected, 508897906n);
  assert.equal(le64(globalVar(inst, 'call-chain', 'chain_result')), expected);
  assert.equal(le64(globalVar(inst, 'call-chain', 'chain_calls')), 8n); // main + 7 subprograms
});

test('deep-assert with throw_threshold 0 never throws and returns TC_ACT_OK', () => {
  const inst = start(program('deep-assert'));
  const r = inst.run({ ctx: new Uint8Array(64) }); // a 64-byte packet: skb->len = 64
  assert.equal(r.r0, 0n);
  assert.equal(r.thrown, undefined);
  // frame1(64) -> frame2(128) -> frame3(139) -> frame4(139 ^ 0x55 = 222) = 222*3+1 = 667;
  // frame3: 667+7 = 674; frame2: 1348; frame1: 1348 ^ 0x1234 = 6000.
  assert.equal(le64(globalVar(inst, 'deep-assert', 'last_result')), 6000n);
  assert.equal(le64(globalVar(inst, 'deep-assert', 'frames_entered')), 4n);
});

test('deep-assert with throw_threshold 2^32 always throws from the fourth frame', () => {
  const p = program('deep-assert');
  p.maps[0].initialValue = u64(1n << 32n); // .rodata throw_threshold
  const inst = start(p);
  const r = inst.run({ ctx: new Uint8Array(64) });
  // cookie = THROW_COOKIE_BASE + the value frame4 received (222)
  assert.equal(r.thrown?.cookie, 0xdead00den);
  assert.equal(r.r0, 0xdead00den);
  assert.equal(le64(globalVar(inst, 'deep-assert', 'last_result')), 0n, 'last_result is never written');
  assert.equal(le64(globalVar(inst, 'deep-assert', 'frames_entered')), 4n, 'all four frames were entered before the throw');
});

test('deep-assert throws at about the rate throw_threshold sets', () => {
  const p = program('deep-assert');
  p.maps[0].initialValue = u64(1n << 30n); // P = 2^30 / 2^32 = 0.25
  const inst = start(p, 7);
  let throws = 0;
  const runs = 800;
  for (let i = 0; i < runs; i++) if (inst.run({ ctx: new Uint8Array(64) }).thrown) throws++;
  // Binomial(800, 0.25): mean 200, sd 12.2; the bounds are 5 sd either side.
  assert.ok(throws > 139 && throws < 261, `${throws} throws in ${runs} runs`);
});

function loopArgs(iterations: number): Uint8Array {
  return u32(iterations);
}

test('loop-callback sums old table values plus indices over bpf_loop iterations', () => {
  const inst = start(program('loop-callback'));
  // Run 1, 10 iterations on a zeroed table: sum = 0+1+...+9 = 45, table[0..9] = 1.
  assert.equal(inst.run({ ctx: loopArgs(10) }).r0, 45n);
  const v = (name: string): Uint8Array => globalVar(inst, 'loop-callback', name);
  assert.deepEqual([le64(v('last_sum')), le32(v('last_hits')), le32(v('last_cpu'))], [45n, 10, 0]);
  // Run 2, 100 iterations: indices sum to 4950; old values are 1 for i = 0..9 (run 1),
  // 0 for i = 10..63, then 1 again for i = 64..99 (keys 0..35 bumped earlier in this
  // run) plus 1 more for i = 64..73 (keys 0..9 were already 1): 10 + 36 + 10 = 56.
  assert.equal(inst.run({ ctx: loopArgs(100) }).r0, 4950n + 56n);
  assert.equal(le32(v('last_hits')), 100);
  // table[k]: run 1 adds 1 to k < 10; run 2 adds 1 to every k and 1 more to k < 36.
  assert.equal(le64(lookup(inst, 'table', u32(0))!), 3n);
  assert.equal(le64(lookup(inst, 'table', u32(20))!), 2n);
  assert.equal(le64(lookup(inst, 'table', u32(50))!), 1n);
});

test('loop-callback clamps the iteration count to 4096', () => {
  const inst = start(program('loop-callback'));
  const r = inst.run({ ctx: loopArgs(5000) });
  // sum over i < 4096 of i + floor(i / 64) = 8386560 + 64 * (0+...+63) = 8515584
  assert.equal(r.r0, 8515584n);
  assert.equal(le32(globalVar(inst, 'loop-callback', 'last_hits')), 4096);
});

function rawTpArgs(syscallId: bigint): Uint8Array {
  const ctx = new Uint8Array(16);
  new DataView(ctx.buffer).setBigUint64(8, syscallId, true); // args[1]
  return ctx;
}

test('trace-events counts syscalls per id and writes ring events', () => {
  const inst = start(program('trace-events'));
  const first = inst.run({ ctx: rawTpArgs(59n) });
  assert.equal(first.r0, 0n);
  inst.run({ ctx: rawTpArgs(59n) });
  inst.run({ ctx: rawTpArgs(3n) });
  assert.equal(le64(lookup(inst, 'syscall_counts', u64(59n))!), 2n);
  assert.equal(le64(lookup(inst, 'syscall_counts', u64(3n))!), 1n);
  assert.equal(lookup(inst, 'syscall_counts', u64(4n)), undefined);
  assert.equal(le32(globalVar(inst, 'trace-events', 'ring_head')), 3);
  const pidTgid = (BigInt(inst.state.tgid) << 32n) | BigInt(inst.state.pid);
  const expect = [
    [59n, 1n, 0],
    [59n, 2n, 1],
    [3n, 1n, 2],
  ] as const;
  let lastTs = 0n;
  for (const [slot, [id, count, seq]] of expect.entries()) {
    const e = lookup(inst, 'events', u32(slot))!;
    assert.equal(le64(e, 8), pidTgid, `event ${slot} pid_tgid`);
    assert.equal(le64(e, 16), id, `event ${slot} syscall_id`);
    assert.equal(le64(e, 24), count, `event ${slot} count`);
    assert.equal(le32(e, 32), 0, `event ${slot} cpu`);
    assert.equal(le32(e, 36), seq, `event ${slot} seq`);
    assert.ok(le64(e, 0) > lastTs, `event ${slot} timestamp advances`);
    lastTs = le64(e, 0);
  }
});

test('trace-events ignores syscall ids at or above max_syscall_id', () => {
  const inst = start(program('trace-events'));
  assert.equal(inst.run({ ctx: rawTpArgs(512n) }).r0, 1n);
  assert.equal(lookup(inst, 'syscall_counts', u64(512n)), undefined);
  assert.equal(le32(globalVar(inst, 'trace-events', 'ring_head')), 0);
});

/** Ethernet + IPv4 (10.0.0.1 -> 10.0.0.2) + TCP 1234 -> dport, padded to 64 bytes. */
function tcp4Packet(dport: number): Uint8Array {
  const p = new Uint8Array(64);
  const dv = new DataView(p.buffer);
  dv.setUint16(12, 0x0800); // h_proto, network order
  p[14] = 0x45; // version 4, ihl 5
  p[23] = 6; // protocol TCP
  p.set([10, 0, 0, 1], 26);
  p.set([10, 0, 0, 2], 30);
  dv.setUint16(34, 1234);
  dv.setUint16(36, dport);
  return p;
}

test('xdp-parse counts a TCP/IPv4 flow and drops the blocked port', () => {
  const inst = start(program('xdp-parse'));
  assert.equal(inst.run({ ctx: tcp4Packet(80) }).r0, 2n); // XDP_PASS
  assert.equal(inst.run({ ctx: tcp4Packet(23) }).r0, 1n); // XDP_DROP: blocked_port = 23
  const slot = (i: number): bigint => le64(lookup(inst, 'proto_counts', u32(i))!);
  assert.deepEqual([0, 1, 2, 3, 4, 5, 6, 7].map(slot), [0n, 2n, 0n, 2n, 0n, 0n, 0n, 1n]);
  // struct flow_key: saddr, daddr as on the wire; sport, dport in host order; proto; pad
  const key = new Uint8Array(16);
  key.set([10, 0, 0, 1, 10, 0, 0, 2], 0);
  new DataView(key.buffer).setUint16(8, 1234, true);
  new DataView(key.buffer).setUint16(10, 80, true);
  key[12] = 6;
  const stats = lookup(inst, 'flows', key)!;
  assert.deepEqual([le64(stats, 0), le64(stats, 8)], [1n, 64n]); // packets, bytes
});
