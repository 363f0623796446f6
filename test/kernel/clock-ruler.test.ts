import assert from 'node:assert/strict';
import { test } from 'node:test';
import { decodeSlots } from '../../engine/isa/encoding.ts';
import { lookupSpec } from '../../engine/isa/opcodes.ts';
import { addChainProgram, measureClock } from '../../engine/kernel/clock-ruler.ts';
import { exit, movImm, program } from '../../engine/kernel/insn-builder.ts';
import { timeProgram } from '../../engine/kernel/time-program.ts';
import { needKernel } from './kernel-fixture.ts';

test('the ruler chain is one context load, a zeroing mov, N dependent register adds and exit', () => {
  const slots = decodeSlots(addChainProgram(5));
  const names = slots.map((s) => lookupSpec(s.opcode, s.src, s.off, s.imm)?.mnemonic);
  assert.deepEqual(names, ['ldxw', 'mov', 'add', 'add', 'add', 'add', 'add', 'exit']);
  for (const add of slots.slice(2, 7)) assert.deepEqual([add.dst, add.src], [0, 2]);
});

test('the clock ruler reports a plausible core frequency with its spread', async (t) => {
  const k = await needKernel(t);
  if (!k) return;
  const c = await measureClock(k, { loads: 3, runsPerLoad: 3, repeat: 300 });
  // A sanity range for any machine that runs this suite, not a timing assertion.
  assert.ok(c.ghz > 0.5 && c.ghz < 6, `measured ${c.ghz} GHz`);
  assert.equal(c.samples.length, 3);
  assert.ok(c.min <= c.ghz && c.ghz <= c.max);
  assert.ok(c.chainNs > c.emptyNs);
  assert.ok(c.fromFastest > 0.5 && c.fromFastest < 6, `fastest-run estimate ${c.fromFastest} GHz`);
  assert.ok(c.cpu.label.length > 0);
});

test('timeProgram times every load and keeps the program result', async (t) => {
  const k = await needKernel(t);
  if (!k) return;
  const r = await timeProgram(k, program(movImm(0, 7), exit()), { repeat: 1000, loads: 3, runsPerLoad: 2 });
  assert.equal(r.retval, 7);
  assert.equal(r.perLoadNs.length, 3);
  assert.equal(r.runsNs.flat().length, 6);
  assert.equal(new Set(r.progIds).size, 3, 'each load is a new kernel program');
  assert.ok(r.minNs <= r.medianNs && r.medianNs <= r.maxNs);
  assert.ok(r.minNs > 0);
});

test('timeProgram turns a verifier rejection into a BpfError', async (t) => {
  const k = await needKernel(t);
  if (!k) return;
  await assert.rejects(timeProgram(k, program(exit()), { repeat: 1, loads: 1, runsPerLoad: 1, name: 'noret' }), /noret: kernel rejected the program \(EACCES\).*R0 !read_ok/);
});
