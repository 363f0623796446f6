// Hand-computed results for the arithmetic the RFC singles out.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { alui, alur, exit, lddw, movi, op } from './build.ts';
import { r0 } from './run-helpers.ts';

const M64 = (1n << 64n) - 1n;
const INT64_MIN = 1n << 63n;

test('64-bit add carries from the low into the high word', () => {
  assert.equal(r0([lddw(0, 0xffffffffn), alui('add', 0, 1), exit()]), 0x100000000n);
  assert.equal(r0([movi(0, -1), alui('add', 0, 1), exit()]), 0n);
});

test('64-bit sub borrows and wraps', () => {
  assert.equal(r0([lddw(0, 0x100000000n), alui('sub', 0, 1), exit()]), 0xffffffffn);
  assert.equal(r0([movi(0, 0), alui('sub', 0, 1), exit()]), M64);
});

test('64-bit mul keeps the low 64 bits of the product', () => {
  assert.equal(r0([lddw(0, 0x123456789abcdefn), lddw(1, 0xfedcba987654321n), alur('mul', 0, 1), exit()]), (0x123456789abcdefn * 0xfedcba987654321n) & M64);
  assert.equal(r0([lddw(0, INT64_MIN), alui('mul', 0, -1), exit()]), INT64_MIN);
  assert.equal(r0([movi(0, 0x7fffffff), alui('mul32', 0, 0x7fffffff), exit()]), 1n);
});

test('division by zero yields zero', () => {
  assert.equal(r0([movi(0, 7), movi(1, 0), alur('div', 0, 1), exit()]), 0n);
  assert.equal(r0([movi(0, 7), movi(1, 0), alur('div32', 0, 1), exit()]), 0n);
  assert.equal(r0([movi(0, -7), movi(1, 0), alur('sdiv', 0, 1), exit()]), 0n);
  assert.equal(r0([movi(0, -7), alui('sdiv32', 0, 0), exit()]), 0n);
});

test('modulo by zero leaves dst unchanged, truncated to 32 bits in the 32-bit form', () => {
  assert.equal(r0([movi(0, -7), movi(1, 0), alur('mod', 0, 1), exit()]), M64 - 6n);
  assert.equal(r0([movi(0, -7), movi(1, 0), alur('mod32', 0, 1), exit()]), 0xfffffff9n);
  assert.equal(r0([movi(0, -7), movi(1, 0), alur('smod', 0, 1), exit()]), M64 - 6n);
  assert.equal(r0([movi(0, -7), alui('smod32', 0, 0), exit()]), 0xfffffff9n);
});

test('INT_MIN / -1 stays INT_MIN and INT_MIN % -1 is 0', () => {
  assert.equal(r0([lddw(0, INT64_MIN), alui('sdiv', 0, -1), exit()]), INT64_MIN);
  assert.equal(r0([lddw(0, INT64_MIN), alui('smod', 0, -1), exit()]), 0n);
  assert.equal(r0([movi(0, -0x80000000), alui('sdiv32', 0, -1), exit()]), 0x80000000n);
  assert.equal(r0([movi(0, -0x80000000), alui('smod32', 0, -1), exit()]), 0n);
});

test('signed division truncates toward zero and smod takes the dividend sign', () => {
  assert.equal(r0([movi(0, -7), alui('sdiv', 0, 2), exit()]), M64 - 2n); // -3
  assert.equal(r0([movi(0, -7), alui('smod', 0, 2), exit()]), M64); // -1
  assert.equal(r0([movi(0, 7), alui('smod', 0, -2), exit()]), 1n);
  assert.equal(r0([lddw(0, -(1n << 40n)), alui('sdiv', 0, 3), exit()]), BigInt.asUintN(64, -(1n << 40n) / 3n));
});

test('unsigned 64-bit division with a high word uses the full width', () => {
  assert.equal(r0([lddw(0, M64), alui('div', 0, 3), exit()]), M64 / 3n);
  assert.equal(r0([lddw(0, M64), lddw(1, 0x100000001n), alur('mod', 0, 1), exit()]), M64 % 0x100000001n);
  // imm is sign-extended: div by -1 (= 2^64-1) is 0 unless dst is all ones
  assert.equal(r0([movi(0, 5), alui('div', 0, -1), exit()]), 0n);
});

test('shift amounts are masked to the operand width', () => {
  assert.equal(r0([movi(0, 1), alui('lsh', 0, 65), exit()]), 2n);
  assert.equal(r0([movi(0, 1), alui('lsh32', 0, 33), exit()]), 2n);
  assert.equal(r0([movi(0, 1), movi(1, 64 + 63), alur('lsh', 0, 1), exit()]), INT64_MIN);
  assert.equal(r0([movi(0, -1), alui('rsh', 0, 60), exit()]), 0xfn);
  assert.equal(r0([movi(0, -16), alui('arsh', 0, 2), exit()]), M64 - 3n);
  assert.equal(r0([movi(0, -16), alui('arsh32', 0, 34), exit()]), 0xfffffffcn);
  assert.equal(r0([lddw(0, 0x8000000000000000n), alui('arsh', 0, 40), exit()]), BigInt.asUintN(64, -(1n << 23n)));
});

test('32-bit operations zero the upper half', () => {
  assert.equal(r0([movi(0, -1), alui('add32', 0, 0), exit()]), 0xffffffffn);
  assert.equal(r0([movi(0, -1), op('mov32', 'dst,imm', { dst: 0, imm: -1 }), exit()]), 0xffffffffn);
  assert.equal(r0([movi(0, 5), op('neg32', 'dst', { dst: 0 }), exit()]), 0xfffffffbn);
  assert.equal(r0([movi(0, 5), op('neg', 'dst', { dst: 0 }), exit()]), M64 - 4n);
});

test('movsx sign-extends from 8, 16 and 32 bits', () => {
  assert.equal(r0([movi(1, 0x80), op('movsx864', 'dst,src', { dst: 0, src: 1 }), exit()]), M64 - 0x7fn);
  assert.equal(r0([movi(1, 0x8000), op('movsx1632', 'dst,src', { dst: 0, src: 1 }), exit()]), 0xffff8000n);
  assert.equal(r0([lddw(1, 0x180000000n), op('movsx3264', 'dst,src', { dst: 0, src: 1 }), exit()]), 0xffffffff80000000n);
});

test('byte swaps: le truncates, be and bswap reverse', () => {
  const v = 0x1122334455667788n;
  assert.equal(r0([lddw(0, v), op('le16', 'dst', { dst: 0 }), exit()]), 0x7788n);
  assert.equal(r0([lddw(0, v), op('le32', 'dst', { dst: 0 }), exit()]), 0x55667788n);
  assert.equal(r0([lddw(0, v), op('le64', 'dst', { dst: 0 }), exit()]), v);
  assert.equal(r0([lddw(0, v), op('be16', 'dst', { dst: 0 }), exit()]), 0x8877n);
  assert.equal(r0([lddw(0, v), op('be32', 'dst', { dst: 0 }), exit()]), 0x88776655n);
  assert.equal(r0([lddw(0, v), op('bswap64', 'dst', { dst: 0 }), exit()]), 0x8877665544332211n);
});

test('lddw loads a full 64-bit immediate', () => {
  assert.equal(r0([lddw(0, 0xfedcba9876543210n), exit()]), 0xfedcba9876543210n);
});
