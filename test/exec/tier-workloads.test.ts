// The compiled tier against the interpreter on every built-in workload (and the generated
// call-density workload) under every strategy's rewrite, with throws at several rates so
// bpf_throw and the unwinding paths run.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { resolveWorkload, type ResolvedWorkload } from '../../benchmarks/bench/workloads.ts';
import { loadCatalog } from '../../engine/cli/workload-catalog.ts';
import type { ExecutionTier } from '../../engine/exec/index.ts';
import type { LoadedProgram } from '../../engine/exec/decoded.ts';
import { helpersFor } from '../../engine/experiment/measure.ts';
import { rewriteFor } from '../../engine/strategy-run.ts';
import { resolveSites } from '../../engine/strategy-run.ts';
import { applyThrowRate } from '../../engine/inputs/throw-knob.ts';
import { STRATEGY_NAMES } from '../../engine/strategies/index.ts';
import { diffTierRuns, runUnderTier, type TierComparison, type TierRun } from './tier-compare.ts';
import { allTimingProbes, countsProbe, LlcPerTier, memoryAtEventsProbe, timingProbe, traceProbe, zen5 } from './tier-probes.ts';

interface Case {
  label: string;
  strategy: string;
  comparison: TierComparison;
  exceptionBoundary: boolean;
}

/** Every workload, at each of its throw rates, under every strategy. */
function cases(): Case[] {
  const workloads: ResolvedWorkload[] = loadCatalog().map((w) => resolveWorkload({ kind: 'catalog', name: w.name }));
  for (const d of [4, 32]) workloads.push(resolveWorkload({ kind: 'call-density', nominalCallsPer100Insns: d }));
  const out: Case[] = [];
  for (const w of workloads) {
    const helpers = helpersFor(w.helperSet);
    const variants = w.throwKnob ? [0, 0.5, 1].map((rate) => ({ rate, program: applyThrowRate(w.program, w.throwKnob!, rate) })) : [{ rate: undefined, program: w.program }];
    for (const v of variants) {
      const sites = resolveSites({ sites: 'auto', program: v.program });
      for (const strategy of STRATEGY_NAMES) {
        const rw = rewriteFor(v.program, strategy, sites, helpers);
        const label = `${w.name}${v.rate === undefined ? '' : ` throw rate ${v.rate}`} under ${strategy}`;
        const invocations = Array.from({ length: 5 }, () => ({ ctx: w.ctx }));
        out.push({ label, strategy, exceptionBoundary: rw.exceptionBoundary, comparison: { program: rw.program, helpers, seed: 7, invocations } });
      }
    }
  }
  return out;
}

const CASES = cases();

/** Both tiers' differences go to `diffs`; returns both runs (the interpreter's first). */
function both(c: TierComparison, label: string, diffs: string[]): [TierRun, TierRun] {
  const ref = runUnderTier('interpreter', c);
  const compiled = runUnderTier('compiled', c);
  for (const d of diffTierRuns(ref, compiled)) diffs.push(`${label}: ${d}`);
  return [ref, compiled];
}

const diff = (c: TierComparison, label: string, diffs: string[]): TierRun => both(c, label, diffs)[0];

test('every workload under every strategy gives identical results, memory, call counts and cycles of both timing models on zen5 and neoverse-v2', () => {
  const diffs: string[] = [];
  let thrown = 0;
  let framesUnwound = 0;
  const llc = new LlcPerTier();
  for (const c of CASES) {
    const probes = (loaded: LoadedProgram, tier: ExecutionTier) => ({ counts: countsProbe(loaded), ...allTimingProbes(loaded, c.exceptionBoundary, { tier, llc }) });
    const ref = diff({ ...c.comparison, probes }, c.label, diffs);
    for (const inv of ref.invocations) {
      assert.equal(inv.outcome, 'result', `${c.label}: ${inv.error?.message}`);
      if (inv.thrown) thrown++;
      if (inv.thrown && inv.thrown.frames > 1) framesUnwound++;
    }
  }
  assert.ok(CASES.length >= 40, `${CASES.length} cases`);
  // none and unwind unwind on bpf_throw; the other strategies return through their checks.
  assert.ok(thrown >= 12, `only ${thrown} invocations unwound: the throw paths are not exercised`);
  assert.ok(framesUnwound >= 12, `only ${framesUnwound} unwinds crossed subprogram frames`);
  assert.deepEqual(diffs.slice(0, 20), []);
});

test('every workload under every strategy emits the same observer event stream (and memory at each access\'s event) under both tiers, the compiled tier running generated code throughout', () => {
  const diffs: string[] = [];
  let unwinds = 0;
  let callbacks = 0;
  for (const c of CASES) {
    const [ref, compiled] = both({ ...c.comparison, probes: (_loaded, _tier, inst) => ({ trace: traceProbe(), mem: memoryAtEventsProbe(inst.mem) }) }, c.label, diffs);
    const events = ref.probes.trace.events as string[];
    assert.ok(events.length > 20, `${c.label}: a trace of ${events.length} events`);
    assert.equal(compiled.insnsInterpreted, 0, `${c.label}: the compiled tier interpreted ${compiled.insnsInterpreted} instructions`);
    unwinds += events.filter((e) => e.startsWith('unwind')).length;
    callbacks += events.filter((e) => / callback /.test(e)).length;
  }
  assert.ok(unwinds >= 12, `only ${unwinds} unwind events`);
  assert.ok(callbacks > 0, 'no callback ran');
  assert.deepEqual(diffs.slice(0, 20), []);
});

test('every workload under every strategy run in slices of 5 instructions pauses at the same points, emits the same events and costs the same cycles under both tiers', () => {
  const diffs: string[] = [];
  const llc = new LlcPerTier();
  for (const c of CASES) {
    const probes = (loaded: LoadedProgram, tier: ExecutionTier) => ({ counts: countsProbe(loaded), trace: traceProbe(), ooo: timingProbe('ooo', zen5, loaded, c.exceptionBoundary, llc.get(tier, zen5)) });
    const ref = diff({ ...c.comparison, invocations: c.comparison.invocations.slice(0, 3), sliceInsns: 5, probes }, c.label, diffs);
    assert.ok((ref.invocations[0].pauses?.length ?? 0) > 0, `${c.label} never paused`);
  }
  assert.deepEqual(diffs.slice(0, 20), []);
});

test('a program that turns hot mid-run (interpreted for its first 37 instructions, then compiled) gives the same results, cycles and slice pauses', () => {
  const diffs: string[] = [];
  for (const c of CASES.filter((x) => x.strategy === 'call' || x.strategy === 'stack')) {
    const probes = (loaded: LoadedProgram) => ({ counts: countsProbe(loaded), ooo: timingProbe('ooo', zen5, loaded, c.exceptionBoundary) });
    diff({ ...c.comparison, compileAfter: 37, probes }, `${c.label} (switch-over)`, diffs);
    diff({ ...c.comparison, compileAfter: 37, sliceInsns: 5 }, `${c.label} (switch-over, slices)`, diffs);
  }
  assert.deepEqual(diffs.slice(0, 20), []);
});
