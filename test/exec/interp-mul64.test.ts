// The interpreter's hand-inlined 64-bit add, sub, mul and unsigned/signed compares, and
// alu64.ts's mulhiU32 (exact through doubles), against BigInt on edge-case and random words.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { mul64, mulhiU32 } from '../../engine/exec/alu64.ts';
import { alui, alur, exit, jmpi, jmpr, lddw, movi } from './build.ts';
import { r0 } from './run-helpers.ts';

const U64 = (v: bigint): bigint => BigInt.asUintN(64, v);
const S64 = (v: bigint): bigint => BigInt.asIntN(64, v);
const WORDS = [0, 1, 2, 0xffff, 0x10000, 0x1ffff, 0x7fffffff, 0x80000000, 0x80000001, 0x9e3779b1, 0xfffeffff, 0xffffffff];
/** 64-bit edge values: every high word paired with a few low words. */
const VALUES: bigint[] = [];
for (const hi of [0, 1, 0x7fffffff, 0x80000000, 0xffffffff]) for (const lo of [0, 1, 0x7fffffff, 0x80000000, 0x9e3779b1, 0xffffffff]) VALUES.push((BigInt(hi) << 32n) | BigInt(lo));
const IMMS = [0, 1, -1, 2, 0x7fffffff, -0x80000000, 0x9e3779b1 | 0, 0xffff, -0x10000];

const opt = { tier: 'interpreter' as const };

test('mulhiU32 is the exact high word of the unsigned 32x32 product on edge words', () => {
  for (const a of WORDS) {
    for (const b of WORDS) {
      const want = Number(BigInt.asIntN(32, (BigInt(a) * BigInt(b)) >> 32n));
      assert.equal(mulhiU32(a | 0, b | 0), want, `${a} * ${b}`);
    }
  }
});

test('mulhiU32 and mul64 agree with BigInt on random operands', () => {
  fc.assert(
    fc.property(fc.bigInt({ min: 0n, max: (1n << 64n) - 1n }), fc.bigInt({ min: 0n, max: (1n << 64n) - 1n }), (a, b) => {
      const L = new Int32Array([Number(BigInt.asIntN(32, a)), Number(BigInt.asIntN(32, b))]);
      const H = new Int32Array([Number(BigInt.asIntN(32, a >> 32n)), Number(BigInt.asIntN(32, b >> 32n))]);
      assert.equal(mulhiU32(L[0], L[1]), Number(BigInt.asIntN(32, (U64(a) & 0xffffffffn) * (b & 0xffffffffn) >> 32n)));
      mul64(L, H, 0, L[1], H[1]);
      assert.equal((BigInt(H[0] >>> 0) << 32n) | BigInt(L[0] >>> 0), U64(a * b));
    }),
    { numRuns: 2000, seed: 6 },
  );
});

test('mul, add and sub by a register wrap to 64 bits, also with dst as source', () => {
  for (const a of VALUES) {
    for (const b of VALUES.filter((_, i) => i % 3 === 0)) {
      for (const [m, f] of [['mul', (x: bigint, y: bigint) => x * y], ['add', (x: bigint, y: bigint) => x + y], ['sub', (x: bigint, y: bigint) => x - y]] as const) {
        assert.equal(r0([...lddw(0, a), ...lddw(1, b), alur(m, 0, 1), exit()], opt), U64(f(a, b)), `${m} ${a} ${b}`);
      }
    }
    for (const m of ['mul', 'add', 'sub'] as const) {
      const want = m === 'mul' ? a * a : m === 'add' ? a + a : 0n;
      assert.equal(r0([...lddw(0, a), alur(m, 0, 0), exit()], opt), U64(want), `${m} r0, r0 with ${a}`);
    }
  }
});

test('mul, add and sub by an immediate use the sign-extended immediate', () => {
  for (const a of VALUES) {
    for (const k of IMMS) {
      const b = BigInt(k);
      assert.equal(r0([...lddw(0, a), alui('mul', 0, k), exit()], opt), U64(a * b), `mul ${a} ${k}`);
      assert.equal(r0([...lddw(0, a), alui('add', 0, k), exit()], opt), U64(a + b), `add ${a} ${k}`);
      assert.equal(r0([...lddw(0, a), alui('sub', 0, k), exit()], opt), U64(a - b), `sub ${a} ${k}`);
    }
  }
});

const CMPS: [string, (x: bigint, y: bigint) => boolean][] = [
  ['jgt', (x, y) => U64(x) > U64(y)], ['jge', (x, y) => U64(x) >= U64(y)],
  ['jlt', (x, y) => U64(x) < U64(y)], ['jle', (x, y) => U64(x) <= U64(y)],
  ['jsgt', (x, y) => S64(x) > S64(y)], ['jsge', (x, y) => S64(x) >= S64(y)],
  ['jslt', (x, y) => S64(x) < S64(y)], ['jsle', (x, y) => S64(x) <= S64(y)],
];

/** r0 = 1 when the jump is taken, else 0. */
const taken = (setup: ReturnType<typeof lddw>, jump: ReturnType<typeof jmpi>): bigint => r0([...setup, movi(0, 1), jump, movi(0, 0), exit()], opt);

test('64-bit jumps compare high words first, unsigned or signed, register and immediate', () => {
  for (const [m, f] of CMPS) {
    for (const a of VALUES) {
      for (const b of VALUES.filter((_, i) => i % 2 === 0)) {
        assert.equal(taken([...lddw(1, a), ...lddw(2, b)], jmpr(m, 1, 2, 1)), f(a, b) ? 1n : 0n, `${m} ${a} ${b}`);
      }
      assert.equal(taken(lddw(1, a), jmpr(m, 1, 1, 1)), f(a, a) ? 1n : 0n, `${m} r1, r1 with ${a}`);
      for (const k of IMMS) assert.equal(taken(lddw(1, a), jmpi(m, 1, k, 1)), f(a, BigInt(k)) ? 1n : 0n, `${m} ${a} ${k}`);
    }
  }
});

test('the interpreter multiplies random 64-bit operands exactly (register and immediate)', () => {
  const u64 = fc.bigInt({ min: 0n, max: (1n << 64n) - 1n });
  fc.assert(
    fc.property(u64, u64, fc.integer({ min: -0x80000000, max: 0x7fffffff }), (a, b, k) => {
      assert.equal(r0([...lddw(0, a), ...lddw(1, b), alur('mul', 0, 1), exit()], opt), U64(a * b));
      assert.equal(r0([...lddw(0, a), alui('mul', 0, k), exit()], opt), U64(a * BigInt(k)));
    }),
    { numRuns: 300, seed: 6 },
  );
});
