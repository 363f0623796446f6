import assert from 'node:assert/strict';
import { test } from 'node:test';
import { lookupSpec } from '../../engine/isa/opcodes.ts';
import { INSN_SIZE, readInsn } from '../../engine/isa/encoding.ts';
import { executorSubject } from '../../engine/fuzz/differential.ts';
import { checkObservable } from '../../engine/fuzz/observable-check.ts';
import { generateProgram } from '../../engine/fuzz/program-generator.ts';
import { deriveSeed } from '../../engine/random.ts';

const SEEDS = Array.from({ length: 300 }, (_, i) => deriveSeed(42, i));

test('the same seed generates the same program', () => {
  const a = generateProgram(1234);
  const b = generateProgram(1234);
  assert.deepEqual(a.insns, b.insns);
  assert.deepEqual(a.map.initialValue, b.map.initialValue);
  assert.notDeepEqual(generateProgram(1235).insns, a.insns);
});

test('generated programs load and run on the executor', () => {
  for (const seed of SEEDS) {
    const g = generateProgram(seed);
    assert.doesNotThrow(() => executorSubject(g), `seed ${seed}`);
  }
});

test('generated programs keep their output independent of addresses and stack garbage', () => {
  for (const seed of SEEDS) {
    const g = generateProgram(seed);
    assert.deepEqual(checkObservable(g.insns, g.map.valueSize), { ok: true }, `seed ${seed}`);
  }
});

test('generated programs cover the v4 and atomic instructions', () => {
  const seen = new Set<string>();
  for (const seed of SEEDS) {
    const { insns } = generateProgram(seed);
    for (let pc = 0; pc < insns.length / INSN_SIZE; pc++) {
      const i = readInsn(insns, pc);
      const spec = lookupSpec(i.opcode, i.src, i.off, i.imm);
      if (spec) seen.add(spec.mnemonic + '/' + spec.form);
    }
  }
  for (const m of ['sdiv/dst,src', 'smod32/dst,imm', 'movsx864/dst,src', 'bswap64/dst', 'ldxsh/load', 'lock cmpxchg/atomic', 'lock fetch add32/atomic', 'call/local', 'call/helper', 'ja32/imm-target', 'jslt32/dst,src,off', 'div/dst,src']) {
    assert.ok(seen.has(m), `no ${m} in 300 programs`);
  }
});
