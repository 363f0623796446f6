import assert from 'node:assert/strict';
import { test } from 'node:test';
import { assemble } from '../../engine/asm/assembler.ts';
import { assembleProgram } from '../../engine/asm/to-program.ts';
import { BpfError } from '../../engine/errors.ts';
import { hexBytes } from '../../engine/hex.ts';
import { readInsn } from '../../engine/isa/encoding.ts';
import { KFUNC_ID } from '../../engine/isa/internal-ids.ts';
import { lookupSpec, OPCODES, type OpSpec } from '../../engine/isa/opcodes.ts';

const one = (text: string) => hexBytes(assemble(text).insns);

function throwsParse(text: string, detail: string | RegExp, line?: number): void {
  assert.throws(
    () => assemble(text, 'prog.s'),
    (e: unknown) => {
      assert.ok(e instanceof BpfError, `not a BpfError: ${String(e)}`);
      assert.equal(e.kind, 'parse');
      assert.equal(e.where.file, 'prog.s');
      if (line !== undefined) assert.equal(e.where.line, line);
      if (typeof detail === 'string') assert.equal(e.detail, detail);
      else assert.match(e.detail, detail);
      return true;
    },
  );
}

test('ALU forms encode register, immediate and variant fields', () => {
  assert.equal(one('add32 %r0, 1'), '0400000001000000');
  assert.equal(one('add %r1, %r2'), '0f21000000000000');
  assert.equal(one('neg %r3'), '8703000000000000');
  assert.equal(one('be16 %r0'), 'dc00000010000000');
  assert.equal(one('le64 %r2'), 'd402000040000000');
  assert.equal(one('bswap32 %r1'), 'd701000020000000');
  assert.equal(one('sdiv32 %r0, 3'), '3400010003000000');
  assert.equal(one('smod %r4, %r5'), '9f54010000000000');
  assert.equal(one('div %r0, %r1'), '3f10000000000000');
  assert.equal(one('movsx1664 %r1, %r2'), 'bf21100000000000');
  assert.equal(one('mov %r1, %r2'), 'bf21000000000000');
});

test('swap16/32/64 are spellings of bswap', () => {
  assert.equal(one('swap64 %r7'), one('bswap64 %r7'));
  assert.equal(one('swap16 %r7'), 'd707000010000000');
});

test('jumps take labels or signed slot counts', () => {
  assert.equal(one('jeq %r1, 5, +2'), '1501020005000000');
  assert.equal(one('jne32 %r1, %r2, -1'), '5e21ffff00000000');
  assert.equal(one('ja +0'), '0500000000000000');
  assert.equal(one('ja32 +1'), '0600000001000000');
  const { insns, labels } = assemble('top:\n  jgt %r1, %r2, done\n  ja top\ndone: exit');
  assert.equal(hexBytes(insns), '2d21010000000000' + '0500feff00000000' + '9500000000000000');
  assert.deepEqual([...labels], [['top', 0], ['done', 2]]);
});

test('ja32 puts the label distance in imm', () => {
  assert.equal(hexBytes(assemble('ja32 L\nexit\nL: exit').insns).slice(0, 16), '0600000001000000');
});

test('exit as a jump target means the first exit unless a label is called exit', () => {
  const implicit = assemble('jne %r0, 0, exit\nmov %r0, 1\nexit\nexit').insns;
  assert.equal(readInsn(implicit, 0).off, 1);
  const explicit = assemble('jne %r0, 0, exit\nexit\nexit:\nexit').insns;
  assert.equal(readInsn(explicit, 0).off, 1);
});

test('call forms: helper, local, kfunc by id or name, and callx with the register in dst', () => {
  assert.equal(one('call 5'), '8500000005000000');
  assert.equal(one('call helper 5'), '8500000005000000');
  assert.equal(one('call kfunc 0x10001'), '8520000001000100');
  assert.equal(one('call kfunc bpf_throw'), one(`call kfunc ${KFUNC_ID.bpf_throw}`));
  assert.equal(one('call runtime 7'), '8520000007000000');
  assert.equal(one('call %r2'), '8d02000000000000');
  const local = assemble('call local f\nexit\nf: mov %r0, 1\nexit').insns;
  assert.equal(hexBytes(local).slice(0, 16), '8510000001000000');
});

test('lddw takes two slots holding the low and high words', () => {
  assert.equal(one('lddw %r0, 0x1122334455667788'), '1800000088776655' + '0000000044332211');
  assert.equal(one('lddw %r1, -1'), '18010000ffffffff' + '00000000ffffffff');
  assert.equal(one('lddw %r1, 18446744073709551615'), one('lddw %r1, -1'));
});

test('loads and stores use [reg+off] memory operands', () => {
  assert.equal(one('ldxw %r0, [%r1+4]'), '6110040000000000');
  assert.equal(one('ldxdw %r0, [%r1]'), '7910000000000000');
  assert.equal(one('ldxsb %r0, [%r1-2]'), '9110feff00000000');
  assert.equal(one('stw [%r10-4], 7'), '620afcff07000000');
  assert.equal(one('stxdw [%r10-8], %r1'), '7b1af8ff00000000');
  assert.equal(one('stxb [ %r10 - 8 ], %r1'), '731af8ff00000000');
  assert.equal(one('ldabsw 12'), '200000000c000000');
  assert.equal(one('ldindh %r1, 12'), '481000000c000000');
});

test('atomics: lock [fetch] op[32] [dst+off], src', () => {
  assert.equal(one('lock add [%r10-8], %r1'), 'db1af8ff00000000');
  assert.equal(one('lock fetch xor32 [%r10-4], %r2'), 'c32afcffa1000000');
  assert.equal(one('lock cmpxchg [%r10-8], %r1'), 'db1af8fff1000000');
  assert.equal(one('lock xchg32 [%r1], %r3'), 'c3310000e1000000');
});

test('immediates: decimal is signed 32-bit, hex is the 32-bit pattern', () => {
  assert.equal(one('mov32 %r0, 0xffffffff'), one('mov32 %r0, -1'));
  assert.equal(one('mov %r0, -2147483648'), 'b700000000000080');
  assert.equal(one('mov %r0, 2147483647'), 'b7000000ffffff7f');
  assert.equal(one('mov %r0, -0x80000000'), 'b700000000000080');
});

test('comments, blank lines, labels on the same line and .raw words are accepted', () => {
  const text = '# leading comment\n\nstart: mov %r0, 1 # trailing\n.raw 0x0000000000000095\n';
  assert.equal(one(text), 'b700000001000000' + '9500000000000000');
});

test('every opcode-table row is reachable from its mnemonic', () => {
  const sample: Record<OpSpec['form'], string> = {
    'dst,src': '%r1, %r2',
    'dst,imm': '%r1, 3',
    dst: '%r1',
    'dst,src,off': '%r1, %r2, +1',
    'dst,imm,off': '%r1, 3, +1',
    off: '+1',
    'imm-target': '+1',
    helper: '',
    local: '',
    kfunc: '',
    callx: '',
    none: '',
    lddw: '%r1, 3',
    load: '%r1, [%r2+4]',
    'store-imm': '[%r1+4], 3',
    'store-reg': '[%r1+4], %r2',
    atomic: '[%r1+4], %r2',
    ldabs: '12',
    ldind: '%r1, 12',
  };
  const calls: Partial<Record<OpSpec['form'], string>> = { helper: 'call 1', local: 'call local +0', kfunc: 'call kfunc 1', callx: 'call %r1' };
  for (const spec of OPCODES) {
    const text = calls[spec.form] ?? `${spec.mnemonic} ${sample[spec.form]}`;
    const insn = readInsn(assemble(text).insns, 0);
    assert.equal(lookupSpec(insn.opcode, insn.src, insn.off, insn.imm), spec, text);
  }
});

test('unknown mnemonics are parse errors naming the file and line', () => {
  throwsParse('exit\nldxq %r0, %r1', "unknown mnemonic 'ldxq'", 2);
  throwsParse('lock nand [%r1], %r2', "unknown mnemonic 'lock nand'");
});

test('registers outside r0..r10 are rejected', () => {
  throwsParse('mov %r11, 1', "invalid register '%r11'");
  throwsParse('or %r0, %r50', "invalid register '%r50'");
  throwsParse('ldxw %r0, [r1+4]', "invalid register 'r1'");
});

test('undefined and duplicate labels are rejected', () => {
  throwsParse('ja NOT_A_LABEL\nexit', "label 'NOT_A_LABEL' is not defined", 1);
  throwsParse('a: exit\na: exit', "label 'a' is already defined at line 1", 2);
  throwsParse('call local nowhere', "label 'nowhere' is not defined");
});

test('immediates and offsets must fit their fields exactly', () => {
  throwsParse('mov32 %r0, 2147483648', 'immediate 2147483648 does not fit in 32 bits');
  throwsParse('mov32 %r0, 0x100000000', 'immediate 0x100000000 does not fit in 32 bits');
  throwsParse('mov32 %r0, -2147483649', 'immediate -2147483649 does not fit in 32 bits');
  throwsParse('ldxb %r0, [%r1+0x10000]', /offset \+0x10000 does not fit in 16 bits/);
  throwsParse('ldxb %r0, [%r1+32768]', /does not fit in 16 bits/);
  throwsParse('ja +32768', /does not fit in 16 bits/);
  throwsParse('mov %r0, twelve', "invalid immediate 'twelve'");
  throwsParse('lddw %r0, 0x10000000000000000', /does not fit in 64 bits/);
});

test('a label too far for a 16-bit offset is rejected', () => {
  throwsParse('ja far\n' + 'exit\n'.repeat(40000) + 'far: exit', /beyond the 16-bit offset/, 1);
});

test('wrong operand counts and shapes are rejected', () => {
  throwsParse('lddw %r0', 'invalid number of operands for lddw: expected 2, got 1');
  throwsParse('lock or [%r10-8]', /^invalid number of operands for lock or/);
  throwsParse('lock', /^invalid number of operands for lock/);
  throwsParse('exit %r0', /^invalid number of operands for exit/);
  throwsParse('ldxb %r0, %r1', "expected a memory operand like [%r1+4], got '%r1'");
  throwsParse('stw [%r1], %r2', "expected an immediate, got '%r2'");
  throwsParse('call', /^invalid number of operands for call/);
  throwsParse('call far 1', "unknown call kind 'far' (expected helper, local or kfunc)");
  throwsParse('ja 12', /invalid jump target '12'/);
});

test('unknown directives and malformed .raw lines are rejected', () => {
  throwsParse('.word 1', "unknown directive '.word'");
  throwsParse('.raw 95', /^\.raw takes one hex 64-bit word/);
});

test('errors count lines from firstLine when the text is cut from a larger file', () => {
  assert.throws(() => assemble('exit\nbogus', 'x.data', { firstLine: 10 }), (e: unknown) => e instanceof BpfError && e.where.line === 11);
});

test('a program names slot 0 and every local-call target, not plain jump labels', () => {
  const p = assembleProgram('call local helper_fn\nja out\nout: exit\nhelper_fn: mov %r0, 1\nexit', { name: 'main', source: 't.s' });
  assert.deepEqual([...(p.symbols ?? [])], [[0, 'main'], [3, 'helper_fn']]);
  assert.equal(p.type, 'raw');
  assert.deepEqual(p.maps, []);
  assert.equal(p.insns.length, 5 * 8);
});
