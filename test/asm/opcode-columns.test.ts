// The opcode table's derived columns, for a sample of rows.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { OPCODES, specByXop, type OpSpec } from '../../engine/isa/opcodes.ts';
import { XOP } from '../../engine/isa/xop.ts';

const columns = (name: keyof typeof XOP): Partial<OpSpec> => {
  const s = specByXop(XOP[name]) as OpSpec;
  assert.equal(s.name, name);
  const { flow, mem, memBytes, base, writesDst, slots, signExtends } = s;
  return { flow, mem, memBytes, base, writesDst, slots, signExtends };
};
const plain = { mem: 'none', memBytes: 0, base: null, writesDst: false, slots: 1, signExtends: false } as const;

test('derived columns of sample rows', () => {
  const expected: Record<string, Partial<OpSpec>> = {
    LDXW: { ...plain, flow: 'next', mem: 'load', memBytes: 4, base: 'src', writesDst: true },
    LDXSH: { ...plain, flow: 'next', mem: 'load', memBytes: 2, base: 'src', writesDst: true, signExtends: true },
    STXDW: { ...plain, flow: 'next', mem: 'store', memBytes: 8, base: 'dst' },
    STB: { ...plain, flow: 'next', mem: 'store', memBytes: 1, base: 'dst' },
    LOCK_FETCH_ADD: { ...plain, flow: 'next', mem: 'rmw', memBytes: 8, base: 'dst' },
    LOCK_CMPXCHG32: { ...plain, flow: 'next', mem: 'rmw', memBytes: 4, base: 'dst' },
    JA: { ...plain, flow: 'jump' },
    JA32: { ...plain, flow: 'jump' },
    JEQ_IMM: { ...plain, flow: 'branch' },
    JSLT32_REG: { ...plain, flow: 'branch' },
    CALL_HELPER: { ...plain, flow: 'call-helper' },
    CALL_LOCAL: { ...plain, flow: 'call-local' },
    CALL_KFUNC: { ...plain, flow: 'call-kfunc' },
    CALLX: { ...plain, flow: 'callx' },
    EXIT: { ...plain, flow: 'exit' },
    LDDW: { ...plain, flow: 'next', writesDst: true, slots: 2 },
    ADD32_IMM: { ...plain, flow: 'next', writesDst: true },
    MOVSX1664_REG: { ...plain, flow: 'next', writesDst: true, signExtends: true },
    BE16: { ...plain, flow: 'next', writesDst: true },
  };
  for (const [name, want] of Object.entries(expected)) assert.deepEqual(columns(name as keyof typeof XOP), want, name);
});

test('columns agree with the operand forms across the table', () => {
  for (const s of OPCODES) {
    assert.equal(s.mem === 'none', s.memBytes === 0, s.name);
    assert.equal(s.base !== null, s.mem !== 'none' && s.form !== 'ldabs' && s.form !== 'ldind', s.name);
    if (s.mem !== 'none') assert.equal(s.memBytes * 8, s.width, s.name);
    assert.equal(s.flow === 'branch', s.form === 'dst,src,off' || s.form === 'dst,imm,off', s.name);
  }
});
