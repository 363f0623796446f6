// Conditional jumps, 64- and 32-bit, signed and unsigned, taken and not taken.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { exit, ja, jmpi, jmpr, lddw, movi, op } from './build.ts';
import { r0 } from './run-helpers.ts';

/** r0 = 1 when `jump` (reading r1, r2) is taken, else 0. */
const taken = (jump: ReturnType<typeof jmpi>, a: bigint, b: bigint): bigint =>
  r0([lddw(1, a), lddw(2, b), movi(0, 0), jump, exit(), movi(0, 1), exit()]);

const cases: [string, bigint, bigint, boolean][] = [
  ['jeq', 5n, 5n, true],
  ['jeq', 5n, 0x100000005n, false],
  ['jne', 5n, 0x100000005n, true],
  ['jgt', -1n, 1n, true], // unsigned: 2^64-1 > 1
  ['jsgt', -1n, 1n, false],
  ['jge', 7n, 7n, true],
  ['jsge', -2n, -1n, false],
  ['jlt', 1n, -1n, true],
  ['jslt', -1n, 1n, true],
  ['jle', 0x100000000n, 0xffffffffn, false],
  ['jsle', -(1n << 63n), 0n, true],
  ['jset', 0x100000000n, 0x100000000n, true],
  ['jset', 0x100000000n, 0xffffffffn, false],
];

test('64-bit conditional jumps compare full registers', () => {
  for (const [m, a, b, want] of cases) {
    assert.equal(taken(jmpr(m, 1, 2, 1), a, b), want ? 1n : 0n, `${m} ${a} ${b}`);
  }
});

test('32-bit conditional jumps compare low words only', () => {
  assert.equal(taken(jmpr('jeq32', 1, 2, 1), 0x100000005n, 5n), 1n);
  assert.equal(taken(jmpr('jgt32', 1, 2, 1), 0x1n, 0x200000000n), 1n);
  assert.equal(taken(jmpr('jsgt32', 1, 2, 1), 0xffffffffn, 0n), 0n); // -1 > 0 is false
  assert.equal(taken(jmpr('jlt32', 1, 2, 1), 0x7fffffffn, 0x80000000n), 1n);
  assert.equal(taken(jmpr('jset32', 1, 2, 1), 0x100000000n, 0x100000000n), 0n);
});

test('immediate jump operands are sign-extended to 64 bits', () => {
  assert.equal(taken(jmpi('jeq', 1, -1, 1), -1n, 0n), 1n);
  assert.equal(taken(jmpi('jeq', 1, -1, 1), 0xffffffffn, 0n), 0n);
  assert.equal(taken(jmpi('jeq32', 1, -1, 1), 0xffffffffn, 0n), 1n);
  assert.equal(taken(jmpi('jgt', 1, -2, 1), -1n, 0n), 1n);
});

test('ja and ja32 jump unconditionally, backwards too', () => {
  assert.equal(r0([movi(0, 1), ja(2), exit(), movi(0, 2), ja(-3)]), 1n);
  assert.equal(r0([movi(0, 1), op('ja32', 'imm-target', { imm: 1 }), movi(0, 2), exit()]), 1n);
});
