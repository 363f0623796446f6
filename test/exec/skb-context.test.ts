// struct __sk_buff without the kernel: the conversion's values, the access rights per
// program type, and the skb corpus under both tiers (whole runs and one-instruction
// slices on execution contexts). test/exec/skb-kernel.test.ts checks the same programs
// against the kernel.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { assemble } from '../../engine/asm/assembler.ts';
import { programFromAssembly } from '../../engine/asm/to-program.ts';
import { loadBpfObject } from '../../engine/elf/bpf-object.ts';
import { instantiate, loadProgram } from '../../engine/exec/index.ts';
import { ethTypeTrans } from '../../engine/exec/skb-test-run.ts';
import { SKB } from '../../engine/layout/sk-buff.ts';
import type { Program, ProgramType } from '../../engine/program.ts';
import { skbCases } from './skb-cases.ts';
import { diffTierRuns, runUnderTier } from './tier-compare.ts';

const OBJ = join(import.meta.dirname, '../corpus/obj');

function corpusProgram(file: string, section: string, type?: ProgramType): Program {
  const { programs } = loadBpfObject(readFileSync(join(OBJ, file)), file, type ? { forceType: type } : {});
  const p = programs.find((q) => q.source.endsWith(`:${section}`) || q.name === section);
  if (!p) throw new Error(`${file} has no ${section}`);
  return p;
}

function asmProgram(text: string, type: ProgramType): Program {
  return programFromAssembly(assemble(text, `${type}.s`), { name: type, source: `${type}.s`, type });
}

const packet = (n = 64): Uint8Array => {
  const p = new Uint8Array(n);
  p.set([0x08, 0x00], 12);
  return p;
};

const run = (p: Program, ctx = packet(), ctxIn?: Uint8Array) => instantiate(loadProgram(p)).run({ ctx, ctxIn });

test('a tc program reads len, protocol (network order), ifindex and wire_len as the test run sets them', () => {
  for (const [field, want] of [['len', 64], ['protocol', 0x0008], ['ifindex', 1], ['wire_len', 64], ['pkt_type', 0], ['mark', 0]] as const) {
    const r = run(asmProgram(`ldxw %r0, [%r1+${SKB[field]}]\nexit`, 'tc'));
    assert.equal(r.r0, BigInt(want), field);
  }
});

test('data and data_end load as packet pointers bounding the packet, for tc from the Ethernet header', () => {
  const p = asmProgram(`ldxw %r2, [%r1+${SKB.data}]\nldxw %r3, [%r1+${SKB.data_end}]\nmov %r0, %r3\nsub %r0, %r2\nldxb %r4, [%r2+13]\nlsh %r4, 16\nor %r0, %r4\nexit`, 'tc');
  const pk = packet(80);
  pk[13] = 0x42;
  assert.equal(run(p, pk).r0, 80n | (0x42n << 16n));
});

test('socket filters see the skb from the network header: len and data exclude the Ethernet header', () => {
  assert.equal(run(asmProgram(`ldxw %r0, [%r1+${SKB.len}]\nexit`, 'socket')).r0, 50n);
  const cg = asmProgram(`ldxw %r2, [%r1+${SKB.data}]\nldxw %r3, [%r1+${SKB.data_end}]\nmov %r0, %r3\nsub %r0, %r2\nexit`, 'cgroup_skb');
  assert.equal(run(cg).r0, 50n);
});

test('stores to fields the type may not write fault, and so do loads of fields it may not read', () => {
  const write = (field: keyof typeof SKB, type: ProgramType) => () => run(asmProgram(`mov %r2, 1\nstxw [%r1+${SKB[field]}], %r2\nmov %r0, 0\nexit`, type));
  const read = (field: keyof typeof SKB, type: ProgramType) => () => run(asmProgram(`ldxw %r0, [%r1+${SKB[field]}]\nexit`, type));
  assert.doesNotThrow(write('mark', 'tc'));
  assert.doesNotThrow(write('tc_classid', 'tc'));
  assert.throws(write('len', 'tc'), /write of 4 bytes to read-only context 'struct __sk_buff len, pkt_type \(read-only\)'/);
  assert.throws(write('protocol', 'tc'), /read-only/);
  assert.throws(write('mark', 'socket'), /read-only/);
  assert.doesNotThrow(write('cb', 'socket'));
  assert.throws(read('family', 'tc'), /outside every region \(nearest: context 'struct __sk_buff/);
  assert.throws(read('data', 'socket'), /outside every region/);
  assert.throws(read('tc_classid', 'cgroup_skb'), /outside every region/);
  assert.doesNotThrow(read('family', 'cgroup_skb'));
  assert.throws(() => run(asmProgram('ldxw %r0, [%r1+192]\nexit', 'tc')), /outside every region/);
});

test('ctx_in fields reach the program and ctx_out reports what it wrote', () => {
  const ctxIn = new Uint8Array(192);
  const v = new DataView(ctxIn.buffer);
  v.setUint32(SKB.mark, 7, true);
  v.setUint32(SKB.cb + 4, 9, true);
  const p = asmProgram(`ldxw %r0, [%r1+${SKB.mark}]\nldxw %r2, [%r1+${SKB.cb+4}]\nadd %r0, %r2\nstxw [%r1+${SKB.priority}], %r0\nexit`, 'tc');
  const r = run(p, packet(), ctxIn);
  assert.equal(r.r0, 16n);
  assert.equal(new DataView(r.ctxOut!.buffer).getUint32(SKB.priority, true), 16);
  assert.equal(new DataView(r.ctxOut!.buffer).getUint32(SKB.wire_len, true), 64);
  assert.throws(() => run(p, new Uint8Array(10)), /at least ETH_HLEN = 14 bytes/);
});

test('eth_type_trans: ethertypes in network order, 802.3 and 802.2 frames, packet types against the loopback device', () => {
  const frame = (dst: number[], type: number, b14 = 0) => {
    const p = new Uint8Array(20);
    p.set(dst, 0);
    p.set([type >> 8, type & 0xff, b14, b14], 12);
    return p;
  };
  assert.deepEqual(ethTypeTrans(frame([0, 0, 0, 0, 0, 0], 0x86dd)), { protocol: 0xdd86, pktType: 0 });
  assert.deepEqual(ethTypeTrans(frame([2, 0, 0, 0, 0, 1], 0x0020, 0xff)), { protocol: 0x0100, pktType: 3 });
  assert.deepEqual(ethTypeTrans(frame([0xff, 0xff, 0xff, 0xff, 0xff, 0xff], 0x0020)), { protocol: 0x0400, pktType: 2 });
});

test('the skb corpus gives identical results, packets and ctx_out under both tiers, whole and in one-instruction slices', () => {
  const diffs: string[] = [];
  for (const c of skbCases().filter((x) => !x.refused)) {
    const program = corpusProgram(c.file, c.section, c.type);
    for (const sliceInsns of [undefined, 1]) {
      const cmp = { program, seed: 1, invocations: [{ ctx: c.packet, ctxIn: c.ctxIn }, { ctx: c.packet, ctxIn: c.ctxIn }], sliceInsns };
      const ref = runUnderTier('interpreter', cmp);
      for (const inv of ref.invocations) assert.equal(inv.outcome, 'result', `${c.name}: ${inv.error?.message}`);
      for (const d of diffTierRuns(ref, runUnderTier('compiled', cmp))) diffs.push(`${c.name}: ${d}`);
    }
  }
  assert.deepEqual(diffs, []);
});
