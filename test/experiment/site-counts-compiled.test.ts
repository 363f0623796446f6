// Per-site attribution under the additive model on the compiled tier: the tier folds block
// counts (SlotCostFolding) and SiteCounter derives each call site's executions from them,
// so the run must take the compiled path and still give the interpreter's figures exactly.
// The out-of-order model, which wants every instruction, runs the traced generated code
// and must give the interpreter's figures too.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { resolveWorkload, type ResolvedWorkload } from '../../benchmarks/bench/workloads.ts';
import { loadCatalog } from '../../engine/cli/workload-catalog.ts';
import { cpuModelById } from '../../engine/cpus/index.ts';
import type { CpuModel } from '../../engine/cpus/cpu-model.ts';
import { compiledTierSettings, type ExecutionTier } from '../../engine/exec/index.ts';
import { measureStrategy, type Measurement } from '../../engine/experiment/measure.ts';
import { applyThrowRate } from '../../engine/inputs/throw-knob.ts';
import { STRATEGY_NAMES } from '../../engine/strategies/index.ts';
import { resolveSites } from '../../engine/strategy-run.ts';
import type { TimingModelKind } from '../../engine/timing/timing-model.ts';

// Generated code from the first instruction (by default a program is interpreted until
// it has run two million instructions, longer than these runs).
compiledTierSettings.compileAfter = 0;

const zen5 = cpuModelById('zen5') as CpuModel;
const neoverseV2 = cpuModelById('neoverse-v2') as CpuModel;

interface Case {
  label: string;
  workload: ResolvedWorkload;
  program: ResolvedWorkload['program'];
}

/** Every workload (and two call-density points) at each of its throw rates. */
function cases(): Case[] {
  const workloads = loadCatalog().map((w) => resolveWorkload({ kind: 'catalog', name: w.name }));
  for (const d of [4, 32]) workloads.push(resolveWorkload({ kind: 'call-density', nominalCallsPer100Insns: d }));
  return workloads.flatMap((w) =>
    w.throwKnob
      ? [0, 0.5, 1].map((rate) => ({ label: `${w.name} throw rate ${rate}`, workload: w, program: applyThrowRate(w.program, w.throwKnob!, rate) }))
      : [{ label: w.name, workload: w, program: w.program }],
  );
}

function measure(c: Case, strategy: string, cpu: CpuModel, model: TimingModelKind, tier: ExecutionTier): Measurement {
  const w = c.workload;
  return measureStrategy({ program: c.program, ctx: w.ctx, helperSet: w.helperSet, strategy, cpu, model, sites: resolveSites({ sites: 'auto', program: c.program }), invocations: 6, seed: 7, tier });
}

/** What a run record is made of, per site and per slot: must be === under both tiers. */
function differences(label: string, a: Measurement, b: Measurement): string[] {
  const out: string[] = [];
  const same = (what: string, x: ArrayLike<number>, y: ArrayLike<number>): void => {
    if (x.length !== y.length) out.push(`${label}: ${what}: length ${x.length} vs ${y.length}`);
    for (let i = 0; i < x.length; i++) if (x[i] !== y[i]) out.push(`${label}: ${what}[${i}]: ${x[i]} vs ${y[i]}`);
  };
  same('siteExecutions', a.siteExecutions, b.siteExecutions);
  same('byPc', a.byPc, b.byPc);
  same('cyclesPerInvocation', [a.cyclesPerInvocation, a.warmupCycles, a.insnsExecuted], [b.cyclesPerInvocation, b.warmupCycles, b.insnsExecuted]);
  if (JSON.stringify(a.outcomes, (_k, v: unknown) => (typeof v === 'bigint' ? v.toString() : v)) !== JSON.stringify(b.outcomes, (_k, v: unknown) => (typeof v === 'bigint' ? v.toString() : v))) out.push(`${label}: outcomes differ`);
  return out;
}

test('under the additive model every workload and strategy runs compiled and gives the interpreter\'s site executions and per-slot cycles exactly', () => {
  const diffs: string[] = [];
  let sitesRun = 0;
  let measured = 0;
  const cs = cases();
  for (const c of cs) {
    for (const strategy of STRATEGY_NAMES) {
      // The CPU models take turns, so both ISAs' cost tables are folded.
      const cpu = measured++ % 2 === 0 ? zen5 : neoverseV2;
      const label = `${c.label} under ${strategy} on ${cpu.id}`;
      const ref = measure(c, strategy, cpu, 'additive', 'interpreter');
      const compiled = measure(c, strategy, cpu, 'additive', 'compiled');
      diffs.push(...differences(label, ref, compiled));
      assert.equal(ref.insnsInterpreted, ref.insnsExecuted, `${label}: the interpreter tier interprets everything`);
      assert.equal(compiled.insnsInterpreted, 0, `${label}: ${compiled.insnsInterpreted} of ${compiled.insnsExecuted} instructions interpreted`);
      sitesRun += compiled.siteExecutions.reduce((s, n) => s + n, 0);
    }
  }
  assert.ok(cs.length >= 8, `${cs.length} cases`);
  assert.ok(sitesRun > 1000, `only ${sitesRun} site executions: the sites are not exercised`);
  assert.deepEqual(diffs.slice(0, 20), []);
});

test('under the out-of-order model, which wants every instruction, every workload runs compiled (traced) and gives the interpreter\'s site executions and per-slot cycles exactly', () => {
  const diffs: string[] = [];
  let measured = 0;
  for (const c of cases()) {
    // Strategies and CPU models take turns: the ooo model costs more per run.
    const strategy = STRATEGY_NAMES[measured % STRATEGY_NAMES.length];
    const cpu = measured++ % 2 === 0 ? zen5 : neoverseV2;
    const label = `${c.label} under ${strategy} on ${cpu.id}`;
    const ref = measure(c, strategy, cpu, 'ooo', 'interpreter');
    const compiled = measure(c, strategy, cpu, 'ooo', 'compiled');
    diffs.push(...differences(label, ref, compiled));
    assert.ok(compiled.insnsExecuted > 0);
    assert.equal(compiled.insnsInterpreted, 0, `${label}: ${compiled.insnsInterpreted} of ${compiled.insnsExecuted} instructions interpreted`);
  }
  assert.deepEqual(diffs.slice(0, 20), []);
});
