import assert from 'node:assert/strict';
import { test } from 'node:test';
import { buildVariants } from '../../engine/calibrate/programs.ts';
import { predictVariants, type CycleCounter, type TimingModelFactory } from '../../engine/calibrate/model.ts';

/** A test double that charges one "cycle" per executed instruction, so the reduction
 * (variant − none) / N can be checked against instruction counts worked out by hand. */
const perInsn: TimingModelFactory = () => {
  let n = 0;
  const c: CycleCounter = {
    insn: () => void n++,
    startInvocation: () => undefined,
    endInvocation: () => undefined,
    call: () => undefined,
    exit: () => undefined,
    totalCycles: () => n,
  };
  return c;
};

test('predicted cycles per site are the per-run difference from the baseline divided by N', () => {
  const n = 32;
  const variants = buildVariants(n, ['subprog'], ['none', 'stack', 'aux', 'call']);
  const p = predictVariants(variants, 'zen5', perInsn, { warmRuns: 1, countedRuns: 2 }, ['additive']);
  const site = (s: string) => p.find((x) => x.strategy === s)!;
  assert.equal(site('none').cyclesPerSite, 0);
  // stack: ldxdw, ldxb, jeq per site; entry lddw, stxdw, stb once per run.
  assert.equal(site('stack').cyclesPerSite, 3 + 3 / n);
  // aux: lddw, ldxb, jeq per site; entry lddw, stb.
  assert.equal(site('aux').cyclesPerSite, 3 + 2 / n);
  // call: stxdw, call, jne, ldxdw per site; entry call.
  assert.equal(site('call').cyclesPerSite, 4 + 1 / n);
  for (const x of p) assert.equal(x.r0, site('none').r0);
});

test('a timing model whose count does not grow across runs is reported, not divided by', () => {
  const frozen: TimingModelFactory = () => ({
    insn: () => undefined,
    call: () => undefined,
    exit: () => undefined,
    startInvocation: () => undefined,
    endInvocation: () => undefined,
    totalCycles: () => 0,
  });
  assert.throws(() => predictVariants(buildVariants(4, ['helper'], ['none']), 'zen5', frozen, {}, ['ooo']), /accumulate over runs/);
});

test('an unknown CPU model is a usage error', () => {
  assert.throws(() => predictVariants(buildVariants(4, ['helper'], ['none']), 'pentium4', perInsn), /unknown --cpu-model 'pentium4'/);
});
