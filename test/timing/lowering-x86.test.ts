import { test } from 'node:test';
import assert from 'node:assert/strict';
import { OPCODES, specsByMnemonic, type OpSpec } from '../../engine/isa/opcodes.ts';
import { lowerX86 } from '../../engine/timing/lowering/x86-64.ts';
import { x86Epilogue, x86Prologue } from '../../engine/timing/lowering/x86-frame.ts';
import { DEFAULT_FRAME, type JitInsn } from '../../engine/timing/lowering/jit-insn.ts';
import { codeSize } from '../../engine/timing/op-class.ts';

function spec(mnemonic: string, form: OpSpec['form']): OpSpec {
  const s = specsByMnemonic().get(mnemonic)?.find((x) => x.form === form);
  assert.ok(s, `${mnemonic} ${form} in the opcode table`);
  return s;
}

function insn(s: OpSpec, fields: Partial<Omit<JitInsn, 'spec'>> = {}): JitInsn {
  const matched = s.match ? { [s.match.field === 'src' ? 'src' : s.match.field]: s.match.value } : {};
  return { spec: s, dst: 1, src: 2, off: 4, imm: 7, ...matched, ...fields };
}

// Rows whose x86-64 lowering is legitimately empty: le64 is a no-op on a little-endian CPU.
const EMPTY_OK = new Set(['le64']);

test('every opcode-table row lowers to x86-64 machine ops with positive sizes', () => {
  for (const s of OPCODES) {
    const ops = lowerX86(insn(s), { bmi2: false });
    if (EMPTY_OK.has(s.mnemonic)) {
      assert.equal(ops.length, 0, s.mnemonic);
      continue;
    }
    assert.ok(ops.length > 0, `${s.mnemonic} (${s.form}) emits something`);
    for (const op of ops) {
      assert.ok(op.codeBytes > 0 && op.codeBytes <= 15, `${s.mnemonic}: ${op.text} has ${op.codeBytes} bytes`);
      assert.ok(op.text.length > 0);
    }
  }
});

test('lddw with a 64-bit value is one 10-byte movabs', () => {
  const ops = lowerX86(insn(spec('lddw', 'lddw'), { dst: 1, imm: 0x55667788, immHi: 0x11223344 }), { bmi2: true });
  assert.equal(ops.length, 1);
  assert.equal(ops[0].cls, 'movabs');
  assert.equal(ops[0].codeBytes, 10);
  assert.match(ops[0].text, /^movabs rdi, 0x1122334455667788$/);
});

test('lddw with a value that fits 32 bits unsigned is a 5-byte mov r32', () => {
  const ops = lowerX86(insn(spec('lddw', 'lddw'), { dst: 1, imm: 0x12345, immHi: 0 }), { bmi2: true });
  assert.deepEqual(ops.map((o) => [o.cls, o.codeBytes]), [['mov-imm', 5]]);
});

test('jne r1, 0 is test rdi, rdi then jne', () => {
  const ops = lowerX86(insn(spec('jne', 'dst,imm,off'), { dst: 1, imm: 0, off: 3 }), { bmi2: true });
  assert.deepEqual(ops.map((o) => o.text.split(' ')[0]), ['test', 'jne']);
  assert.equal(ops[0].text, 'test rdi, rdi');
  assert.equal(ops[0].codeBytes, 3);
  assert.equal(ops[1].codeBytes, 2);
  assert.equal(ops[1].follows, 'bpf-branch');
});

test('jne r1, 5 compares with an imm8 cmp; a far target takes a 6-byte jcc', () => {
  const ops = lowerX86(insn(spec('jne', 'dst,imm,off'), { dst: 1, imm: 5, off: 300 }), { bmi2: true });
  assert.equal(ops[0].text, 'cmp rdi, 5');
  assert.equal(ops[0].codeBytes, 4);
  assert.equal(ops[1].codeBytes, 6);
});

test('helper, kfunc and bpf-to-bpf calls are a 5-byte call rel32', () => {
  for (const form of ['helper', 'kfunc', 'local'] as const) {
    const ops = lowerX86(insn(spec('call', form), { imm: 1 }), { bmi2: true });
    assert.equal(ops.length, 1, form);
    assert.equal(ops[0].cls, 'call-direct');
    assert.equal(ops[0].codeBytes, 5);
  }
});

test('exit jumps to the epilogue, or is empty where the epilogue sits inline', () => {
  const s = spec('exit', 'none');
  const ops = lowerX86(insn(s), { bmi2: true });
  assert.deepEqual(ops.map((o) => o.cls), ['jmp']);
  assert.match(ops[0].text, /epilogue/);
  assert.equal(lowerX86(insn(s), { bmi2: true, exitHoldsEpilogue: true }).length, 0);
});

test('64-bit division saves rax and rdx around div', () => {
  const ops = lowerX86(insn(spec('div', 'dst,src'), { dst: 1, src: 2, off: 0 }), { bmi2: true });
  assert.deepEqual(ops.map((o) => o.text), ['push rax', 'push rdx', 'mov rax, rdi', 'xor edx, edx', 'div rsi', 'mov rdi, rax', 'pop rdx', 'pop rax']);
  assert.equal(ops.find((o) => o.cls === 'div64')?.codeBytes, 3);
});

test('shift by register uses shlx with BMI2 and the rcx shuffle without it', () => {
  const s = spec('lsh', 'dst,src');
  const bmi = lowerX86(insn(s, { dst: 1, src: 2 }), { bmi2: true });
  assert.deepEqual(bmi.map((o) => [o.text, o.codeBytes]), [['shlx rdi, rdi, rsi', 5]]);
  const legacy = lowerX86(insn(s, { dst: 1, src: 2 }), { bmi2: false });
  assert.deepEqual(legacy.map((o) => o.text), ['push rcx', 'mov rcx, rsi', 'shl rdi, cl', 'pop rcx']);
});

test('a 64-bit self-move emits nothing while a 32-bit one zero-extends', () => {
  assert.equal(lowerX86(insn(spec('mov', 'dst,src'), { dst: 3, src: 3, off: 0 }), { bmi2: true }).length, 0);
  assert.equal(lowerX86(insn(spec('mov32', 'dst,src'), { dst: 3, src: 3, off: 0 }), { bmi2: true }).length, 1);
});

test('the per-CPU move adds this_cpu_off through %gs', () => {
  const ops = lowerX86(insn(spec('movpcpu', 'dst,src'), { dst: 1, src: 1, off: -1 }), { bmi2: true });
  assert.deepEqual(ops.map((o) => [o.cls, o.codeBytes, o.addr]), [['gs-load', 9, 'percpu-offset']]);
});

test('extended registers cost a REX byte: ldxdw r7, [r10-8] vs ldxw r1, [r2+4]', () => {
  const wide = lowerX86(insn(spec('ldxdw', 'load'), { dst: 7, src: 10, off: -8 }), { bmi2: true });
  assert.equal(wide[0].text, 'mov r13, qword ptr [rbp - 8]');
  assert.equal(wide[0].codeBytes, 4);
  const narrow = lowerX86(insn(spec('ldxw', 'load'), { dst: 1, src: 2, off: 4 }), { bmi2: true });
  assert.equal(narrow[0].codeBytes, 3);
});

test('the prologue is nop5, nop3, push rbp, mov rbp,rsp, sub rsp and used callee-saved pushes', () => {
  const frame = { ...DEFAULT_FRAME, stackDepth: 12, calleeRegsUsed: [true, false, false, true] as const };
  const ops = x86Prologue(frame, { ibt: false, returnThunk: false });
  assert.deepEqual(ops.map((o) => o.text), ['nop dword ptr [rax + rax]', 'nop dword ptr [rax]', 'push rbp', 'mov rbp, rsp', 'sub rsp, 16', 'push rbx', 'push r15']);
  assert.equal(codeSize(ops), 5 + 3 + 1 + 3 + 7 + 1 + 2);
});

test('an exception boundary saves r12 and all callee-saved registers', () => {
  const ops = x86Prologue({ ...DEFAULT_FRAME, exceptionBoundary: true }, { ibt: true, returnThunk: false });
  assert.deepEqual(ops.filter((o) => o.cls === 'push').map((o) => o.text), ['push rbp', 'push r12', 'push rbx', 'push r13', 'push r14', 'push r15']);
  assert.equal(ops.filter((o) => o.text === 'endbr64').length, 2);
});

test('the epilogue pops, leaves and returns through the thunk where one is installed', () => {
  const frame = { ...DEFAULT_FRAME, calleeRegsUsed: [true, true, false, false] as const };
  const thunk = x86Epilogue(frame, { ibt: false, returnThunk: true });
  assert.deepEqual(thunk.map((o) => o.text), ['pop r13', 'pop rbx', 'leave', 'jmp __x86_return_thunk']);
  const plain = x86Epilogue(frame, { ibt: false, returnThunk: false });
  assert.equal(plain.at(-1)?.cls, 'ret');
});
