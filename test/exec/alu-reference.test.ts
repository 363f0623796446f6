// Every ALU and ALU64 opcode (imm and reg forms, byte swaps, movsx) against a BigInt
// reference written from RFC 9669 §4, on random and edge-case operands.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { CLASS } from '../../engine/isa/encoding.ts';
import { OPCODES, type OpSpec } from '../../engine/isa/opcodes.ts';
import { instantiate, loadProgram, type ProgramInstance } from '../../engine/exec/index.ts';
import { exit, movr, op, prog } from './build.ts';

const U64 = (v: bigint): bigint => BigInt.asUintN(64, v);
const S64 = (v: bigint): bigint => BigInt.asIntN(64, v);
const U32 = (v: bigint): bigint => BigInt.asUintN(32, v);
const S32 = (v: bigint): bigint => BigInt.asIntN(32, v);
const swap = (v: bigint, bytes: number): bigint => {
  let r = 0n;
  for (let i = 0; i < bytes; i++) r = (r << 8n) | ((v >> BigInt(8 * i)) & 0xffn);
  return r;
};

/** RFC 9669 semantics: dst' for dst = a, operand b (already sign-extended if imm). */
function reference(spec: OpSpec, a: bigint, b: bigint): bigint {
  const is64 = (spec.opcode & 7) === CLASS.ALU64;
  const name = spec.mnemonic.replace(/32$/, '');
  if (spec.form === 'dst') {
    if (name === 'neg') return is64 ? U64(-a) : U32(-a);
    const w = spec.width;
    if (name.startsWith('le')) return BigInt.asUintN(w, a);
    return swap(BigInt.asUintN(w, a), w / 8);
  }
  if (name.startsWith('movsx')) {
    const from = Number(/movsx(8|16|32)/.exec(name)?.[1]);
    const v = BigInt.asIntN(from, b);
    return is64 ? U64(v) : U32(v);
  }
  const w = is64 ? 64 : 32;
  const U = is64 ? U64 : U32;
  const S = is64 ? S64 : S32;
  const A = U(a);
  const B = U(b);
  const sh = B & BigInt(w - 1);
  switch (name) {
    case 'add': return U(A + B);
    case 'sub': return U(A - B);
    case 'mul': return U(A * B);
    case 'or': return A | B;
    case 'and': return A & B;
    case 'xor': return A ^ B;
    case 'lsh': return U(A << sh);
    case 'rsh': return A >> sh;
    case 'arsh': return U(S(A) >> sh);
    case 'div': return B === 0n ? 0n : A / B;
    case 'mod': return B === 0n ? A : A % B;
    case 'sdiv': return B === 0n ? 0n : U(S(A) / S(B));
    case 'smod': return B === 0n ? A : U(S(A) % S(B));
    case 'mov': return B;
  }
  throw new Error(`no reference for ${spec.mnemonic}`);
}

const aluSpecs = OPCODES.filter(
  (s) => ((s.opcode & 7) === CLASS.ALU || (s.opcode & 7) === CLASS.ALU64) && s.mnemonic !== 'movpcpu',
);

const edge = [0n, 1n, -1n, 2n, 31n, 32n, 63n, 64n, 0x7fffffffn, -0x80000000n, 0xffffffffn, 0x100000000n, -(1n << 63n), (1n << 63n) - 1n, 0x8000000000000001n];
const u64 = fc.oneof(fc.constantFrom(...edge), fc.bigInt({ min: -(1n << 63n), max: (1n << 64n) - 1n }));
const i32 = fc.oneof(fc.constantFrom(0, 1, -1, 31, 32, 63, 64, 0x7fffffff, -0x80000000), fc.integer({ min: -0x80000000, max: 0x7fffffff }));

// Register forms run one instance per opcode with operands in r1/r2: r0 = r1; r0 op= r2.
function regInstance(spec: OpSpec): ProgramInstance {
  const insn = op(spec.mnemonic, spec.form, spec.form === 'dst' ? { dst: 0 } : { dst: 0, src: 2 });
  return instantiate(loadProgram(prog([movr(0, 1), insn, exit()], [], spec.mnemonic)));
}

test('every ALU/ALU64 register and unary form matches the BigInt reference', () => {
  let cases = 0;
  for (const spec of aluSpecs.filter((s) => s.form !== 'dst,imm')) {
    const inst = regInstance(spec);
    fc.assert(
      fc.property(u64, u64, (a, b) => {
        const got = inst.run({ args: [a, b] }).r0;
        assert.equal(got, reference(spec, a, b), `${spec.mnemonic} ${spec.form} a=${a} b=${b}`);
        cases++;
      }),
      { numRuns: 40, seed: 42 },
    );
  }
  assert.ok(cases > 1000);
});

test('every ALU/ALU64 immediate form matches the BigInt reference (imm sign-extended)', () => {
  for (const spec of aluSpecs.filter((s) => s.form === 'dst,imm')) {
    fc.assert(
      fc.property(u64, i32, (a, imm) => {
        const p = prog([movr(0, 1), op(spec.mnemonic, spec.form, { dst: 0, imm }), exit()], [], spec.mnemonic);
        const got = instantiate(loadProgram(p)).run({ args: [a] }).r0;
        assert.equal(got, reference(spec, a, BigInt(imm)), `${spec.mnemonic} imm a=${a} imm=${imm}`);
      }),
      { numRuns: 25, seed: 7 },
    );
  }
});
