import assert from 'node:assert/strict';
import { test } from 'node:test';
import { assemble } from '../../engine/asm/assembler.ts';
import { encodeProgram } from '../../engine/isa/encoding.ts';
import { enc, lddwMapIdx, lddwMapValue } from '../../engine/fuzz/encode.ts';
import { checkObservable } from '../../engine/fuzz/observable-check.ts';

const check = (text: string): ReturnType<typeof checkObservable> => checkObservable(assemble(text).insns, 8);

test('a program computing from constants is observable', () => {
  assert.deepEqual(check('mov %r0, 1\nstxdw [%r10-8], %r0\nldxdw %r0, [%r10-8]\nexit'), { ok: true });
});

test('reading stack that was never written is refused', () => {
  const v = check('mov %r0, 1\nldxw %r0, [%r10-8]\nexit');
  assert.equal(v.ok, false);
});

test('stack written on only one path is refused after the join', () => {
  const v = check('mov %r0, 1\njeq %r0, 1, +1\nstdw [%r10-8], 0\nldxdw %r0, [%r10-8]\nexit');
  assert.equal(v.ok, false);
});

test('returning the frame pointer is refused', () => {
  assert.equal(check('mov %r0, %r10\nexit').ok, false);
});

test('the context pointer is refused as a load base', () => {
  assert.equal(check('ldxw %r0, [%r1+0]\nexit').ok, false);
});

test('a map pointer stored into memory is refused', () => {
  const insns = encodeProgram([...lddwMapValue(1, 0, 0), enc('stxdw', 'store-reg', { dst: 1, src: 1, off: 0 }), enc('mov', 'dst,imm', { dst: 0 }), enc('exit', 'none')]);
  assert.equal(checkObservable(insns, 8).ok, false);
});

test('a NULL-checked lookup result is zero on the taken path', () => {
  const insns = encodeProgram([
    enc('stw', 'store-imm', { dst: 10, off: -4 }),
    enc('mov', 'dst,src', { dst: 2, src: 10 }),
    enc('add', 'dst,imm', { dst: 2, imm: -4 }),
    ...lddwMapIdx(1, 0),
    enc('call', 'helper', { imm: 1 }),
    enc('jeq', 'dst,imm,off', { dst: 0, off: 1 }),
    enc('ldxdw', 'load', { dst: 0, src: 0 }),
    enc('exit', 'none'),
  ]);
  assert.deepEqual(checkObservable(insns, 8), { ok: true });
});
