import assert from 'node:assert/strict';
import { test } from 'node:test';
import { BpfError } from '../../engine/errors.ts';
import { CLASS, PSEUDO, decodeSlots, encodeProgram, type RawInsn } from '../../engine/isa/encoding.ts';
import { applyPatches, type Patch } from '../../engine/strategies/patch.ts';
import { callHelper, exit, jeqImm, lddw, mov64Imm } from '../../engine/strategies/emit.ts';
import type { Program } from '../../engine/program.ts';

const I = (opcode: number, fields: Partial<RawInsn> = {}): RawInsn => ({ opcode, dst: 0, src: 0, off: 0, imm: 0, ...fields });
const ja = (off: number): RawInsn => I(CLASS.JMP, { off });
const gotol = (imm: number): RawInsn => I(CLASS.JMP32, { imm });
const callLocal = (imm: number): RawInsn => I(CLASS.JMP | 0x80, { src: PSEUDO.CALL_LOCAL, imm });
const nop = (k: number): RawInsn => mov64Imm(0, k);
const prog = (insns: RawInsn[], symbols?: Map<number, string>): Program => ({ name: 't', source: 't.s', insns: encodeProgram(insns), maps: [], type: 'xdp', symbols });
const X1 = mov64Imm(9, 99); // an inserted marker instruction
const X2 = mov64Imm(9, 98);

/** Target slot of the jump/call at `slot` in `insns`. */
function targetOf(insns: RawInsn[], slot: number): number {
  const insn = insns[slot];
  const rel = insn.opcode === CLASS.JMP32 || (insn.opcode & 0xf0) === 0x80 || insn.opcode === 0x18 ? insn.imm : insn.off;
  return slot + rel + 1;
}

test('a forward jump across the patch point is lengthened by the inserted count', () => {
  const p = prog([jeqImm(1, 0, 2), callHelper(1), nop(1), exit()]);
  const r = applyPatches(p, [{ at: 1, role: 'site', after: [X1, X2] }]);
  const out = decodeSlots(r.program.insns);
  assert.equal(out.length, 6);
  assert.equal(out[0].off, 4);
  assert.deepEqual(out[targetOf(out, 0)], exit());
});

test('a backward jump across the patch point is lengthened the other way', () => {
  const p = prog([nop(1), callHelper(1), nop(2), ja(-4), exit()]);
  const r = applyPatches(p, [{ at: 1, role: 'site', after: [X1, X2, X1] }]);
  const out = decodeSlots(r.program.insns);
  assert.equal(out[6].off, -7);
  assert.deepEqual(out[targetOf(out, 6)], nop(1));
});

test('a jump to the patched slot lands on the start of its sequence', () => {
  const p = prog([ja(1), exit(), callHelper(1), exit()]);
  const r = applyPatches(p, [{ at: 2, role: 'site', before: [X1], after: [X2] }]);
  const out = decodeSlots(r.program.insns);
  assert.deepEqual(out[targetOf(out, 0)], X1);
});

test('jumps that do not cross a patch keep their offset', () => {
  const p = prog([jeqImm(1, 0, 1), nop(1), exit(), callHelper(1), exit()]);
  const out = decodeSlots(applyPatches(p, [{ at: 3, role: 'site', after: [X1] }]).program.insns);
  assert.equal(out[0].off, 1);
});

test('gotol (ja32) keeps its target through the 32-bit imm', () => {
  const p = prog([gotol(2), callHelper(1), nop(1), exit(), gotol(-5)]);
  const out = decodeSlots(applyPatches(p, [{ at: 1, role: 'site', after: [X1, X2] }]).program.insns);
  assert.equal(out[0].imm, 4);
  assert.deepEqual(out[targetOf(out, 0)], exit());
  assert.deepEqual(out[targetOf(out, 6)], gotol(4));
});

test('an lddw stays two adjacent slots and a patch after it follows both', () => {
  const [a, b] = lddw(1, 0x1122334455667788n);
  const p = prog([a, b, jeqImm(1, 0, 0), exit()]);
  const r = applyPatches(p, [{ at: 0, role: 'site', after: [X1] }]);
  const out = decodeSlots(r.program.insns);
  assert.deepEqual(out.slice(0, 3), [a, b, X1]);
  assert.deepEqual([...r.origin], [0, 1, -1, 2, 3]);
});

test('patching the second slot of an lddw is refused', () => {
  const [a, b] = lddw(1, 5n);
  assert.throws(() => applyPatches(prog([a, b, exit()]), [{ at: 1, role: 'site', after: [X1] }]), BpfError);
});

test('call local targets and the symbol table follow patches in earlier functions', () => {
  // main: 0 call f; 1 call g; 2 exit | f: 3 call 1; 4 exit | g: 5 call local f; 6 exit
  const p = prog([callLocal(2), callLocal(3), exit(), callHelper(1), exit(), callLocal(-3), exit()], new Map([[0, 'main'], [3, 'f'], [5, 'g']]));
  const r = applyPatches(p, [
    { at: 0, role: 'site', after: [X1] },
    { at: 3, role: 'site', after: [X1, X2] },
  ]);
  const out = decodeSlots(r.program.insns);
  assert.deepEqual([...r.program.symbols!.entries()], [[0, 'main'], [4, 'f'], [8, 'g']]);
  assert.equal(targetOf(out, 0), 4);
  assert.equal(targetOf(out, 2), 8);
  assert.equal(targetOf(out, 8), 4);
});

test('a BPF_PSEUDO_FUNC lddw keeps pointing at its subprogram', () => {
  const [a, b] = lddw(2, 0n);
  a.src = PSEUDO.LDDW_FUNC;
  a.imm = 4; // slot 0 + 4 + 1 = 5
  const p = prog([a, b, callHelper(181), nop(0), exit(), nop(1), exit()]);
  const r = applyPatches(p, [{ at: 2, role: 'site', after: [X1, X2] }]);
  const out = decodeSlots(r.program.insns);
  assert.equal(targetOf(out, 0), 7);
  assert.deepEqual(out[7], nop(1));
});

test('an entry prologue is reached by calls but skipped by jumps to the first slot', () => {
  // main: 0 call f; 1 exit | f: 2 nop; 3 jne ... back to 2; 4 exit
  const p = prog([callLocal(1), exit(), nop(5), I(CLASS.JMP | 0x50, { dst: 1, off: -2 }), exit()], new Map([[0, 'main'], [2, 'f']]));
  const r = applyPatches(p, [
    { at: 0, role: 'entry', before: [X1, X2] },
    { at: 2, role: 'entry', before: [X1] },
  ]);
  const out = decodeSlots(r.program.insns);
  assert.deepEqual(out.slice(0, 2), [X1, X2]);
  assert.equal(targetOf(out, 2), 4, 'call lands on the prologue');
  assert.deepEqual(out[4], X1);
  assert.equal(targetOf(out, 6), 5, 'loop back-edge lands after the prologue');
  assert.deepEqual(r.program.symbols!.get(4), 'f');
});

test('an entry prologue and a site patch on one slot compose: prologue, then site', () => {
  const p = prog([callHelper(1), exit()]);
  const r = applyPatches(p, [
    { at: 0, role: 'site', after: [X2], tag: 7 },
    { at: 0, role: 'entry', before: [X1], tag: -2 },
  ]);
  assert.deepEqual(decodeSlots(r.program.insns), [X1, callHelper(1), X2, exit()]);
  assert.deepEqual([...r.tag], [-2, -1, 7, -1]);
  assert.deepEqual([...r.origin], [-1, 0, -1, 1]);
});

test('a replaced instruction is dropped and jumps to it land on the replacement', () => {
  const p = prog([ja(0), callHelper(1), exit()]);
  const r = applyPatches(p, [{ at: 1, role: 'site', replace: [X1, exit()] }]);
  assert.deepEqual(decodeSlots(r.program.insns), [ja(0), X1, exit(), exit()]);
});

test('a patch that pushes a 16-bit jump offset out of range is a BpfError', () => {
  const body: RawInsn[] = [ja(32766)];
  body.push(callHelper(1));
  for (let i = 0; i < 32765; i++) body.push(nop(0));
  body.push(exit());
  const p = prog(body);
  assert.equal(decodeSlots(applyPatches(p, [{ at: 1, role: 'site', after: [X1] }]).program.insns)[0].off, 32767);
  assert.throws(
    () => applyPatches(p, [{ at: 1, role: 'site', after: [X1, X2] }]),
    (e: unknown) => e instanceof BpfError && e.where.pc === 0 && /16 bits/.test(e.message),
  );
});

test('a batch of patches equals applying them one at a time from the end', () => {
  const base = [jeqImm(1, 0, 5), callHelper(1), nop(1), callHelper(2), ja(-4), callHelper(3), gotol(-7), exit()];
  const patches: Patch[] = [
    { at: 1, role: 'site', after: [X1] },
    { at: 3, role: 'site', before: [X2], after: [X1, X1] },
    { at: 5, role: 'site', after: [X2, X2, X2] },
  ];
  const batch = applyPatches(prog(base), patches).program.insns;
  let one = prog(base);
  for (const p of [...patches].reverse()) one = applyPatches(one, [p]).program;
  assert.deepEqual(decodeSlots(batch), decodeSlots(one.insns));
});
