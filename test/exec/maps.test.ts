// Map semantics as kernel/bpf/arraymap.c and hashtab.c define them, seen from BPF code.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { instantiate, loadProgram, type ProgramInstance } from '../../engine/exec/index.ts';
import { PSEUDO, type RawInsn } from '../../engine/isa/encoding.ts';
import type { MapDef } from '../../engine/program.ts';
import { alui, call, exit, jmpi, lddw, ldx, movi, movr, prog, st, stx } from './build.ts';
import { bpfError } from './run-helpers.ts';

/** r1 = op (0 update, 1 lookup -> value or -1, 2 delete, 3 write r3 through lookup's
 * pointer), r2 = key (u32), r3 = value, r4 = update flags. */
const driver = [
  movr(6, 1), movr(7, 3), stx('stxw', 10, -4, 2), stx('stxdw', 10, -16, 3),
  lddw(1, 0n, PSEUDO.LDDW_MAP_IDX), movr(2, 10), alui('add', 2, -4),
  jmpi('jeq', 6, 1, 6), jmpi('jeq', 6, 2, 11), jmpi('jeq', 6, 3, 12),
  movr(3, 10), alui('add', 3, -16), call(2), exit(), // 11..14 update
  call(1), jmpi('jne', 0, 0, 2), movi(0, -1), exit(), ldx('ldxdw', 0, 0, 0), exit(), // 15..20 lookup
  call(3), exit(), // 21..22 delete
  call(1), stx('stxdw', 0, 0, 7), movi(0, 0), exit(), // 23..26 write through
];

function mapProgram(def: MapDef, cpus = 1) {
  const inst = instantiate(loadProgram(prog(driver, [def], 'maps.s')), { cpus });
  const go = (op: number, key: number, value = 0, flags = 0, cpu = 0): bigint =>
    inst.run({ args: [BigInt(op), BigInt(key), BigInt(value), BigInt(flags)], cpu }).r0;
  return {
    inst,
    update: (k: number, v: number, flags = 0, cpu = 0) => go(0, k, v, flags, cpu),
    lookup: (k: number, cpu = 0) => go(1, k, 0, 0, cpu),
    del: (k: number) => go(2, k),
    write: (k: number, v: number) => go(3, k, v),
  };
}

const NEG = (e: number): bigint => BigInt.asUintN(64, BigInt(-e));
const ABSENT = BigInt.asUintN(64, -1n);
const hash: MapDef = { name: 'h', type: 'hash', keySize: 4, valueSize: 8, maxEntries: 2, flags: 0 };
const arr: MapDef = { name: 'a', type: 'array', keySize: 4, valueSize: 8, maxEntries: 4, flags: 0 };

test('hash update honours BPF_ANY, BPF_NOEXIST and BPF_EXIST', () => {
  const m = mapProgram(hash);
  assert.equal(m.update(1, 10, 2), NEG(2), 'EXIST on a missing key: -ENOENT');
  assert.equal(m.update(1, 10, 1), 0n, 'NOEXIST on a missing key inserts');
  assert.equal(m.update(1, 11, 1), NEG(17), 'NOEXIST on a present key: -EEXIST');
  assert.equal(m.lookup(1), 10n);
  assert.equal(m.update(1, 12, 2), 0n, 'EXIST on a present key replaces');
  assert.equal(m.lookup(1), 12n);
  assert.equal(m.update(2, 20, 0), 0n, 'ANY inserts');
  assert.equal(m.update(3, 30, 0), NEG(7), 'a new key in a full map: -E2BIG');
  assert.equal(m.update(2, 21, 0), 0n, 'ANY replaces in a full map');
  assert.equal(m.update(1, 1, 8), NEG(22), 'unknown flags: -EINVAL');
});

test('hash lookup returns a pointer into the value, NULL when absent; delete frees the slot', () => {
  const m = mapProgram(hash);
  assert.equal(m.lookup(7), ABSENT);
  assert.equal(m.update(7, 70), 0n);
  assert.equal(m.write(7, 71), 0n);
  assert.equal(m.lookup(7), 71n, 'a store through the looked-up pointer changes the map');
  assert.equal(m.del(7), 0n);
  assert.equal(m.del(7), NEG(2), 'deleting a missing key: -ENOENT');
  assert.equal(m.lookup(7), ABSENT);
  assert.equal(m.update(8, 1), 0n);
  assert.equal(m.update(9, 2), 0n, 'the deleted slot is reusable');
  assert.equal(m.lookup(8) + m.lookup(9), 3n);
});

test('an LRU hash evicts the least recently used key instead of failing when full', () => {
  const m = mapProgram({ ...hash, name: 'lru', type: 'lru_hash' });
  assert.equal(m.update(1, 10), 0n);
  assert.equal(m.update(2, 20), 0n);
  assert.equal(m.lookup(1), 10n, 'touch key 1: key 2 is now the oldest');
  assert.equal(m.update(3, 30), 0n, 'full: evicts key 2');
  assert.equal(m.lookup(2), ABSENT);
  assert.equal(m.lookup(1) + m.lookup(3), 40n);
});

test('a new per-CPU hash element is zero on the other CPUs', () => {
  const m = mapProgram({ ...hash, name: 'ph', type: 'percpu_hash' }, 2);
  m.update(5, 1, 0, 1); // an earlier element in slot 1 on CPU 1, then freed
  m.del(5);
  assert.equal(m.update(6, 50, 0, 0), 0n);
  assert.equal(m.lookup(6, 0), 50n);
  assert.equal(m.lookup(6, 1), 0n);
});

test('storing through a NULL lookup result faults at that instruction', () => {
  const m = mapProgram(hash);
  const e = bpfError(() => m.write(99, 1));
  assert.equal(e.kind, 'runtime');
  assert.equal(e.where.pc, 24);
  assert.match(e.detail, /write of 8 bytes at 0x0 is outside simulated memory/);
});

test('array maps: zero-filled, index bounds, NOEXIST refused, delete refused', () => {
  const m = mapProgram(arr);
  assert.equal(m.lookup(3), 0n);
  assert.equal(m.lookup(4), ABSENT, 'index >= max_entries: NULL');
  assert.equal(m.update(4, 1), NEG(7), 'update out of range: -E2BIG');
  assert.equal(m.update(0, 1, 1), NEG(17), 'NOEXIST: -EEXIST (every element exists)');
  assert.equal(m.update(0, 9, 2), 0n);
  assert.equal(m.lookup(0), 9n);
  assert.equal(m.del(0), NEG(22), 'delete: -EINVAL');
});

test('per-CPU arrays keep one value per CPU', () => {
  const m = mapProgram({ ...arr, name: 'p', type: 'percpu_array' }, 2);
  assert.equal(m.update(1, 5, 0, 0), 0n);
  assert.equal(m.update(1, 6, 0, 1), 0n);
  assert.equal(m.lookup(1, 0), 5n);
  assert.equal(m.lookup(1, 1), 6n);
});

test('maps persist across runs of one instance', () => {
  const m = mapProgram(arr);
  m.update(2, 42);
  assert.equal(m.lookup(2), 42n);
  const fresh = mapProgram(arr);
  assert.equal(fresh.lookup(2), 0n);
});

test('lddw map value points straight into an array value; .rodata values are read-only', () => {
  const data: MapDef = { name: '.data', type: 'array', keySize: 4, valueSize: 16, maxEntries: 1, flags: 0, initialValue: Uint8Array.from([1, 0, 0, 0, 0, 0, 0, 0, 2]) };
  const direct = (insns: (RawInsn | RawInsn[])[], def: MapDef): ProgramInstance => instantiate(loadProgram(prog(insns, [def])));
  const read = direct([lddw(1, 8n << 32n, PSEUDO.LDDW_MAP_IDX_VALUE), ldx('ldxb', 0, 1, 0), exit()], data);
  assert.equal(read.run().r0, 2n);
  const ro = direct([lddw(1, 0n, PSEUDO.LDDW_MAP_IDX_VALUE), st('stb', 1, 0, 5), movi(0, 0), exit()], { ...data, name: '.rodata', readonly: true });
  const e = bpfError(() => ro.run());
  assert.equal(e.where.pc, 2);
  assert.match(e.detail, /write of 1 bytes to read-only map-value '.rodata\[0\]'/);
});

test('invalid map definitions are refused at instantiation', () => {
  const e = bpfError(() => mapProgram({ ...arr, keySize: 8 }));
  assert.equal(e.kind, 'load');
  assert.match(e.detail, /key size must be 4/);
});
