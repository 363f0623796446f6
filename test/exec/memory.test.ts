// Loads, stores and atomics through simulated memory, and the faults outside it.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { layout } from '../../engine/exec/index.ts';
import { alui, alur, exit, lddw, ldx, movi, movr, op, st, stx } from './build.ts';
import { bpfError, r0, run } from './run-helpers.ts';

const ctx = Uint8Array.from([0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77, 0x88, 0x99, 0xaa]);

test('r1 points at the context and r2 holds its length', () => {
  assert.equal(r0([movr(0, 2), exit()], { ctx }), 10n);
  assert.equal(r0([movr(0, 1), exit()], { ctx }), layout.MEM_BASE + BigInt(layout.CTX_OFFSET));
  assert.equal(r0([movr(0, 1), exit()]), 0n);
});

test('loads are little-endian and zero- or sign-extend', () => {
  assert.equal(r0([ldx('ldxdw', 0, 1, 2), exit()], { ctx }), 0xaa99887766554433n);
  assert.equal(r0([ldx('ldxw', 0, 1, 6), exit()], { ctx }), 0xaa998877n);
  assert.equal(r0([ldx('ldxh', 0, 1, 8), exit()], { ctx }), 0xaa99n);
  assert.equal(r0([ldx('ldxb', 0, 1, 9), exit()], { ctx }), 0xaan);
  assert.equal(r0([ldx('ldxsb', 0, 1, 9), exit()], { ctx }), BigInt.asUintN(64, -0x56n));
  assert.equal(r0([ldx('ldxsh', 0, 1, 8), exit()], { ctx }), BigInt.asUintN(64, -0x5567n));
  assert.equal(r0([ldx('ldxsw', 0, 1, 6), exit()], { ctx }), 0xffffffffaa998877n);
});

test('stores write the context, which the run result returns', () => {
  const res = run([st('stb', 1, 0, 0xff), st('sth', 1, 2, -2), stx('stxw', 1, 4, 2), movi(0, 0), exit()], { ctx });
  assert.deepEqual([...res.ctx.subarray(0, 8)], [0xff, 0x22, 0xfe, 0xff, 10, 0, 0, 0]);
  assert.deepEqual([...ctx.subarray(0, 2)], [0x11, 0x22], 'the caller’s buffer is not modified');
});

test('stdw sign-extends its immediate and stxdw stores 8 bytes on the stack', () => {
  assert.equal(r0([st('stdw', 10, -8, -2), ldx('ldxdw', 0, 10, -8), exit()]), BigInt.asUintN(64, -2n));
  assert.equal(r0([lddw(1, 0x0102030405060708n), stx('stxdw', 10, -16, 1), ldx('ldxb', 0, 10, -9), exit()]), 1n);
});

test('atomic add, or, and, xor with and without fetch', () => {
  const pre = [st('stdw', 10, -8, 6), movi(1, 3)];
  const lock = (name: string) => op(name, 'atomic', { dst: 10, src: 1, off: -8 });
  assert.equal(r0([...pre, lock('lock add'), ldx('ldxdw', 0, 10, -8), exit()]), 9n);
  assert.equal(r0([...pre, lock('lock fetch add'), movr(0, 1), exit()]), 6n);
  assert.equal(r0([...pre, lock('lock or'), ldx('ldxdw', 0, 10, -8), exit()]), 7n);
  assert.equal(r0([...pre, lock('lock fetch and'), ldx('ldxdw', 0, 10, -8), alui('lsh', 0, 8), alur('or', 0, 1), exit()]), 0x206n);
  assert.equal(r0([...pre, lock('lock xor'), ldx('ldxdw', 0, 10, -8), exit()]), 5n);
  assert.equal(r0([...pre, lock('lock xchg'), ldx('ldxdw', 0, 10, -8), alui('lsh', 0, 8), alur('or', 0, 1), exit()]), 0x306n);
});

test('32-bit atomics touch 4 bytes and fetch zero-extends', () => {
  const p = [lddw(2, -1n), stx('stxdw', 10, -8, 2), movi(1, 1), op('lock fetch add32', 'atomic', { dst: 10, src: 1, off: -8 })];
  assert.equal(r0([...p, movr(0, 1), exit()]), 0xffffffffn);
  assert.equal(r0([...p, ldx('ldxdw', 0, 10, -8), exit()]), 0xffffffff00000000n);
});

test('cmpxchg compares with r0, always loads the old value into r0', () => {
  const pre = [st('stdw', 10, -8, 5), movi(1, 9)];
  const cx = op('lock cmpxchg', 'atomic', { dst: 10, src: 1, off: -8 });
  assert.equal(r0([...pre, movi(0, 5), cx, ldx('ldxdw', 0, 10, -8), exit()]), 9n);
  assert.equal(r0([...pre, movi(0, 4), cx, ldx('ldxdw', 0, 10, -8), exit()]), 5n);
  assert.equal(r0([...pre, movi(0, 4), cx, exit()]), 5n);
  // 32-bit: compares the low word of r0 only, zero-extends the old value into r0
  const cx32 = op('lock cmpxchg32', 'atomic', { dst: 10, src: 1, off: -8 });
  assert.equal(r0([...pre, lddw(0, 0x700000005n), cx32, ldx('ldxdw', 0, 10, -8), exit()]), 9n);
});

test('a read past the context faults naming pc, address and the context region', () => {
  const e = bpfError(() => run([movi(0, 0), ldx('ldxw', 0, 1, 8), exit()], { ctx }));
  assert.equal(e.kind, 'runtime');
  assert.equal(e.where.pc, 1);
  assert.match(e.message, /read of 4 bytes at 0xffff888000010008/);
  assert.match(e.message, /nearest: context 'context'/);
});

test('a store through a NULL or scalar pointer faults', () => {
  const e = bpfError(() => run([movi(1, 0), st('stw', 1, 0, 1), movi(0, 0), exit()]));
  assert.equal(e.where.pc, 1);
  assert.match(e.message, /write of 4 bytes at 0x0 is outside simulated memory \(a NULL/);
});

test('stack accesses through a computed pointer are bounds-checked too', () => {
  const e = bpfError(() => run([movr(1, 10), alui('add', 1, 8), ldx('ldxdw', 0, 1, 0), exit()]));
  assert.equal(e.where.pc, 2);
  assert.match(e.message, /nearest: stack 'stack of frame 0'/);
});

test('an access straddling the end of a region faults rather than reading the gap', () => {
  const e = bpfError(() => run([ldx('ldxdw', 0, 10, -4), exit()].map((x) => x), {}));
  assert.equal(e.kind, 'load'); // constant r10 offsets are checked at load time
  const e2 = bpfError(() => run([movr(1, 10), ldx('ldxdw', 0, 1, -4), exit()]));
  assert.equal(e2.kind, 'runtime');
  assert.match(e2.message, /read of 8 bytes at 0xffff8880000201fc/);
});

test('the kernel-data region is readable at the documented addresses', () => {
  const addr = layout.MEM_BASE + BigInt(layout.taskExceptionFlagOffset(0));
  assert.equal(r0([lddw(1, addr), st('stb', 1, 0, 1), ldx('ldxb', 0, 1, 0), exit()]), 1n);
});
