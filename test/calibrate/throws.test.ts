import assert from 'node:assert/strict';
import { test } from 'node:test';
import { fitLine, modelThrowCosts, calibrateThrows } from '../../engine/calibrate/throw-calibration.ts';
import { buildThrowPrograms, throwProgram, THROW_COOKIE } from '../../engine/calibrate/throw-programs.ts';
import { cpuModelById } from '../../engine/cpus/index.ts';
import { instantiate, loadProgram } from '../../engine/exec/index.ts';
import { resolveKfuncCallsForKernel } from '../../engine/calibrate/kernel-kfuncs.ts';
import { DEFAULT_THROW_PARAMETERS } from '../../engine/timing/throw-cost.ts';
import { needKernel } from '../kernel/kernel-fixture.ts';

test('a line through exact points is recovered', () => {
  const fit = fitLine([1, 2, 3, 4], [7, 10, 13, 16]);
  assert.ok(Math.abs(fit.perUnit - 3) < 1e-9 && Math.abs(fit.fixed - 4) < 1e-9);
  assert.throws(() => fitLine([2, 2], [1, 3]), /distinct/);
});

test('throwing and returning programs both give the cookie on the executor, at every depth', () => {
  for (const { frames, throws, program } of buildThrowPrograms()) {
    const r = instantiate(loadProgram(program)).run({ ctx: new Uint8Array(64) });
    assert.equal(r.r0, BigInt(THROW_COOKIE), `${program.name}`);
    assert.equal(program.symbols?.size, frames);
    assert.equal(throws, program.name.startsWith('throw'));
  }
  assert.throws(() => throwProgram(9, true), /1\.\.8/);
});

test('the model charges each further BPF frame walked the same, and more ftrace ops cost more', () => {
  const zen3 = cpuModelById('zen3')!;
  const programs = buildThrowPrograms([1, 2, 4]);
  const base = modelThrowCosts(programs, zen3);
  const d12 = base.byDepth.get(2)! - base.byDepth.get(1)!;
  const d24 = (base.byDepth.get(4)! - base.byDepth.get(2)!) / 2;
  assert.ok(Math.abs(d12 - d24) < 0.05 * d12, `per-frame steps ${d12} and ${d24}`);
  const traced = modelThrowCosts(programs, zen3, { ...DEFAULT_THROW_PARAMETERS, ftraceOps: 40 });
  assert.ok(traced.perFrame > base.perFrame + 40, `${traced.perFrame} vs ${base.perFrame}`);
});

test('without a kernel the throw rows carry the model and say why they are unmeasured', async () => {
  const s = await calibrateThrows({ cpuModel: 'zen3', mitigations: 'default', tier: 'compiled', rounds: { loads: 1, runsPerLoad: 1, repeat: 1 } });
  assert.equal(s.kind, 'throws');
  assert.equal(s.rows.length, 10);
  for (const r of s.rows) {
    assert.equal(r.measured, undefined);
    assert.ok(r.model !== undefined && r.model > 0);
    assert.match(r.skipped ?? '', /unavailable/);
  }
});

test('every throw program loads into the running kernel and returns the cookie', async (t) => {
  const k = await needKernel(t);
  if (!k) return;
  for (const { program } of buildThrowPrograms([1, 8])) {
    const l = await k.load(await resolveKfuncCallsForKernel(program.insns), { progType: 'tc', name: program.name });
    if ('rejected' in l) assert.fail(`${program.name} rejected (${l.errno}):\n${l.log}`);
    assert.equal((await k.testRun(l, { repeat: 2 })).retval, THROW_COOKIE);
    await k.unload(l);
  }
});

test('on the running kernel every throw row is measured and the notes give the host parameters', async (t) => {
  const k = await needKernel(t);
  if (!k) return;
  const s = await calibrateThrows({ handle: k, cpuModel: 'zen3', mitigations: 'default', tier: 'compiled', rounds: { loads: 2, runsPerLoad: 1, repeat: 10, clockRuns: 1, clockRepeat: 10 } });
  for (const r of s.rows) {
    assert.equal(r.skipped, undefined, r.label);
    assert.equal(r.measured?.samples.length, 2, r.label);
    assert.equal(typeof r.pass, 'boolean');
  }
  assert.ok(s.notes.some((n) => /^This host: .*bpfKsyms=\d+/.test(n)));
  assert.ok(s.notes.some((n) => /cycles per frame in the model \(two list walks\)/.test(n)));
});
