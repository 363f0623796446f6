import assert from 'node:assert/strict';
import { test } from 'node:test';
import { BpfError } from '../../engine/errors.ts';
import { PSEUDO } from '../../engine/isa/encoding.ts';
import { isRejected, type LoadedProgram, type Rejected } from '../../engine/kernel/bpf-syscall.ts';
import { callHelper, exit, ins, lddwMap, lddwMapValue, movImm, program } from '../../engine/kernel/insn-builder.ts';
import type { MapDef } from '../../engine/program.ts';
import { needKernel } from './kernel-fixture.ts';

const BPF_FUNC_map_lookup_elem = 1;
const BPF_FUNC_map_update_elem = 2;

function loaded(r: LoadedProgram | Rejected): LoadedProgram {
  if (isRejected(r)) assert.fail(`kernel rejected the program (${r.errno}):\n${r.log}`);
  return r;
}

const arrayMap = (name: string): MapDef => ({ name, type: 'array', keySize: 4, valueSize: 8, maxEntries: 4, flags: 0 });

test('a loaded program returns its r0 as the run retval', async (t) => {
  const k = await needKernel(t);
  if (!k) return;
  const prog = loaded(await k.load(program(movImm(0, 42), exit()), { progType: 'socket', name: 'ret42' }));
  assert.ok(prog.progId > 0);
  assert.equal((await k.testRun(prog)).retval, 42);
  await k.unload(prog);
});

test('retval is the low 32 bits of r0, unsigned', async (t) => {
  const k = await needKernel(t);
  if (!k) return;
  const prog = loaded(await k.load(program(movImm(0, -2), exit()), { progType: 'xdp' }));
  assert.equal((await k.testRun(prog)).retval, 0xfffffffe);
  await k.unload(prog);
});

test('a value the program stores through a map-value pointer reads back in TypeScript', async (t) => {
  const k = await needKernel(t);
  if (!k) return;
  // r1 = &map[0].value + 8; *(u64 *)r1 = 0x1122334455667788 (direct value access reaches
  // entry 0 only, as for global data)
  const insns = program(
    lddwMapValue(1, 0, 8),
    ins('lddw', 'lddw', { dst: 2, imm: 0x55667788 }),
    { opcode: 0, dst: 0, src: 0, off: 0, imm: 0x11223344 },
    ins('stxdw', 'store-reg', { dst: 1, src: 2, off: 0 }),
    movImm(0, 0),
    exit(),
  );
  const wide: MapDef = { name: 'vals', type: 'array', keySize: 4, valueSize: 16, maxEntries: 1, flags: 0 };
  const prog = loaded(await k.load(insns, { progType: 'socket', maps: [wide] }));
  const before = await k.mapLookup(prog.maps[0], 0);
  assert.deepEqual(before && [...before], new Array(16).fill(0));
  await k.testRun(prog);
  const v = await k.mapLookup(prog.maps[0], 0);
  assert.ok(v);
  assert.equal(Buffer.from(v).readBigUInt64LE(0), 0n);
  assert.equal(Buffer.from(v).readBigUInt64LE(8), 0x1122334455667788n);
  await k.unload(prog);
});

test('a hash-map entry written by bpf_map_update_elem reads back, and a missing key is undefined', async (t) => {
  const k = await needKernel(t);
  if (!k) return;
  const hash: MapDef = { name: 'h', type: 'hash', keySize: 4, valueSize: 8, maxEntries: 8, flags: 0 };
  // key 7 at fp-4, value 99 at fp-16; update(map, &key, &value, BPF_ANY)
  const insns = program(
    ins('stw', 'store-imm', { dst: 10, off: -4, imm: 7 }),
    ins('stdw', 'store-imm', { dst: 10, off: -16, imm: 99 }),
    lddwMap(1, 0),
    ins('mov', 'dst,src', { dst: 2, src: 10 }),
    ins('add', 'dst,imm', { dst: 2, imm: -4 }),
    ins('mov', 'dst,src', { dst: 3, src: 10 }),
    ins('add', 'dst,imm', { dst: 3, imm: -16 }),
    movImm(4, 0),
    callHelper(BPF_FUNC_map_update_elem),
    exit(),
  );
  const prog = loaded(await k.load(insns, { progType: 'socket', maps: [hash] }));
  assert.equal(await k.mapLookup(prog.maps[0], 7), undefined);
  assert.equal((await k.testRun(prog)).retval, 0);
  const v = await k.mapLookup(prog.maps[0], 7);
  assert.ok(v);
  assert.equal(Buffer.from(v).readBigUInt64LE(), 99n);
  assert.equal(await k.mapLookup(prog.maps[0], 8), undefined);
  await k.unload(prog);
});

test('a value written from TypeScript is what the program looks up', async (t) => {
  const k = await needKernel(t);
  if (!k) return;
  const map = await k.createMap(arrayMap('shared'));
  const value = new Uint8Array(8);
  new DataView(value.buffer).setUint32(0, 1234, true);
  await k.mapUpdate(map, 2, value);
  // r0 = lookup(map, &2) ? *(u32 *)r0 : -1
  const insns = program(
    ins('stw', 'store-imm', { dst: 10, off: -4, imm: 2 }),
    lddwMap(1, 0),
    ins('mov', 'dst,src', { dst: 2, src: 10 }),
    ins('add', 'dst,imm', { dst: 2, imm: -4 }),
    callHelper(BPF_FUNC_map_lookup_elem),
    ins('jne', 'dst,imm,off', { dst: 0, imm: 0, off: 2 }),
    movImm(0, -1),
    exit(),
    ins('ldxw', 'load', { dst: 0, src: 0, off: 0 }),
    exit(),
  );
  const prog = loaded(await k.load(insns, { progType: 'tc', maps: [map] }));
  assert.equal((await k.testRun(prog)).retval, 1234);
  await k.unload(prog);
  // A shared map outlives the program that used it.
  assert.ok(await k.mapLookup(map, 2));
  await k.closeMap(map);
});

test('a program reading an uninitialised register is rejected with the verifier log', async (t) => {
  const k = await needKernel(t);
  if (!k) return;
  const r = await k.load(program(ins('mov', 'dst,src', { dst: 0, src: 2 }), exit()), { progType: 'socket' });
  assert.ok(isRejected(r), 'expected a rejection');
  assert.equal(r.errno, 'EACCES');
  assert.match(r.log, /R2 !read_ok/);
});

test('a repeated run reports a positive mean duration', async (t) => {
  const k = await needKernel(t);
  if (!k) return;
  const prog = loaded(await k.load(program(movImm(0, 1), exit()), { progType: 'socket' }));
  const r = await k.testRun(prog, { repeat: 10_000 });
  assert.equal(r.retval, 1);
  assert.ok(r.durationNs > 0, `duration ${r.durationNs}`);
  assert.ok(r.wallNs > 0);
  await k.unload(prog);
});

test('the JIT image and the rewritten instructions can be read back', async (t) => {
  const k = await needKernel(t);
  if (!k) return;
  const prog = loaded(await k.load(program(movImm(0, 5), exit()), { progType: 'socket' }));
  const img = await k.inspect(prog);
  assert.equal(img.progId, prog.progId);
  assert.equal(img.xlated.length, 16);
  assert.ok(img.jited.length > 0);
  await k.unload(prog);
});

test('a program that is not whole 8-byte slots is a BpfError, not a syscall', async (t) => {
  const k = await needKernel(t);
  if (!k) return;
  await assert.rejects(k.load(new Uint8Array(12), { progType: 'socket', name: 'odd.bin' }), (e: unknown) => {
    assert.ok(e instanceof BpfError);
    assert.match(e.message, /odd\.bin.*not a positive multiple of 8/);
    return true;
  });
});

test('a program type PROG_TEST_RUN cannot drive is a BpfError', async (t) => {
  const k = await needKernel(t);
  if (!k) return;
  await assert.rejects(k.load(program(movImm(0, 0), exit()), { progType: 'kprobe' }), BpfError);
});

test('lddw with BPF_PSEUDO_MAP_FD and a created map fd resolves too', async (t) => {
  const k = await needKernel(t);
  if (!k) return;
  const map = await k.createMap(arrayMap('byfd'));
  await k.mapUpdate(map, 0, new Uint8Array([9, 0, 0, 0, 0, 0, 0, 0]));
  const [lddw, hi] = lddwMap(1, 0);
  const insns = program(
    ins('stw', 'store-imm', { dst: 10, off: -4, imm: 0 }),
    { ...lddw, src: PSEUDO.LDDW_MAP_FD, imm: map.fd },
    hi,
    ins('mov', 'dst,src', { dst: 2, src: 10 }),
    ins('add', 'dst,imm', { dst: 2, imm: -4 }),
    callHelper(BPF_FUNC_map_lookup_elem),
    ins('jne', 'dst,imm,off', { dst: 0, imm: 0, off: 1 }),
    exit(),
    ins('ldxw', 'load', { dst: 0, src: 0, off: 0 }),
    exit(),
  );
  const prog = loaded(await k.load(insns, { progType: 'socket' }));
  assert.equal((await k.testRun(prog)).retval, 9);
  await k.unload(prog);
  await k.closeMap(map);
});
