import assert from 'node:assert/strict';
import { test } from 'node:test';
import { INSN_SIZE, readInsn } from '../../engine/isa/encoding.ts';
import { assemble } from '../../engine/asm/assembler.ts';
import { disassemble } from '../../engine/asm/disassembler.ts';
import { parseDataFile } from '../../engine/asm/data-file.ts';
import { deleteInstructions, instructionStarts } from '../../engine/fuzz/delete-slots.ts';
import { executorSubject, runDifferential, subjectReferee, type Subject } from '../../engine/fuzz/differential.ts';
import { formatDivergence } from '../../engine/fuzz/divergence-file.ts';
import { minimiseFailure } from '../../engine/fuzz/kernel-campaign.ts';
import { generateProgram } from '../../engine/fuzz/program-generator.ts';
import { deriveSeed } from '../../engine/random.ts';

const XOR64_REG = 0xaf;
const OR64_REG = 0x4f;

/** An executor with a planted bug: 64-bit `xor dst, src` runs as `or`. */
const buggy: Subject = (c) => {
  const insns = c.insns.slice();
  for (let pc = 0; pc < insns.length / INSN_SIZE; pc++) if (insns[pc * INSN_SIZE] === XOR64_REG) insns[pc * INSN_SIZE] = OR64_REG;
  return executorSubject({ ...c, insns });
};

test('deleting an instruction re-aims the jumps across it', () => {
  const { insns } = assemble('mov %r0, 0\njeq %r0, 0, done\nmov %r0, 1\nmov %r0, 2\ndone:\nexit');
  const out = deleteInstructions(insns, new Set([2]));
  assert.ok(out);
  assert.equal(disassemble(out), disassemble(assemble('mov %r0, 0\njeq %r0, 0, done\nmov %r0, 2\ndone:\nexit').insns));
});

test('deleting a jump target makes the jump land on the next instruction', () => {
  const { insns } = assemble('ja +1\nmov %r0, 1\nmov %r0, 2\nexit');
  const out = deleteInstructions(insns, new Set([2]));
  assert.ok(out);
  assert.equal(readInsn(out, 0).off, 1);
  assert.equal(instructionStarts(out).length, 3);
});

test('the minimiser shrinks a planted divergence to a small program', async () => {
  const referee = subjectReferee(executorSubject);
  let found: ReturnType<typeof generateProgram> | undefined;
  for (let i = 0; i < 200 && !found; i++) {
    const g = generateProgram(deriveSeed(9, i));
    if ((await runDifferential(g, referee, buggy)).kind === 'diverge') found = g;
  }
  assert.ok(found, 'no generated program exposed the planted xor bug');
  const m = await minimiseFailure(found, 'diverge', referee, buggy, 2000);
  const v = await runDifferential({ ...found, insns: m.insns }, referee, buggy);
  assert.equal(v.kind, 'diverge');
  const slots = m.insns.length / INSN_SIZE;
  assert.ok(slots <= 12, `minimised to ${slots} slots:\n${disassemble(m.insns)}`);
  assert.ok(slots < found.insns.length / INSN_SIZE);
  assert.ok([...Array(slots).keys()].some((pc) => m.insns[pc * INSN_SIZE] === XOR64_REG), 'the xor was minimised away');
});

test('a divergence file reads back as a .data file with the same program', () => {
  const g = generateProgram(5);
  const obs = executorSubject(g);
  const text = formatDivergence({ c: g, seed: 5, refereeName: 'test', referee: obs, subject: obs, differences: ['r0'], originalSlots: g.insns.length / 8 });
  const d = parseDataFile(text, 'x.data');
  assert.ok(d.asm);
  assert.deepEqual(assemble(d.asm.value).insns, g.insns);
  assert.equal(d.result?.value, obs.r0);
});
