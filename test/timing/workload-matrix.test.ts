// Every built-in workload under every strategy times on every CPU model: no helper, kfunc
// or rewrite the workloads use lacks a cost on some ISA.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { readProgramInput } from '../../engine/inputs/program-input.ts';
import { loadCatalog } from '../../engine/cli/workload-catalog.ts';
import { CPU_MODELS } from '../../engine/cpus/index.ts';
import { runExperiment } from '../../engine/experiment/index.ts';
import { STRATEGY_NAMES } from '../../engine/strategies/index.ts';

for (const w of loadCatalog()) {
  test(`${w.name} times under every strategy on every CPU model`, () => {
    const input = readProgramInput(w.file, { section: w.section, ctx: w.context });
    const runs = runExperiment({
      program: input.program, ctx: input.ctx, helperSet: input.helperSet, workloadName: w.name,
      strategies: STRATEGY_NAMES, cpuModels: CPU_MODELS.map((c) => c.id), cpus: 1, invocations: 2,
      seed: 1, throwRate: 0, throwKnob: w.throwKnob, sites: 'auto', model: 'ooo',
    });
    assert.equal(runs.length, STRATEGY_NAMES.length * CPU_MODELS.length);
    for (const r of runs) {
      const what = `${w.name} ${r.strategy} on ${r.cpuModel}`;
      assert.ok(Number.isFinite(r.cycles.perInvocation) && r.cycles.perInvocation > 0, `${what}: ${r.cycles.perInvocation}`);
      assert.ok(!r.caveats.some((c) => /transcribed for x86-64/.test(c)), what);
    }
  });
}
