import { test } from 'node:test';
import assert from 'node:assert/strict';
import { OPCODES, specsByMnemonic, type OpSpec } from '../../engine/isa/opcodes.ts';
import { lowerArm64 } from '../../engine/timing/lowering/arm64.ts';
import { arm64Epilogue, arm64Prologue } from '../../engine/timing/lowering/arm64-frame.ts';
import { movI64Parts, isLogicalImm } from '../../engine/timing/lowering/a64-imm.ts';
import { DEFAULT_FRAME, type JitInsn } from '../../engine/timing/lowering/jit-insn.ts';

function spec(mnemonic: string, form: OpSpec['form']): OpSpec {
  const s = specsByMnemonic().get(mnemonic)?.find((x) => x.form === form);
  assert.ok(s);
  return s;
}

function insn(s: OpSpec, fields: Partial<Omit<JitInsn, 'spec'>> = {}): JitInsn {
  const matched = s.match ? { [s.match.field === 'src' ? 'src' : s.match.field]: s.match.value } : {};
  return { spec: s, dst: 1, src: 2, off: 4, imm: 7, ...matched, ...fields };
}

test('every opcode-table row lowers to 4-byte AArch64 instructions', () => {
  for (const s of OPCODES) {
    const ops = lowerArm64(insn(s), { stackSize: 16 });
    if (s.mnemonic === 'le64') {
      assert.equal(ops.length, 0);
      continue;
    }
    assert.ok(ops.length > 0, `${s.mnemonic} (${s.form})`);
    for (const op of ops) assert.equal(op.codeBytes, 4, `${s.mnemonic}: ${op.text}`);
  }
});

test('a 64-bit immediate takes as many movz/movk as it has non-zero halfwords', () => {
  assert.equal(movI64Parts(0x1122334455667788n).length, 4);
  assert.equal(movI64Parts(0x0000000100000000n).length, 1);
  assert.equal(movI64Parts(-2n).length, 1); // movn
  const ops = lowerArm64(insn(spec('lddw', 'lddw'), { dst: 1, imm: 0x55667788, immHi: 0x11223344 }), { stackSize: 0 });
  assert.deepEqual(ops.map((o) => o.text.split(' ')[0]), ['movz', 'movk', 'movk', 'movk']);
});

test('jne r1, 0 is cmp x0, #0 then b.ne (the JIT does not use cbnz here)', () => {
  const ops = lowerArm64(insn(spec('jne', 'dst,imm,off'), { dst: 1, imm: 0, off: 3 }), { stackSize: 0 });
  assert.deepEqual(ops.map((o) => o.text), ['cmp x0, #0', 'b.ne .Lbpf_f3']);
});

test('a helper call is bl then the move of x0 into r0\'s x7', () => {
  const ops = lowerArm64(insn(spec('call', 'helper'), { imm: 1 }), { stackSize: 0 });
  assert.deepEqual(ops.map((o) => [o.cls, o.text]), [['call-direct', 'bl bpf_helper_1'], ['mov-reg', 'mov x7, x0']]);
  const far = lowerArm64(insn(spec('call', 'helper'), { imm: 1 }), { stackSize: 0, farCalls: true });
  assert.equal(far.filter((o) => o.cls === 'call-indirect').length, 1);
  assert.equal(far.length, 5);
});

test('bpf_get_smp_processor_id is inlined by the arm64 JIT', () => {
  const ops = lowerArm64(insn(spec('call', 'helper'), { imm: 8 }), { stackSize: 0 });
  assert.deepEqual(ops.map((o) => o.cls), ['sysreg-read', 'load']);
});

test('r10-relative accesses become sp-relative with the stack size added', () => {
  const ops = lowerArm64(insn(spec('ldxdw', 'load'), { dst: 0, src: 10, off: -8 }), { stackSize: 16 });
  assert.deepEqual(ops.map((o) => o.text), ['ldr x7, [sp, #8]']);
  const neg = lowerArm64(insn(spec('ldxdw', 'load'), { dst: 0, src: 1, off: -8 }), { stackSize: 16 });
  assert.equal(neg.length, 2); // movn tmp, #7 ; ldr x7, [x0, x10]
});

test('logical immediates follow the AArch64 bitmask rules', () => {
  assert.ok(isLogicalImm(0xff, true));
  assert.ok(isLogicalImm(0x0f0f0f0f, false));
  assert.ok(!isLogicalImm(0, true));
  assert.ok(!isLogicalImm(0x12345, true));
  assert.equal(lowerArm64(insn(spec('and', 'dst,imm'), { imm: 0x12345 }), { stackSize: 0 }).length, 3);
});

test('exit branches to the epilogue unless it is the last instruction', () => {
  const s = spec('exit', 'none');
  assert.deepEqual(lowerArm64(insn(s), { stackSize: 0 }).map((o) => o.text), ['b .Lepilogue']);
  assert.equal(lowerArm64(insn(s), { stackSize: 0, exitIsLast: true }).length, 0);
});

test('prologue and epilogue mirror each other and end in ret', () => {
  const frame = { ...DEFAULT_FRAME, stackDepth: 8, calleeRegsUsed: [true, false, false, false] as const };
  const pro = arm64Prologue(frame, { bti: true, pac: true });
  assert.equal(pro[0].text, 'bti jc');
  assert.ok(pro.some((o) => o.text === 'paciasp'));
  assert.equal(pro.at(-1)?.text, 'sub sp, sp, #16');
  const epi = arm64Epilogue(frame, { bti: true, pac: true });
  assert.deepEqual(epi.slice(-3).map((o) => o.text), ['mov x0, x7', 'autiasp', 'ret']);
});
